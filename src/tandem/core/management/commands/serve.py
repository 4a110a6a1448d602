"""`tandem serve`: the web server (gunicorn, several processes), the background task worker and the
mail listener (SMTP on TANDEM_MAIL_LISTEN, 127.0.0.1:2525 by default), started and stopped
together. The embedded default needs nothing else running.

The console stays quiet (docs/operations.md, "The console"): a start banner once the web server
listens, then the access log, a line a request (TANDEM_ACCESS_LOG), and warnings and errors;
gunicorn's and the libraries' chatter only with TANDEM_LOG_LEVEL=DEBUG. Nothing is written
outside the data folder: gunicorn's control socket (by default under the home folder) is off.
The children run in their own process group, so Ctrl+C reaches `serve` alone, which stops each
of them once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

GUNICORN_DEFAULT_PORT = 8000


def address_of(bind: str) -> tuple[str, int] | str | None:
    """Where `bind` (gunicorn's HOST, HOST:PORT, [IPv6]:PORT or unix:PATH) can be reached, or None."""
    if bind.startswith("unix:"):
        return bind.removeprefix("unix:")
    if "://" in bind:  # fd://N and the like
        return None
    host, port = bind, GUNICORN_DEFAULT_PORT
    if bind.startswith("["):
        host, _bracket, rest = bind[1:].partition("]")
        if rest.startswith(":"):
            port = int(rest[1:]) if rest[1:].isdigit() else -1
    elif bind.count(":") == 1:
        host, _colon, number = bind.partition(":")
        port = int(number) if number.isdigit() else -1
    if not 0 < port < 65536:
        return None
    return host or "127.0.0.1", port


def _answers(address: tuple[str, int] | str) -> bool:
    """Whether something accepts connections at `address` now."""
    try:
        if isinstance(address, str):
            with socket.socket(socket.AF_UNIX) as unix:
                unix.settimeout(1)
                unix.connect(address)
        else:
            with socket.create_connection(address, timeout=1):
                pass
    except OSError:
        return False
    return True


def gunicorn_log_level(level: str) -> str:
    """gunicorn says only what goes wrong, unless Tandem's log is at DEBUG."""
    return "debug" if level == "DEBUG" else level.lower() if level in ("ERROR", "CRITICAL") else "warning"


class Command(BaseCommand):
    help = "Serve Tandem with a multi-process web server and the task worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("TANDEM_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("TANDEM_WEB_WORKERS", "2")),
            help="web processes",
        )
        parser.add_argument("--no-task-worker", action="store_true", help="run the task worker elsewhere")
        parser.add_argument(
            "--mail-listen",
            default=settings.TANDEM_MAIL_LISTEN,
            help="HOST:PORT for the SMTP listener of the mail gateway, or 'off'",
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not apply pending migrations first")

    def web_command(self, bind: str, workers: int) -> list[str]:
        command = [
            sys.executable, "-m", "gunicorn", "tandem.wsgi:application",
            "--bind", bind,
            "--workers", str(max(1, workers)),
            "--forwarded-allow-ips", os.environ.get("TANDEM_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            "--log-level", gunicorn_log_level(settings.TANDEM_LOG_LEVEL),
            "--no-control-socket",  # gunicorn 25.1+ would make one under $HOME or $XDG_RUNTIME_DIR
        ]  # fmt: skip
        if settings.TANDEM_ACCESS_LOG != "off":
            command += ["--access-logfile", "-"]
        if settings.TANDEM_ACCESS_LOG == "on":
            command += ["--logger-class", "tandem.core.serverlog.AccessLog"]
        return command

    def banner(self, bind: str, listen: str) -> None:
        where = f"on {bind}" if bind.startswith("unix:") else f"at http://{bind}/"
        self.stdout.write(self.style.SUCCESS(f"Tandem is running {where}  (Ctrl+C stops it)"))
        mail = f"SMTP on {listen}" if listen else "off (TANDEM_MAIL_LISTEN)"
        self.stdout.write(f"  Mail:  {mail}")
        self.stdout.write(f"  Data:  {settings.DATA_DIR}")
        self.stdout.flush()  # before the access log's first line, even into a pipe

    def handle(self, *args: Any, **options: Any) -> None:
        bind = str(options["bind"])
        address = address_of(bind)
        if address is not None and _answers(address):
            raise CommandError(f"Something already answers on {bind}: stop it, or choose another --bind.")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        listen = str(options["mail_listen"] or "").strip()
        if listen.lower() == "off":
            listen = ""
        children: list[subprocess.Popen[bytes]] = []
        essential: list[subprocess.Popen[bytes]] = []  # Tandem stops when one of these does
        stopping = False
        signalled: set[int] = set()

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True
            for child in children:
                # once: a second SIGTERM makes the task worker cut its job short (exit 1)
                if child.pid not in signalled and child.poll() is None:
                    signalled.add(child.pid)
                    child.send_signal(signal.SIGTERM)

        for number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(number, stop)

        def start(command: list[str]) -> subprocess.Popen[bytes]:
            # a process group of its own: a terminal's Ctrl+C reaches serve, which stops the child
            child = subprocess.Popen(command, process_group=0)
            children.append(child)
            return child

        try:
            web = start(self.web_command(bind, options["workers"]))
            if not options["no_task_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
                start([sys.executable, "-m", "tandem", "worker", "--interval", "1"])
            essential += children
            mail = None
            if listen:  # says nothing when it starts (-v 0): the banner says where it listens
                mail = start([sys.executable, "-m", "tandem", "mail-listen", "--smtp", listen, "-v", "0"])
            deadline = time.monotonic() + 60
            while address is not None and not stopping and web.poll() is None and time.monotonic() < deadline:
                if _answers(address):
                    break
                time.sleep(0.1)
            if not stopping and web.poll() is None:
                self.banner(bind, listen)
            while not stopping and all(child.poll() is None for child in essential):
                if mail is not None and mail.poll() is not None and not stopping:
                    # it stopped on its own (e.g. its port is taken): the web and the worker go on, and
                    # mail waits at the sending MTA; when serve stops everything, this is no news
                    news = "Tandem runs on without receiving mail."
                    if mail.returncode:
                        news = f"failed (exit {mail.returncode}, see above); {news} If its port is taken, "
                        news += "free it or set TANDEM_MAIL_LISTEN."
                    else:  # someone stopped it
                        news = f"was stopped; {news}"
                    self.stderr.write(f"The mail listener on {listen} {news}")
                    mail = None
                time.sleep(0.2)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait()
        failed = [c.returncode for c in essential if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            self.stderr.write(f"Tandem stopped: a process it runs ended with exit {failed[0]} (see above).")
            sys.exit(failed[0])
