"""The SMTP and LMTP servers of `tandem mail-listen` (aiosmtpd), so that Postfix, Exim or any MTA
can hand mail over. A message is answered 250 only once it is in the spool, synced to disk
(tandem.mailgate.spool); when the spool cannot store it the answer is 451, and the sending MTA
keeps the message and tries again. Nothing here touches the database: processing happens from
the spool, so the listener keeps accepting mail while the database is down.

LMTP wants one reply per recipient after DATA (RFC 2033); aiosmtpd's LMTP class sends one, so
`SpoolHandler` answers one line per recipient itself."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from tandem.mailgate.parsing import MAX_MESSAGE
from tandem.mailgate.spool import Spool

logger = logging.getLogger("tandem.mailgate")


class SpoolHandler:
    def __init__(self, spool: Spool, *, lmtp: bool = False) -> None:
        self.spool = spool
        self.lmtp = lmtp

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


def listen(spool_root: Path | str, *, host: str, port: int, lmtp: bool = False) -> Controller:
    """Start one server in its own thread (stop it with `.stop()`)."""
    spool = Spool(spool_root)
    kind = _LMTPController if lmtp else Controller
    controller = kind(
        SpoolHandler(spool, lmtp=lmtp),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE,
        decode_data=False,
        enable_SMTPUTF8=True,
        server_hostname="tandem",
    )
    controller.start()
    return controller
