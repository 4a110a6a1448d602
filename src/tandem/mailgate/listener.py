"""The SMTP and LMTP servers of `tandem mail-listen` (aiosmtpd), so that Postfix, Exim or any MTA
can hand mail over. A message is answered 250 only once it is in the spool, synced to disk
(tandem.mailgate.spool); when the spool cannot store it the answer is 451, and the sending MTA
keeps the message and tries again. Nothing here touches the database: processing happens from
the spool, so the listener keeps accepting mail while the database is down.

LMTP wants one reply per recipient after DATA (RFC 2033); aiosmtpd's LMTP class sends one, so
`SpoolHandler` answers one line per recipient itself.

Recipients no address leads to are refused at RCPT TO (550), from the addresses the database had
when last read (`AddressBook`, at most every 30 s). While the database cannot be read, every
recipient is accepted, and the worker decides later: mail is never refused for an outage."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings

from tandem.mailgate.parsing import MAX_MESSAGE
from tandem.mailgate.spool import Spool

logger = logging.getLogger("tandem.mailgate")


class AddressBook:
    """Which recipients have somewhere to go, as the database said at most `ttl` seconds ago."""

    def __init__(self, ttl: float = 30) -> None:
        self.ttl = ttl
        self._known: set[str] | None = None  # None: never read
        self._catch_all = False
        self._read_at = -ttl
        self._lock = threading.Lock()

    def _read(self) -> None:
        from django.db import DatabaseError, connection

        from tandem.mailgate.models import MailAddress

        try:
            rows = list(MailAddress.objects.filter(active=True).values_list("address", "catch_all"))
        except DatabaseError as error:
            logger.warning("cannot read the mail addresses (%s); accepting every recipient for now", error)
            self._known = None
            return
        finally:
            # one read every `ttl` seconds: a fresh connection each time rather than one held open
            # by the listener's thread (which outlives a database restart and keeps a session busy)
            if not connection.in_atomic_block:
                connection.close()
        self._known = {address.lower() for address, _catch_all in rows}
        self._catch_all = any(catch_all for _address, catch_all in rows)

    def accepts(self, recipient: str) -> bool:
        from tandem.mailgate.replies import is_reply_address

        address = recipient.strip().strip("<>").lower()
        if is_reply_address(address):
            return True
        with self._lock:
            if time.monotonic() - self._read_at >= self.ttl:
                self._read()
                self._read_at = time.monotonic()
            if self._known is None:
                return True
            return self._catch_all or address in self._known


class SpoolHandler:
    def __init__(self, spool: Spool, *, lmtp: bool = False, addresses: AddressBook | None = None) -> None:
        self.spool = spool
        self.lmtp = lmtp
        self.addresses = addresses

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        if self.addresses is not None and not await asyncio.to_thread(self.addresses.accepts, address):
            logger.info("refused mail for %s: no address here leads to a board", address)
            return "550 5.1.1 No mailbox here by that name"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        recipients = list(envelope.rcpt_tos)
        meta = {
            "from": envelope.mail_from or "",
            "to": recipients,
            "peer": str(session.peer[0]) if isinstance(session.peer, tuple) else "",
            "via": "lmtp" if self.lmtp else "smtp",
        }
        try:
            spooled = self.spool.deliver(bytes(raw), meta)
        except OSError as error:
            logger.error("could not spool a message from %s: %s", meta["from"], error)
            return self._answer("451 4.3.0 The message could not be stored; try again later", recipients)
        logger.info("spooled %s from %s for %s", spooled.name, meta["from"], ", ".join(recipients))
        return self._answer(f"250 2.0.0 Stored as {spooled.name}", recipients)

    def _answer(self, line: str, recipients: list[str]) -> str:
        if not self.lmtp or len(recipients) < 2:
            return line
        return "\r\n".join(line for _recipient in recipients)  # one reply for each recipient


class _LMTPController(Controller):
    def factory(self) -> Any:
        return LMTP(self.handler, **self.SMTP_kwargs)


def listen(
    spool_root: Path | str,
    *,
    host: str,
    port: int,
    lmtp: bool = False,
    addresses: AddressBook | None = None,
) -> Controller:
    """Start one server in its own thread (stop it with `.stop()`). Without `addresses`, every
    recipient is accepted."""
    spool = Spool(spool_root)
    kind = _LMTPController if lmtp else Controller
    controller = kind(
        SpoolHandler(spool, lmtp=lmtp, addresses=addresses),
        hostname=host,
        port=port,
        data_size_limit=getattr(settings, "TANDEM_MAIL_MAX_MESSAGE", MAX_MESSAGE),
        decode_data=False,
        enable_SMTPUTF8=True,
        server_hostname="tandem",
    )
    controller.start()
    return controller
