"""Tandem as production runs it, for the benchmark: its own database (a SQLite file under the bench's
data directory, or a dedicated PostgreSQL database), TANDEM_DEBUG=false, collected static files and
gunicorn with several processes on a free port of 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def database_url(db: str, label: str, var_dir: Path, postgres: str) -> str:
    """The benchmark's own database: never the developer's, never the test suite's."""
    if db == "sqlite":
        return f"sqlite:///{var_dir / f'tandem-bench-{label}.sqlite3'}"
    parts = urlsplit(postgres)
    return urlunsplit(parts._replace(path=f"/tandem_bench_{label.lower()}"))


def ensure_postgres_database(url: str) -> None:
    """Creates the database when it does not exist yet (the server has trust auth for postgres)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(parts.path.lstrip("/"))))


def tandem_env(var_dir: Path, db_url: str) -> dict[str, str]:
    """Production settings, whatever the calling shell (or the test run) had set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="tandem.settings",
        DATABASE_URL=db_url,
        TANDEM_DEBUG="false",
        TANDEM_TESTING="false",
        TANDEM_SECRET_KEY=secrets.token_urlsafe(64),
        TANDEM_ALLOWED_HOSTS="127.0.0.1",
        TANDEM_SSL_REDIRECT="false",
        TANDEM_SECURE_COOKIES="false",
        TANDEM_HSTS_SECONDS="0",
        TANDEM_DATA_DIR=str(var_dir),
        TANDEM_EMAIL_BACKEND="memory",
    )
    # The runner's own modules (bench.prepare) are importable from the checkout's root.
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def manage(env: dict[str, str], *args: str, show_output: bool = False) -> None:
    """Runs `tandem <args>` in the benchmark's environment; fails loudly with its output. With
    `show_output` the command talks to the terminal (a long `generate` shows its progress)."""
    command = [PYTHON, "-m", "tandem", *args]
    if show_output:
        if subprocess.run(command, env=env, cwd=REPO, check=False).returncode != 0:  # noqa: S603
            raise RuntimeError(f"`tandem {' '.join(args)}` failed (see above)")
        return
    completed = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise RuntimeError(f"`tandem {' '.join(args)}` failed:\n{completed.stdout}\n{completed.stderr}")


def collectstatic(env: dict[str, str], static_root: Path) -> list[str]:
    """`tandem collectstatic`, as a deployment runs it. Returns the files stood in for (none since the
    vendored files stopped naming source maps; kept so reports keep their shape)."""
    static_root.mkdir(parents=True, exist_ok=True)
    manage(env, "collectstatic", "--no-input")
    return []


def prepare(env: dict[str, str], seed: int) -> dict[str, Any]:
    """The bench user's credentials and the samples the scenarios draw from (see bench/prepare.py)."""
    command = [PYTHON, "-m", "bench.prepare", "--seed", str(seed)]
    completed = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, check=False)  # noqa: S603
    if completed.returncode != 0:
        raise RuntimeError(f"bench.prepare failed:\n{completed.stdout}\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            children.append(int(entry.name))
    return sorted(children)


def rss_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.MULTILINE)
    return round(int(match.group(1)) / 1024, 1) if match else None


@dataclass
class Server:
    env: dict[str, str]
    workers: int
    log_path: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 90) -> None:
        self.port = free_port()
        command = [
            PYTHON, "-m", "gunicorn", "tandem.wsgi:application",
            "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
            # A page that takes longer than a minute is a result to report, not a worker to kill.
            "--timeout", "120",
        ]  # fmt: skip
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=REPO, stdout=log, stderr=log)  # noqa: S603
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {self.log_path}:\n{self._log_tail()}")
            if self._healthy() and len(self.worker_pids()) >= self.workers:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Tandem did not answer /healthz within {timeout_s:.0f} s:\n{self._log_tail()}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:  # noqa: S310
                return bool(response.status == 200)
        except (OSError, urllib.error.URLError):
            return False

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])
        except OSError:
            return ""

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def worker_rss_mb(self) -> dict[int, float]:
        return {pid: mb for pid in self.worker_pids() if (mb := rss_mb(pid)) is not None}

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


def login(base_url: str, email: str, password: str) -> str:
    """Logs in through the login page as a browser does; returns the session cookie's value."""
    host = urlsplit(base_url)
    conn = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=30)
    try:
        conn.request("GET", "/login/")
        page = conn.getresponse()
        html = page.read().decode()
        csrf_cookie = _cookies(page).get("csrftoken", "")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if page.status != 200 or not match or not csrf_cookie:
            raise RuntimeError(f"the login page did not offer a form (HTTP {page.status})")
        form = urlencode({"csrfmiddlewaretoken": match.group(1), "username": email, "password": password})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}"}
        conn.request("POST", "/login/", body=form, headers=headers)
        answer = conn.getresponse()
        answer.read()
        session = _cookies(answer).get("sessionid")
        if answer.status != 302 or not session:
            raise RuntimeError(f"logging in as {email} failed (HTTP {answer.status})")
        return session
    finally:
        conn.close()
