"""IMAP polling, the third way into the mail gateway (next to the SMTP/LMTP listener and `tandem
ingest-mail`): `poll(url)` takes every message waiting in one mailbox folder into the spool.

The mailbox is given as a URL (TANDEM_MAIL_IMAP, or `tandem poll-imap --url`):

    imaps://user:password@host[:993]/[folder][?recipient=ADDR][&processed=FOLDER]
    imap://user:password@host[:143]/[folder]?starttls[&…]      (plain imap:// without ?starttls)

User and password are URL-encoded (`%40` for an @ in a user name), the folder defaults to INBOX.
`recipient` (may repeat) routes everything in the mailbox as if the envelope said so; without it each
message's own To and Cc route it. `processed` moves taken messages to that folder (created when
missing) instead of deleting them.

Which messages: every one in the folder not flagged \\Deleted (not only the unseen ones). The
mailbox is meant for Tandem alone and Tandem removes what it took, so whatever is there is waiting:
a message someone has read in a mail client is still taken, and one that was put in the spool while
the connection broke before it could be removed is taken again (the pipeline knows a message by its
identity, so that makes no second item). Searching UNSEEN would skip the first for ever.

Never losing one: each message is fetched with BODY.PEEK[] (fetching leaves it unread), handed to
`services.deliver`, which returns only once it is synced to disk, and only then flagged \\Seen and
\\Deleted (or moved); the deleted ones are expunged at the end. A message that cannot be fetched,
or is over TANDEM_MAIL_MAX_MESSAGE, stays in the mailbox untouched and is logged. A connection,
login or folder that fails raises `MailboxError` (the job is retried); nothing is deleted then that
is not in the spool."""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from tandem.mailgate import services

logger = logging.getLogger("tandem.mailgate")

TIMEOUT = 60  # seconds a connection may stay silent
PORTS = {"imap": 143, "imaps": 993}
_OPTIONS = ("starttls", "recipient", "processed")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
# what breaks a session: the server's errors and a connection that fails
_BROKEN = (imaplib.IMAP4.error, TimeoutError, ConnectionError, ssl.SSLError)


class MailboxError(Exception):
    """The mailbox could not be reached, logged in to or used (the job tries again later)."""


@dataclass(frozen=True)
class Mailbox:
    """A mailbox folder to poll, from its URL."""

    scheme: str
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    starttls: bool = False
    recipients: tuple[str, ...] = ()
    processed: str = ""  # the folder taken messages move to; "" to delete them

    def __str__(self) -> str:  # for messages and logs: never the password
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{self.user}@{host}:{self.port}/{self.folder}"


def parse_url(url: str) -> Mailbox:
    """The mailbox a URL names; ValueError (never showing the password) when it is not one."""
    parts = urlsplit((url or "").strip())
    scheme = parts.scheme.lower()
    if scheme not in PORTS:
        raise ValueError(
            "An IMAP mailbox URL starts with imaps:// (TLS) or imap:// (plain, or ?starttls), "
            "e.g. imaps://user:password@mail.example.com/INBOX."
        )
    if not parts.hostname:
        raise ValueError(f"The IMAP URL names no host ({scheme}://user:password@HOST/folder).")
    try:
        port = parts.port or PORTS[scheme]
    except ValueError:
        raise ValueError("The IMAP URL's port is not a number from 1 to 65535.") from None
    if not parts.username:
        raise ValueError(f"The IMAP URL names no user ({scheme}://USER:password@{parts.hostname}/…).")
    if parts.password is None:
        raise ValueError(
            f"The IMAP URL has no password ({scheme}://user:PASSWORD@{parts.hostname}/…; "
            "URL-encode characters such as @ / : in it)."
        )
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise ValueError(
            f"The IMAP URL has an unknown option {', '.join(unknown)} (known: {', '.join(_OPTIONS)})."
        )
    starttls = "starttls" in options and options["starttls"][-1].lower() not in ("0", "no", "false")
    if starttls and scheme == "imaps":
        raise ValueError("?starttls is for imap:// URLs; imaps:// uses TLS from the start.")
    recipients = tuple(
        address.strip() for value in options.get("recipient", ()) for address in value.split(",")
    )
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise ValueError(f"The IMAP URL's recipient {address!r} is not an e-mail address.") from None
    processed = (options.get("processed") or [""])[-1].strip()
    folder = unquote(parts.path).strip("/") or "INBOX"
    if processed == folder:
        raise ValueError("The IMAP URL's processed folder is the folder it polls.")
    return Mailbox(
        scheme=scheme,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=folder,
        starttls=starttls,
        recipients=recipients,
        processed=processed,
    )


def poll(url: str) -> int:
    """Take every message waiting in the mailbox into the spool; returns how many were taken."""
    box = parse_url(url)
    connection = _connect(box)
    try:
        _login(connection, box)
        capabilities = _capabilities(connection)
        _select(connection, box)
        if box.processed:
            _ensure_folder(connection, box)
        return _take_all(connection, box, move="MOVE" in capabilities)
    except _BROKEN as error:  # other errors (the spool could not store it) are not the mailbox's
        raise MailboxError(f"The IMAP mailbox {box} failed: {_text(error)}") from error
    finally:
        with contextlib.suppress(Exception):
            connection.logout()


# --- Steps ----------------------------------------------------------------------------------


def _connect(box: Mailbox) -> imaplib.IMAP4:
    connection: imaplib.IMAP4 | None = None
    try:
        if box.scheme == "imaps":
            return imaplib.IMAP4_SSL(
                box.host, box.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
            )
        connection = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT)
        if box.starttls:
            connection.starttls(ssl.create_default_context())
        return connection
    except (*_BROKEN, OSError) as error:
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.shutdown()
        raise MailboxError(f"Cannot connect to the IMAP mailbox {box}: {_text(error)}") from error


def _login(connection: imaplib.IMAP4, box: Mailbox) -> None:
    capabilities = set(connection.capabilities)
    try:
        if "AUTH=PLAIN" in capabilities:  # any characters in user and password (UTF-8)
            credentials = f"\0{box.user}\0{box.password}".encode()
            connection.authenticate("PLAIN", lambda _challenge: credentials)
        elif "LOGINDISABLED" in capabilities:
            raise MailboxError(
                f"The IMAP server of {box} refuses to log in without TLS: use imaps:// or ?starttls."
            )
        else:
            connection.login(_quoted(box.user), box.password)
    except imaplib.IMAP4.abort:
        raise
    except (imaplib.IMAP4.error, UnicodeEncodeError) as error:
        raise MailboxError(f"Cannot log in to the IMAP mailbox {box}: {_text(error)}") from error


def _capabilities(connection: imaplib.IMAP4) -> set[str]:
    """What the server offers once logged in (it may offer more than before)."""
    kind, data = connection.capability()
    words = b" ".join(item for item in data if isinstance(item, bytes)).decode(errors="replace")
    return set(words.upper().split()) if kind == "OK" else set(connection.capabilities)


def _select(connection: imaplib.IMAP4, box: Mailbox) -> None:
    try:
        kind, data = connection.select(_mailbox_name(box.folder))
    except imaplib.IMAP4.readonly as error:
        raise MailboxError(f"The IMAP folder {box} is read-only: {_text(error)}") from error
    if kind != "OK":
        raise MailboxError(f"The IMAP folder {box} cannot be opened: {_text(data)}")


def _ensure_folder(connection: imaplib.IMAP4, box: Mailbox) -> None:
    name = _mailbox_name(box.processed)
    kind, data = connection.list('""', name)
    if kind == "OK" and any(item for item in data):
        return
    kind, data = connection.create(name)
    if kind != "OK":
        raise MailboxError(f"The IMAP folder {box.processed!r} of {box} cannot be created: {_text(data)}")


def _take_all(connection: imaplib.IMAP4, box: Mailbox, *, move: bool) -> int:
    kind, data = connection.uid("SEARCH", "UNDELETED")
    if kind != "OK":
        raise MailboxError(f"The IMAP folder {box} cannot be searched: {_text(data)}")
    uids = [uid.decode() for uid in b" ".join(item for item in data if isinstance(item, bytes)).split()]
    if not uids:
        return 0
    sizes = _sizes(connection)
    limit = settings.TANDEM_MAIL_MAX_MESSAGE
    taken = deleted = 0
    try:
        for uid in uids:
            if sizes.get(uid, 0) > limit:
                logger.warning(
                    "IMAP %s: message UID %s is %s bytes, over the limit of %s; left in the mailbox",
                    box, uid, f"{sizes[uid]:,}", f"{limit:,}",
                )  # fmt: skip
                continue
            raw = _fetch(connection, uid)
            if raw is None:
                logger.warning("IMAP %s: message UID %s could not be fetched; left in the mailbox", box, uid)
                continue
            services.deliver(raw, sender=_return_path(raw), recipients=box.recipients, via="imap")
            # in the spool, synced: only now may it leave the mailbox
            deleted += _remove(connection, box, uid, move=move)
            taken += 1
    finally:
        if deleted:
            with contextlib.suppress(*_BROKEN, OSError):
                connection.expunge()
    if taken:
        logger.info("IMAP %s: took %s message(s) into the spool", box, taken)
    return taken


def _sizes(connection: imaplib.IMAP4) -> dict[str, int]:
    kind, data = connection.uid("FETCH", "1:*", "(UID RFC822.SIZE)")
    sizes: dict[str, int] = {}
    if kind != "OK":
        return sizes
    for item in data:
        line = item[0] if isinstance(item, tuple) else item
        if isinstance(line, bytes) and (uid := _UID.search(line)) and (size := _SIZE.search(line)):
            sizes[uid.group(1).decode()] = int(size.group(1))
    return sizes


def _fetch(connection: imaplib.IMAP4, uid: str) -> bytes | None:
    """The message exactly as stored, leaving it unread; None when the server does not give it."""
    kind, data = connection.uid("FETCH", uid, "(BODY.PEEK[])")
    if kind != "OK":
        return None
    for item in data:
        if isinstance(item, tuple) and b"BODY[]" in item[0].upper() and isinstance(item[1], bytes):
            return item[1]
    return None


def _remove(connection: imaplib.IMAP4, box: Mailbox, uid: str, *, move: bool) -> int:
    """Take one delivered message out of the folder; 1 when it waits for the expunge."""
    if not box.processed:
        _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen \Deleted)"), box, uid)
        return 1
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), box, uid)
    target = _mailbox_name(box.processed)
    if move:
        _check(connection.uid("MOVE", uid, target), box, uid)
        return 0
    _check(connection.uid("COPY", uid, target), box, uid)
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), box, uid)
    return 1


def _check(response: tuple[str, list[object]], box: Mailbox, uid: str) -> None:
    kind, data = response
    if kind != "OK":
        # it is in the spool already: the next poll takes it again, which makes no second item
        raise MailboxError(
            f"IMAP {box}: message UID {uid} is in the spool but could not be removed: {_text(data)}"
        )


# --- Helpers --------------------------------------------------------------------------------


def _return_path(raw: bytes) -> str:
    """The envelope sender the delivering server wrote down, if it did."""
    head = raw[: 64 * 1024].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    try:
        value = BytesHeaderParser().parsebytes(head).get("Return-Path", "")
    except Exception:  # a header it cannot read is no reason to keep the message back
        return ""
    return parseaddr(str(value))[1][:254]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mailbox_name(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 5.1.3), quoted."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            chunk = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            encoded.append("&" + chunk.replace("/", ",") + "-")
            pending.clear()

    for character in name:
        if 0x20 <= ord(character) <= 0x7E:
            flush()
            encoded.append("&-" if character == "&" else character)
        else:
            pending.append(character)
    flush()
    return _quoted("".join(encoded))


def _text(detail: object) -> str:
    """An imaplib error or response as words."""
    if isinstance(detail, BaseException):
        detail = detail.args[0] if len(detail.args) == 1 else detail
    if isinstance(detail, Iterable) and not isinstance(detail, str | bytes):
        detail = b" ".join(part for part in detail if isinstance(part, bytes))
    if isinstance(detail, bytes):
        detail = detail.decode(errors="replace")
    return str(detail).strip() or "no reason given"
