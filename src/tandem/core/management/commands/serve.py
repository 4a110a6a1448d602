"""`tandem serve`: the web server (gunicorn, several processes), the background task worker and the
mail listener (SMTP on TANDEM_MAIL_LISTEN, 127.0.0.1:2525 by default), started and stopped
together. The embedded default needs nothing else running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


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

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        children: list[subprocess.Popen[bytes]] = []
        web = [
            sys.executable, "-m", "gunicorn", "tandem.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(max(1, options["workers"])),
            "--access-logfile", "-",
            "--forwarded-allow-ips", os.environ.get("TANDEM_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]  # fmt: skip
        children.append(subprocess.Popen(web))
        if not options["no_task_worker"] and "django_tasks_db" in settings.TASKS["default"]["BACKEND"]:
            worker = [sys.executable, "-m", "tandem", "worker", "--interval", "1"]
            children.append(subprocess.Popen(worker))
        essential = list(children)  # Tandem stops when one of these does
        listen = str(options["mail_listen"] or "").strip()
        mail: subprocess.Popen[bytes] | None = None
        if listen and listen.lower() != "off":
            mail = subprocess.Popen([sys.executable, "-m", "tandem", "mail-listen", "--smtp", listen])
            children.append(mail)
        self.stdout.write(
            self.style.SUCCESS(f"Tandem is running at http://{options['bind']}/  (Ctrl+C stops it)")
        )

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in essential):
                if mail is not None and mail.poll() is not None:
                    # e.g. the port is taken: the web and the worker go on; mail waits at the MTA
                    self.stderr.write(
                        f"The mail listener on {listen} stopped (exit {mail.returncode}); Tandem runs "
                        "on without receiving mail. Free the port or set TANDEM_MAIL_LISTEN."
                    )
                    mail = None
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c.returncode for c in essential if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed:
            sys.exit(failed[0])
