"""Serve the loaded BottleCRM peer with gunicorn on 127.0.0.1, and mint its API token.

    .venv/bin/python bench/peers/bottlecrm/serve.py start [--workers 2] [--port 0]
    .venv/bin/python bench/peers/bottlecrm/serve.py token [EMAIL]
    .venv/bin/python bench/peers/bottlecrm/serve.py stop

From code, `PeerServer(workers=N).start()` runs gunicorn as a child process (stop() ends it), the
way bench/server.py runs Tandem: sync workers, the same count as Tandem's, DEBUG off, no access
log, a 120 s timeout. `start` on the command line leaves it running in the background with its
pid in run/gunicorn.pid for `stop`. Port 0 picks a free one.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from bench.peers.bottlecrm import config

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
    return sorted(children)


def healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz/", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


@dataclass
class PeerServer:
    workers: int = 2
    port: int = 0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout_s: float = 90) -> PeerServer:
        paths = config.paths()
        if not paths.python.exists():
            raise config.PeerError(
                "The BottleCRM peer is not installed: run bench/peers/bottlecrm/setup.py first."
            )
        paths.run.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        command = [
            str(paths.venv / "bin" / "gunicorn"), "crm.wsgi:application",
            "--workers", str(self.workers), "--bind", f"{HOST}:{self.port}",
            "--timeout", "120", "--pid", str(paths.run / "gunicorn.pid"),
        ]  # fmt: skip
        log_path = paths.run / "gunicorn.log"
        with log_path.open("wb") as log:
            # Its own session: a Ctrl-C meant for the caller does not stop a detached server.
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=paths.run, env=config.peer_env(), stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise config.PeerError(f"BottleCRM's gunicorn exited at start; see {log_path}")
            if healthy(self.base_url) and len(self.worker_pids()) >= self.workers:
                return self
            time.sleep(0.2)
        self.stop()
        raise config.PeerError(f"BottleCRM did not answer /healthz/ within {timeout_s:.0f} s; see {log_path}")

    def worker_pids(self) -> list[int]:
        return _children(self.process.pid) if self.process else []

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def mint_token(email: str = config.ADMIN_EMAIL) -> dict[str, Any]:
    """A fresh one-hour JWT for a loaded user; also kept in run/token.json."""
    paths = config.paths()
    done = subprocess.run(  # noqa: S603
        [str(paths.python), str(config.HERE / "peer_token.py"), email, config.ORG_NAME],
        cwd=paths.run,
        env=config.peer_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise config.PeerError(
            f"Minting a BottleCRM token failed (is the data set loaded?):\n{done.stderr[-2000:]}"
        )
    token: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    paths.token_file.write_text(json.dumps(token))
    return token


def ensure_running() -> str:
    """The base URL of the server `serve.py start` left running, or of one started now with
    BOTTLECRM_WORKERS processes (default two per core, as the runner's --workers) that stops when
    this process exits."""
    server_file = config.paths().run / "server.json"
    if server_file.exists():
        started = json.loads(server_file.read_text())
        if Path(f"/proc/{started['pid']}").exists() and healthy(started["base_url"]):
            return str(started["base_url"])
    workers = int(os.environ.get("BOTTLECRM_WORKERS", 2 * (os.cpu_count() or 1)))
    server = PeerServer(workers=workers).start()
    atexit.register(server.stop)
    return server.base_url


def stop_detached() -> None:
    pid_file = config.paths().run / "gunicorn.pid"
    if not pid_file.exists():
        print("not running")
        return
    pid = int(pid_file.read_text().strip())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        print(f"gunicorn {pid} had already stopped")
    else:
        for _ in range(60):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.5)
        print(f"stopped gunicorn {pid}")
    pid_file.unlink(missing_ok=True)
    (config.paths().run / "server.json").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start")
    start.add_argument("--workers", type=int, default=2)
    start.add_argument("--port", type=int, default=0)
    token = sub.add_parser("token")
    token.add_argument("email", nargs="?", default=config.ADMIN_EMAIL)
    sub.add_parser("stop")
    sub.add_parser("probe", help="send each scenario's first request once to the server")
    args = parser.parse_args(argv)
    if args.command == "start":
        server = PeerServer(workers=args.workers, port=args.port).start()
        assert server.process is not None
        started = {"base_url": server.base_url, "pid": server.process.pid, "workers": args.workers}
        (config.paths().run / "server.json").write_text(json.dumps(started))
        print(json.dumps(started))
    elif args.command == "token":
        print(json.dumps(mint_token(args.email)))
    elif args.command == "probe":
        from bench.peers.bottlecrm.adapter import probe, target
        from bench.scenarios import all_scenarios

        for result in probe(target(list(all_scenarios()))):
            print(json.dumps(result))
    else:
        stop_detached()


if __name__ == "__main__":
    main()
