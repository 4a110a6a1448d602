"""Where the BottleCRM peer lives on this machine and how its processes are configured.

Standard library only: the Tandem-side scripts (setup, load, serve, the adapter) import it.
Nothing here is committed state: the virtual environment, the run directory (logs, pid file,
token, load summary) and the PostgreSQL databases are all recreated by `setup.py`.

Environment overrides (all optional):
  BOTTLECRM_VAR_DIR      runtime directory (default bench/var/peers/bottlecrm in the checkout)
  BOTTLECRM_PG_HOST/PORT the PostgreSQL server (default 127.0.0.1:5432, the machine's shared one)
  BOTTLECRM_PG_ADMIN     a role allowed to create roles and databases (default postgres)
  BOTTLECRM_DB           the peer's database (default crm_bench; its template is <name>_tmpl)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "django-crm"
VERSION = "1.35.0"
# django-crm 1.x needs Python >= 3.12; under 3.11 pip silently picks the unrelated 2021 0.9.0.
MIN_PYTHON = (3, 12)

HERE = Path(__file__).resolve().parent


class PeerError(RuntimeError):
    """Setting up, loading or serving the peer failed; the message says what to do."""


REPO = HERE.parents[2]


@dataclass(frozen=True)
class Paths:
    var: Path

    @property
    def venv(self) -> Path:
        return self.var / "venv"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def run(self) -> Path:
        # BottleCRM's settings write server.log / security_audit.log relative to the working directory.
        return self.var / "run"

    @property
    def token_file(self) -> Path:
        return self.run / "token.json"

    @property
    def load_info(self) -> Path:
        return self.run / "load_info.json"

    @property
    def export_file(self) -> Path:
        return self.run / "tandem_export.jsonl"


def paths() -> Paths:
    return Paths(Path(os.environ.get("BOTTLECRM_VAR_DIR", REPO / "bench" / "var" / "peers" / "bottlecrm")))


@dataclass(frozen=True)
class Database:
    host: str
    port: int
    admin: str
    name: str
    user: str = "crm_user"
    password: str = "crm"  # noqa: S105 - trust auth here; kept for servers that ask for one

    @property
    def template(self) -> str:
        return f"{self.name}_tmpl"


def database() -> Database:
    return Database(
        host=os.environ.get("BOTTLECRM_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("BOTTLECRM_PG_PORT", "5432")),
        admin=os.environ.get("BOTTLECRM_PG_ADMIN", "postgres"),
        name=os.environ.get("BOTTLECRM_DB", "crm_bench"),
    )


# The one organization and five users every load creates (as the shared seed does).
ORG_NAME = "BenchOrg"
ADMIN_EMAIL = "admin@bench.example"
USER_EMAILS = (ADMIN_EMAIL, *(f"user{i}@bench.example" for i in range(1, 5)))
USER_PASSWORD = "bench-pass-123"  # noqa: S105 - a throwaway benchmark login on loopback


def peer_env(db: Database | None = None) -> dict[str, str]:
    """The environment BottleCRM's `crm.settings` reads, for every peer process."""
    db = db or database()
    # Nothing of Tandem's environment: its settings, database or import path would confuse BottleCRM.
    foreign = ("DJANGO_", "DATABASE_URL", "TANDEM_", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(foreign)}
    env.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        # "prod" demands AWS/SES credentials and public URLs; "dev" with DEBUG off is production-like enough.
        ENV_TYPE="dev",
        DEBUG="false",
        SECRET_KEY="bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-not-for-prod",  # noqa: S106
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DBNAME=db.name,
        # A non-superuser owning the database, so PostgreSQL row-level security is enforced as in production.
        DBUSER=db.user,
        DBPASSWORD=db.password,
        DBHOST=db.host,
        DBPORT=str(db.port),
        # Celery is configured for Redis but nothing here needs a worker.
        CELERY_BROKER_URL="memory://",
        CELERY_RESULT_BACKEND="cache+memory://",
        CELERY_TASK_ALWAYS_EAGER="False",
        PYTHONUNBUFFERED="1",
    )
    return env
