"""`tandem mail-listen [--smtp HOST:PORT] [--lmtp HOST:PORT]`: the SMTP and LMTP servers an MTA
hands mail over to (tandem.mailgate.listener). Each message is in the spool, synced to disk, before
it is answered 250. Runs until SIGTERM or Ctrl+C."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.mailgate.listener import AddressBook, listen


def _address(value: str) -> tuple[str, int]:
    host, _sep, port = value.rpartition(":")
    try:
        number = int(port)
    except ValueError:
        number = -1
    if not host or not 0 < number < 65536:
        raise CommandError(f"{value!r} is not HOST:PORT (for example 127.0.0.1:2525).")
    return host.strip("[]"), number


class Command(BaseCommand):
    help = "Receive mail over SMTP and LMTP into the mail spool."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--smtp", default="127.0.0.1:2525", help="Where to listen for SMTP ('' for none)."
        )
        parser.add_argument(
            "--lmtp", default="", help="Where to listen for LMTP, e.g. 127.0.0.1:2424 ('' for none)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        servers = []
        addresses = AddressBook()
        for kind in ("smtp", "lmtp"):
            if options[kind]:
                host, port = _address(options[kind])
                try:
                    servers.append(
                        listen(
                            settings.TANDEM_MAIL_SPOOL,
                            host=host,
                            port=port,
                            lmtp=kind == "lmtp",
                            addresses=addresses,
                        )
                    )
                except OSError as error:
                    raise CommandError(
                        f"cannot listen for {kind.upper()} on {host}:{port}: {error}"
                    ) from None
                if options["verbosity"]:  # `tandem serve` says it in its banner
                    self.stdout.write(
                        f"{kind.upper()} on {host}:{port}, spooling into {settings.TANDEM_MAIL_SPOOL}"
                    )
        if not servers:
            raise CommandError("Give --smtp or --lmtp (or both).")
        stopping = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stopping.set())
        stopping.wait()
        for server in servers:
            server.stop()
