"""Reading one inbound message (RFC 5322 bytes) with the standard library's `email` package
(policy.default): what the gateway needs to make or thread an item, whatever arrives.

`parse` never raises for bad input but `Unreadable` (nothing that could be a message: empty, no
header at all); everything else comes back as a `Parsed`, with what could not be read noted in
`problems`: an undecodable header or charset, a broken MIME structure, an attachment over the size
limit (kept as a note, its bytes dropped). Text in any charset Python knows (UTF-8, windows-1256,
ISO-8859-6 for Persian and Arabic, Shift_JIS, KOI8-R, …) comes out as str; an unknown one is read as
UTF-8 with replacement characters and noted. An HTML-only message gets a plain-text version (tags
dropped, blocks on their own lines, scripts and styles left out) and a sanitised HTML copy (nh3)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Any

import nh3

MAX_ATTACHMENT = 25 * 1024 * 1024
MAX_MESSAGE = 50 * 1024 * 1024
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


# What the email package's defects mean to a reader of the item ("" for one said by another)
_DEFECTS = {
    "StartBoundaryNotFoundDefect": "The message's parts could not be told apart (their boundary is never found); its text is shown as it came.",
    "CloseBoundaryNotFoundDefect": "The message's last part is not closed; it is read to the end.",
    "MultipartInvariantViolationDefect": "",
    "MissingHeaderBodySeparatorDefect": "A header line is broken; what follows it is read as the text.",
    "NoBoundaryInMultipartDefect": "The message says it has parts but names no boundary; its text is shown as it came.",
}


class Unreadable(Exception):
    """Nothing here could be a message; `reason` says why (for the quarantine list)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Attachment:
    filename: str
    content_type: str
    size: int
    data: bytes | None  # None when it was over the size limit
    inline: bool = False
    content_id: str = ""


@dataclass
class Parsed:
    fingerprint: str  # sha256 of the raw bytes: the identity of a message without a Message-ID
    message_id: str  # "<…>", or "" when there is none (or none that is well-formed)
    subject: str = ""
    sender_name: str = ""
    sender_email: str = ""
    reply_to: str = ""  # where the sender wants answers, when not their From (web forms, no-reply senders)
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    date: datetime | None = None
    text: str = ""
    html: str = ""  # sanitised; "" for a plain-text message
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str = ""  # why this is an auto-reply, a bounce or bulk mail; "" for a person's mail
    problems: list[str] = field(default_factory=list)

    @property
    def identity(self) -> str:
        """What makes two deliveries the same message: the Message-ID, else the bytes."""
        return self.message_id or f"sha256:{self.fingerprint}"


def parse(raw: bytes, *, max_attachment: int = MAX_ATTACHMENT, max_message: int = MAX_MESSAGE) -> Parsed:
    if not isinstance(raw, bytes | bytearray) or not raw.strip():
        raise Unreadable("The message is empty.")
    if len(raw) > max_message:
        raise Unreadable(f"The message is {len(raw):,} bytes, over the limit of {max_message:,}.")
    head = raw.lstrip()[:4096].split(b"\n", 1)[0]
    if b":" not in head:
        raise Unreadable("The message does not start with a header line.")
    try:
        message = message_from_bytes(bytes(raw), policy=policy.default)
    except Exception as error:  # the parser is lenient; this is a last resort
        raise Unreadable(f"The message could not be read: {error}") from None
    parsed = Parsed(fingerprint=hashlib.sha256(raw).hexdigest(), message_id="")
    for defect in getattr(message, "defects", []):
        name = type(defect).__name__
        if name in _DEFECTS and _DEFECTS[name] and _DEFECTS[name] not in parsed.problems:
            parsed.problems.append(_DEFECTS[name])
        elif name not in _DEFECTS:
            parsed.problems.append(f"The message's structure is faulty ({name}).")
    parsed.message_id = _first_id(_header(message, "Message-ID", parsed))
    parsed.subject = " ".join(_header(message, "Subject", parsed).split())[:255]
    senders = _addresses(message, "From", parsed) or _addresses(message, "Sender", parsed)
    if senders:
        parsed.sender_name, parsed.sender_email = senders[0]
    answers = _addresses(message, "Reply-To", parsed)
    if answers and answers[0][1] != parsed.sender_email:
        parsed.reply_to = answers[0][1]
    parsed.to = [email for _name, email in _addresses(message, "To", parsed)]
    parsed.cc = [email for _name, email in _addresses(message, "Cc", parsed)]
    parsed.in_reply_to = _MESSAGE_ID.findall(_header(message, "In-Reply-To", parsed))
    parsed.references = _MESSAGE_ID.findall(_header(message, "References", parsed))
    try:
        when = _header(message, "Date", parsed)
        parsed.date = parsedate_to_datetime(when) if when else None
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed.problems.append("Date: not a date")
    parsed.automatic = _automatic(message, parsed)
    _bodies(message, parsed, max_attachment)
    return parsed


# --- Headers -------------------------------------------------------------------------------------


def _header(message: Message, name: str, parsed: Parsed) -> str:
    """A header as text, however it was written (RFC 2047 words in any charset, raw 8-bit), without
    NUL characters (no database keeps them in text)."""
    return _read_header(message, name, parsed).replace("\x00", "")


def _read_header(message: Message, name: str, parsed: Parsed) -> str:
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:  # policy.default raises on some malformed headers: decode by hand
        parsed.problems.append(f"{name}: could not be read as written")
    for key, raw in getattr(message, "_headers", []):
        if str(key).lower() == name.lower():
            return _decode_by_hand(raw)
    return ""


def _decode_by_hand(raw: Any) -> str:
    text = raw if isinstance(raw, str) else str(raw)
    try:
        return str(make_header(decode_header(text)))
    except Exception:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _addresses(message: Message, name: str, parsed: Parsed) -> list[tuple[str, str]]:
    found = []
    for display, email in getaddresses([_header(message, name, parsed)]):
        email = email.strip().strip("<>")
        if "@" in email and " " not in email and len(email) <= 254:
            found.append((display.strip()[:150], email.lower()))
    return found


def _first_id(value: str) -> str:
    ids = _MESSAGE_ID.findall(value)
    return ids[0][:250] if ids else ""


def _automatic(message: Message, parsed: Parsed) -> str:
    """Why no person wrote this (so it must not make an item or a notification), or ""."""
    auto = _header(message, "Auto-Submitted", parsed).strip().lower()
    if auto and not auto.startswith("no"):
        return f"Auto-Submitted: {auto}"
    precedence = _header(message, "Precedence", parsed).strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if name != "X-Auto-Response-Suppress" and _header(message, name, parsed).strip():
            return f"{name} header"
    if _header(message, "Return-Path", parsed).strip() == "<>":
        return "Return-Path <> (a bounce)"
    if message.get_content_type() == "multipart/report":
        return "a delivery status report"
    local = parsed.sender_email.partition("@")[0]
    if local in {"mailer-daemon", "postmaster"}:
        return f"sent by {local}"
    return ""


# --- Bodies and attachments ------------------------------------------------------------------------


def _bodies(message: Message, parsed: Parsed, max_attachment: int) -> None:
    texts: list[str] = []
    htmls: list[str] = []
    try:
        parts = list(message.walk())
    except Exception:
        parsed.problems.append("MIME: the parts could not be walked")
        parts = [message]
    for part in parts:
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part, parsed)
        if content_type.startswith("multipart/") and isinstance(part.get_payload(), str):
            texts.append(str(part.get_payload()))  # parts that could not be told apart: as it came
            continue
        if disposition == "attachment" or filename or not content_type.startswith("text/"):
            if content_type.startswith("multipart/") or (
                content_type == "text/plain" and not filename and not disposition
            ):
                continue
            _attachment(part, parsed, content_type, filename, disposition, max_attachment)
        elif content_type == "text/html":
            htmls.append(_text_of(part, parsed))
        else:
            texts.append(_text_of(part, parsed))
    if texts:
        parsed.text = "\n\n".join(t.strip() for t in texts if t.strip())
    if htmls:
        html = "\n".join(htmls)
        parsed.html = nh3.clean(html)
        if not parsed.text:
            parsed.text = html_to_text(html)
    parsed.text = parsed.text.replace("\r\n", "\n").replace("\x00", "")


def _filename(part: Message, parsed: Parsed) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:
        parsed.problems.append("an attachment's name could not be read")
        name = ""
    name = re.sub(r"[\x00-\x1f/\\]+", "_", str(name)).strip(" .")
    return name[:200]


def _text_of(part: Message, parsed: Parsed) -> str:
    try:
        content = part.get_content() if isinstance(part, EmailMessage) else part.get_payload(decode=True)
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError):
        parsed.problems.append(f"charset {part.get_content_charset()!r} unknown: read as UTF-8")
    except Exception:
        parsed.problems.append("a text part could not be decoded")
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return payload.decode("utf-8", "replace")
    return str(part.get_payload() or "")


def _attachment(
    part: Message, parsed: Parsed, content_type: str, filename: str, disposition: str, max_attachment: int
) -> None:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if not isinstance(data, bytes):
        data = b""
        parsed.problems.append(f"{filename or content_type}: the content could not be decoded")
    size = len(data)
    too_big = size > max_attachment
    if too_big:
        parsed.problems.append(
            f"{filename or content_type}: {size:,} bytes, over the limit of {max_attachment:,}; not kept"
        )
    extension = content_type.partition("/")[2].split("+")[0][:10] or "bin"
    try:
        content_id = str(part.get("Content-ID", "") or "").strip("<> ")[:200]
    except Exception:
        content_id = ""
    parsed.attachments.append(
        Attachment(
            filename=filename or f"part-{len(parsed.attachments) + 1}.{extension}",
            content_type=content_type,
            size=size,
            data=None if too_big else data,
            inline=disposition == "inline" or (disposition == "" and bool(content_id)),
            content_id=content_id,
        )
    )


class _TextOfHtml(HTMLParser):
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
    )
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    reader = _TextOfHtml()
    try:
        reader.feed(html)
        reader.close()
    except Exception:
        return nh3.clean(html, tags=set())
    lines = [" ".join(line.split()) for line in "".join(reader.out).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
