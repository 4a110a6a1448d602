"""`tandem poll-imap [--url URL]`: take the mail waiting in an IMAP mailbox (TANDEM_MAIL_IMAP, or
the URL given) into the mail spool, once, and say how many messages it took; for cron, or to try a
mailbox out. The worker does the same every TANDEM_MAIL_IMAP_SECONDS when TANDEM_MAIL_IMAP is set,
and makes the messages into items (tandem.mailgate.imap says what happens in the mailbox)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.mailgate import imap


class Command(BaseCommand):
    help = "Take the mail waiting in an IMAP mailbox into the mail spool, once."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default="",
            help="The mailbox, e.g. imaps://user:password@mail.example.com/INBOX (default: "
            "TANDEM_MAIL_IMAP). Other users of the machine can see a password given here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        url = options["url"] or settings.TANDEM_MAIL_IMAP
        if not url:
            raise CommandError("No IMAP mailbox: set TANDEM_MAIL_IMAP or give --url.")
        try:
            mailbox = imap.parse_url(url)
            taken = imap.poll(url)
        except (ValueError, imap.MailboxError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"took {taken} message{'' if taken == 1 else 's'} from {mailbox} into "
            f"{settings.TANDEM_MAIL_SPOOL}"
        )
