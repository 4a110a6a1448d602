"""Install the BottleCRM peer (PyPI django-crm==1.35.0) for Tandem's benchmark. Idempotent.

    .venv/bin/python bench/peers/bottlecrm/setup.py [--force-migrate]

1. a virtual environment of its own under bench/var/peers/bottlecrm/venv (Python >= 3.12), with
   django-crm pinned (its code is never copied into Tandem);
2. on the machine's PostgreSQL (127.0.0.1:5432): role crm_user (NOSUPERUSER, NOBYPASSRLS, so
   BottleCRM's row-level security is enforced) owning database crm_bench;
3. BottleCRM's migrations (~3 minutes, 250+ of them), then a template database crm_bench_tmpl that
   `load.py` clones in seconds for every fresh load.

Each step is skipped when already done. Prints the seconds each step took.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.peers.bottlecrm import config, pg

TEMPLATE_COMMENT = f"{config.PACKAGE} {config.VERSION} migrated"


@contextmanager
def step(name: str, timings: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    print(f"- {name} ...", flush=True)
    yield
    timings[name] = round(time.perf_counter() - started, 1)
    print(f"  {name}: {timings[name]} s", flush=True)


def find_python() -> list[str]:
    """A Python >= 3.12 to build the venv with. pyenv's shims need PYENV_VERSION to pick one."""
    probe = f"import sys; sys.exit(0 if sys.version_info >= {config.MIN_PYTHON} else 1)"
    candidates = [os.environ.get("BOTTLECRM_PYTHON", ""), "python3.13", "python3.12", "python3"]
    for name in filter(None, candidates):
        exe = shutil.which(name)
        if exe is None:
            continue
        for pyenv_version in (None, "3.13.0", "3.12.1"):
            env = dict(os.environ)
            if pyenv_version:
                env["PYENV_VERSION"] = pyenv_version
            ok = subprocess.run([exe, "-c", probe], env=env, capture_output=True, check=False)  # noqa: S603
            if ok.returncode == 0:
                return [exe] if pyenv_version is None else ["env", f"PYENV_VERSION={pyenv_version}", exe]
    sys.exit(
        "No Python >= 3.12 found for the BottleCRM peer (django-crm 1.35 needs it). Install python3.13 "
        "or python3.12, or point BOTTLECRM_PYTHON at one."
    )


def installed_version(paths: config.Paths) -> str | None:
    if not paths.python.exists():
        return None
    out = subprocess.run(  # noqa: S603
        [str(paths.python), "-c", f"import importlib.metadata as m; print(m.version({config.PACKAGE!r}))"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() if out.returncode == 0 else None


def pip_install(paths: config.Paths, *args: str) -> None:
    """pip install, without the "Location ... is ignored" warnings this machine's local indexes cause."""
    cmd = [str(paths.python), "-m", "pip", "install", "-q", *args]
    with subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) as pip:  # noqa: S603
        assert pip.stderr is not None
        for line in pip.stderr:
            if not (line.startswith("WARNING: Location ") and "is ignored" in line):
                sys.stderr.write(line)
    if pip.returncode != 0:
        sys.exit(f"pip install {' '.join(args)} failed")


def install(paths: config.Paths, timings: dict[str, float]) -> None:
    if installed_version(paths) == config.VERSION:
        print(f"- {config.PACKAGE} {config.VERSION} already installed in {paths.venv}")
        return
    with step("venv + pip install", timings):
        if not paths.python.exists():
            subprocess.run([*find_python(), "-m", "venv", str(paths.venv)], check=True)  # noqa: S603
        pip_install(paths, "-U", "pip")
        # Pulls Django 6.1, DRF, simplejwt, psycopg 3, gunicorn, celery ...
        pip_install(paths, f"{config.PACKAGE}=={config.VERSION}")


def migrate(paths: config.Paths, db: config.Database, timings: dict[str, float], force: bool) -> None:
    with pg.admin_connection(db) as conn:
        pg.ensure_role(conn, db)
        if not force and pg.database_comment(conn, db.template) == TEMPLATE_COMMENT:
            print(f"- template database {db.template} already migrated")
            return
        pg.drop_database(conn, db.template)
        pg.recreate_database(conn, db.name, owner=db.user)
    paths.run.mkdir(parents=True, exist_ok=True)
    log = paths.run / "migrate.log"
    with step("migrate", timings), log.open("w") as out:
        done = subprocess.run(  # noqa: S603
            [str(paths.venv / "bin" / "django-admin"), "migrate", "--noinput"],
            cwd=paths.run,
            env=config.peer_env(db),
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        sys.exit(f"BottleCRM's migrations failed; see {log}")
    with step("template database", timings), pg.admin_connection(db) as conn:
        pg.recreate_database(conn, db.template, owner=db.user, template=db.name)
        pg.comment_database(conn, db.template, TEMPLATE_COMMENT)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--force-migrate", action="store_true", help="migrate again and rebuild the template")
    args = parser.parse_args(argv)
    paths, db = config.paths(), config.database()
    timings: dict[str, float] = {}
    install(paths, timings)
    migrate(paths, db, timings, force=args.force_migrate)
    print(
        f"setup ok: {config.PACKAGE} {installed_version(paths)} in {paths.venv}; "
        f"database {db.name} (template {db.template}) on {db.host}:{db.port}; timings {timings}"
    )


if __name__ == "__main__":
    main()
