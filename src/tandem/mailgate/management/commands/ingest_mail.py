"""`tandem ingest-mail [--recipient ADDR]... < message.eml`: take one RFC 5322 message from standard
input, for an MTA's pipe transport or procmail. The message is in the spool, synced to disk, when
this exits 0; when it could not be stored (the spool folder missing or full, standard input
unreadable) it exits 75 (EX_TEMPFAIL), so the MTA keeps it and tries again. A message over
TANDEM_MAIL_MAX_MESSAGE exits 65 (EX_DATAERR), which the MTA bounces to its sender. Making it an item happens from the spool, later, as for mail from `tandem mail-listen`."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tandem.mailgate.parsing import MAX_MESSAGE
from tandem.mailgate.spool import Spool

EX_OK = 0
EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Store one message from standard input in the mail spool (exit 0), or exit 75 so the MTA retries."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--recipient",
            action="append",
            default=[],
            help="An envelope recipient (the MTA's $recipient); repeat for several. Without it the "
            "message's own To and Cc route it.",
        )
        parser.add_argument("--sender", default="", help="The envelope sender (the MTA's $sender).")

    def handle(self, *args: Any, **options: Any) -> None:
        limit = getattr(settings, "TANDEM_MAIL_MAX_MESSAGE", MAX_MESSAGE)
        try:
            raw = sys.stdin.buffer.read(limit + 1)
        except OSError as error:
            self._fail(f"standard input could not be read: {error}")
        if len(raw) > limit:
            # never storable, so no use retrying: EX_DATAERR makes the MTA bounce it to the sender at
            # once, as the SMTP listener's 552 does
            self.stderr.write(f"tandem ingest-mail: the message is over the limit of {limit:,} bytes")
            sys.exit(EX_DATAERR)
        envelope = {"from": options["sender"], "to": options["recipient"], "via": "ingest-mail"}
        try:
            spooled = Spool(settings.TANDEM_MAIL_SPOOL).deliver(raw, envelope)
        except OSError as error:
            self._fail(f"the spool {settings.TANDEM_MAIL_SPOOL} could not store it: {error}")
        if options["verbosity"] > 1:
            self.stdout.write(f"stored as {spooled.name}")
        sys.exit(EX_OK)

    def _fail(self, reason: str) -> None:
        self.stderr.write(f"tandem ingest-mail: {reason}; try again later")
        sys.exit(EX_TEMPFAIL)
