"""`tandem demo`: migrate, load the demo company, serve it. The console shows the demo's logins and
then `tandem serve`'s banner (docs/operations.md, "The console")."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Set up the database, load the demo company and serve Tandem on http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("TANDEM_BIND", "127.0.0.1:8000"))
        parser.add_argument("--no-serve", action="store_true", help="set up and load the demo data only")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Applying database migrations…")
        call_command("migrate", interactive=False, verbosity=0)
        # the demo's own e-mails are received while it loads: no log line for each (unless at DEBUG)
        mail_log = logging.getLogger("tandem.mailgate")
        level = mail_log.level
        if mail_log.getEffectiveLevel() > logging.DEBUG:
            mail_log.setLevel(max(logging.WARNING, mail_log.getEffectiveLevel()))
        try:
            call_command("seed_demo", stdout=self.stdout)
        finally:
            mail_log.setLevel(level)
        if not options["no_serve"]:
            call_command("serve", bind=options["bind"], no_migrate=True)
