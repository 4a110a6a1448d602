"""Mail gateway throughput: messages per second from the SMTP handoff to items, through Tandem's
own listener (tandem.mailgate.listener) and the worker's job (tandem.mailgate.services.process_waiting).

    .venv/bin/python -m bench.mailgate --db sqlite|postgres [--messages 1000] [--runs 3]
        [--verify off|on|both]

Seeded once with Tandem's services: an admin, a "Finance" board with a label, its address
invoices@bench.test (assignee and label), 12 organizations with web domains and one known contact
per 20 messages (a person with an e-mail address, most at one of the organizations). The batch,
deterministic (`--seed`), built with email.message.EmailMessage and serialised for SMTP (CRLF):
70% invoices in English, German or French (some multipart with an HTML part, some with a 20-100 KB
PDF-like attachment), 10% new mail with its subject and text in another charset (Persian in
windows-1256 and UTF-8, Arabic, Russian, Japanese, Greek, Chinese, Hebrew), 20% replies that thread
into an earlier message by In-Reply-To and References. Half of the new messages come from known
contacts, half from addresses no one has (each becomes a person flagged for review); every message
has its own Message-ID, and no sender reaches the hourly rate limit.

Each run does the batch twice, each time with the database put back (what the last pass made is
deleted), a fresh spool and file storage (TANDEM_MAIL_SPOOL, MEDIA_ROOT, under bench/var) and the
listener on a free port of 127.0.0.1:

1. **Sequential.** One smtplib connection sends every message (each answered 250 once the listener
   has synced it to the spool): the handoff. Then `process_waiting()` until the spool is empty:
   the processing. End to end: from the first MAIL FROM to the last item committed.
2. **Concurrent.** A thread sends the batch the same way while the main thread calls
   `process_waiting()` in a loop, as a worker drains the spool while mail arrives: end to end.

After each pass it checks that every message made the item or the comment it should (statuses of
the InboundMessage rows, items, threaded comments, files, new people) and stops with an error when
not. Medians of `--runs` runs, printed and written to bench/results/<time>-mailgate-<db>.md (and
.json).

Sender verification (tandem.mailgate.trust), `--verify`: `off` sends the batch unsigned with
Tandem's own DKIM check off (`TANDEM_MAIL_VERIFY_DKIM=false`, as before verification existed: every
sender unverified); `on` sends every message DKIM-signed (rsa-sha256, relaxed/simple, a 2048-bit
key made for the run with openssl) by its From's domain, and Tandem checks each signature, the keys
looked up in a dictionary instead of DNS (`trust.dns_lookup`), so every sender is verified; `both`
does an `off` run and an `on` run in turn, `--runs` times each, and reports both and their ratio.
The check after each pass also counts the verified senders."""

# ruff: noqa: RUF001 - words in Persian, Russian, Greek and other scripts, not look-alike Latin letters

from __future__ import annotations

import argparse
import base64
import calendar
import contextlib
import json
import os
import random
import secrets
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import dkim

from bench.floor import Database
from bench.report import checkout, machine

ROOT = Path(__file__).resolve().parents[1]
ADDRESS = "invoices@bench.test"
DATABASE = "tandem_bench_mailgate"

FIRST = ["Vera", "Jonas", "Amélie", "Reza", "Sara", "Kenji", "Olga", "Marco", "Leila", "Tomás", "Ingrid",
         "Darius", "Hana", "Pieter", "Nasrin", "Chloé", "Arash", "Mei", "Yusuf", "Katrin"]  # fmt: skip
LAST = ["Vendor", "Müller", "Dubois", "Ahmadi", "Rossi", "Tanaka", "Ivanova", "Kowalski", "Karimi", "García",
        "Berg", "Hosseini", "Novak", "de Vries", "Sato", "Moreau", "Yilmaz", "Chen"]  # fmt: skip
FREE_MAIL = ["gmail.com", "outlook.com", "yahoo.com"]
MONTHS = list(calendar.month_name)[1:]
SUBJECTS = [
    "Invoice {no}",
    "Invoice {no} for {month}",
    "Rechnung {no} für {month}",
    "Facture n° {no} – {month}",
    "Payment reminder: invoice {no}",
    "Credit note {no} (replaces {old})",
    "Your order {old}: invoice {no} attached",
]
FILLER = [
    "Please find our invoice for the services of last month attached.",
    "The amount is due within 30 days of the invoice date.",
    "Bitte überweisen Sie den Betrag auf das unten genannte Konto.",
    "Merci de bien vouloir régler cette facture à réception.",
    "If you have already paid, please disregard this message.",
    "The purchase order number was quoted on the first page.",
    "Our bank details have not changed since the last invoice.",
    "We would be grateful for a short confirmation that it arrived.",
    "Line items: consulting (12 h), travel, licence renewal for 25 seats.",
    "Kind regards from the accounts team.",
]
REPLIES = [
    "Thanks, we have scheduled the payment for Friday.",
    "Could you send the invoice with our VAT number on it, please?",
    "Attached is the corrected version; please use this one.",
    "Wir haben die Zahlung heute veranlasst.",
    "Is the amount in euros or in dollars?",
    "Merci, c'est noté.",
    "The PO number on it is wrong; it should be PO-88231.",
]
# (charset, subject, text): mail in another script, its subject and text written in that charset
FOREIGN = [
    (
        "windows-1256",
        "صورتحساب شماره {no} براي اسفند",
        "با سلام،\nصورتحساب اين ماه پيوست است.\nلطفاً تا پايان ماه پرداخت كنيد.\nبا تشكر",
    ),
    (
        "utf-8",
        "فاکتور {no} – خرید لوازم اداری",
        "سلام،\nفاکتور خرید این ماه را ببینید.\nمبلغ: ۱۲٬۵۰۰٬۰۰۰ ریال\nممنون",
    ),
    ("iso-8859-6", "فاتورة رقم {no}", "السلام عليكم،\nمرفق فاتورة هذا الشهر.\nمع الشكر"),
    ("koi8-r", "Счёт {no} за декабрь", "Добрый день!\nНаправляем счёт за декабрь.\nС уважением, бухгалтерия"),
    (
        "iso-2022-jp",
        "請求書 {no} のご送付",
        "いつもお世話になっております。\n今月分の請求書をお送りします。\nよろしくお願いいたします。",
    ),
    ("shift_jis", "【ご請求】{no} 年末分", "お世話になっております。\n年末分のご請求です。\n経理部"),
    ("iso-8859-7", "Τιμολόγιο {no}", "Καλημέρα σας,\nσας στέλνουμε το τιμολόγιο του μήνα.\nΕυχαριστούμε"),
    ("gb2312", "发票 {no} 请查收", "您好，\n附上本月发票，请查收。\n谢谢"),
    ("windows-1255", "חשבונית {no}", "שלום,\nמצורפת החשבונית לחודש זה.\nתודה"),
]


def _setup(db: str) -> str:
    """A fresh database, migrated, and Django set up on it (as bench/fanout.py does, with this
    benchmark's own database name)."""
    if db == "sqlite":
        path = ROOT / "bench" / "var" / "tandem-bench-mailgate.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        base = os.environ.get("TANDEM_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/").rstrip("/")
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            conn.execute(f"CREATE DATABASE {DATABASE}")
        url = f"{base}/{DATABASE}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    os.environ["TANDEM_TASKS_IMMEDIATE"] = "false"
    os.environ["TANDEM_TESTING"] = "false"
    os.environ["TANDEM_EMAIL_BACKEND"] = "memory"
    os.environ["TANDEM_DEBUG"] = "false"  # as production runs: no query log in memory
    os.environ.setdefault("TANDEM_SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("TANDEM_ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("TANDEM_LOG_LEVEL", "WARNING")  # two INFO lines a message otherwise
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


# --- The data set -------------------------------------------------------------------------------


@dataclass
class Seeded:
    board_id: int
    known: list[tuple[str, str]]  # (name, address) of the known contacts
    domains: list[str]  # the organizations' web domains
    last_person: int  # the people made after these are the runs'
    last_entry: int  # the history entries too


def _ascii(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _seed(messages: int, seed: int) -> Seeded:
    from tandem.accounts.models import User
    from tandem.accounts.roles import Role
    from tandem.activity.models import HistoryEntry
    from tandem.contacts import services as contacts
    from tandem.contacts.models import Person
    from tandem.mailgate import services as mailgate
    from tandem.work import services as work

    rng = random.Random(seed)  # noqa: S311 - benchmark data, not secrets
    admin = User.objects.create_user(
        "admin@bench.test", "bench-password-1", role=Role.ADMIN, full_name="Admin"
    )
    fay = User.objects.create_user("fay@bench.test", "bench-password-1", full_name="Fay Finance")
    board = work.create_board(by=admin, data={"name": "Finance", "default_type": "finance"})
    label = work.create_label(by=admin, board=board, data={"name": "finance::received"})
    mailgate.create_address(
        by=admin, board=board, data={"address": ADDRESS, "assignee": fay, "labels": [label]}
    )
    organizations = []
    for n in range(12):
        organizations.append(
            contacts.create_organization(
                by=admin, data={"name": f"Vendor {n} Ltd", "website": f"https://vendor-{n}.example"}
            )
        )
    known = []
    for n in range(max(10, messages // 20)):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
        org = organizations[n % len(organizations)] if n % 5 else None  # one in five without one
        domain = org.domain if org is not None else rng.choice(FREE_MAIL)
        address = f"{_ascii(first)}.{_ascii(last)}{n}@{domain}"
        data: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "emails": [{"email": address, "is_primary": True}],
        }
        if org is not None:
            data["memberships"] = [{"organization": org, "is_primary": True}]
        contacts.create_person(by=admin, data=data, allow_duplicate=True)
        known.append((f"{first} {last}", address))
    return Seeded(
        board_id=board.pk,
        known=known,
        domains=[org.domain for org in organizations],
        last_person=Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        last_entry=HistoryEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )


@dataclass
class Outgoing:
    kind: str  # "invoice", "foreign" or "reply"
    sender: str  # the address (envelope and From)
    name: str
    message_id: str
    subject: str
    references: list[str]  # the thread it answers, oldest first
    document: str  # what it is about ("invoice-2026005"): the attachment's name, the quoted line
    sent_at: datetime
    unknown: bool = False  # a new message from an address no one has
    files: int = 0
    raw: bytes = b""


def _pdf(rng: random.Random) -> bytes:
    body = rng.randbytes(rng.randint(20_000, 100_000))
    return (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n"
        + body
        + b"\nendstream\n%%EOF\n"
    )


def _encoded_words(text: str, charset: str) -> str:
    """A header value as a mail program writes it in `charset`: RFC 2047 B-words of at most 75
    characters, on folded lines (the email package would re-encode it in UTF-8)."""
    words, chunk = [], ""
    for char in text:
        if chunk and len(base64.b64encode((chunk + char).encode(charset))) > 75 - len(charset) - 7:
            words.append(chunk)
            chunk = char
        else:
            chunk += char
    words.append(chunk)
    return "\n ".join(f"=?{charset}?b?{base64.b64encode(w.encode(charset)).decode()}?=" for w in words)


def _build(
    out: Outgoing,
    text: str,
    rng: random.Random,
    *,
    charset: str = "utf-8",
    html: bool = False,
    pdf: bool = False,
    csv: bool = False,
    raw_subject: str = "",
) -> None:
    message = EmailMessage()
    message["From"] = f"{out.name} <{out.sender}>"
    message["To"] = f"Finance <{ADDRESS}>"
    if raw_subject:  # written in its own charset, as the sender's mail program wrote it
        message.set_raw("Subject", raw_subject)
    else:
        message["Subject"] = out.subject
    message["Date"] = format_datetime(out.sent_at)
    message["Message-ID"] = out.message_id
    if out.references:
        message["In-Reply-To"] = out.references[-1]
        message["References"] = " ".join(out.references[-10:])
    message.set_content(text, charset=charset)
    if html:
        paragraphs = "".join(f"<p>{line}</p>" for line in text.split("\n") if line)
        message.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    if pdf:
        message.add_attachment(
            _pdf(rng), maintype="application", subtype="pdf", filename=f"{out.document}.pdf"
        )
        out.files += 1
    if csv:
        rows = "\n".join(f"{n},item {n},{rng.randint(1, 999)}.00" for n in range(rng.randint(3, 40)))
        message.add_attachment(
            f"line,text,amount\n{rows}\n".encode(), maintype="text", subtype="csv", filename="lines.csv"
        )
        out.files += 1
    out.raw = message.as_bytes(policy=policy.SMTP)
    longest = max(len(line) for line in out.raw.split(b"\r\n"))
    if longest > 998 or b"\n" in out.raw.replace(b"\r\n", b""):
        raise SystemExit(f"message {out.message_id}: a line of {longest} bytes or a bare LF")


def _messages(count: int, seed: int, seeded: Seeded) -> list[Outgoing]:
    """The batch: the same bytes for the same count and seed."""
    rng = random.Random(seed + 1)  # noqa: S311 - benchmark data, not secrets
    replies, foreign = round(count * 0.2), round(count * 0.1)
    kinds = ["invoice"] * (count - replies - foreign - 1) + ["reply"] * replies + ["foreign"] * foreign
    rng.shuffle(kinds)
    kinds.insert(0, "invoice")  # a reply needs something before it
    new = [k for k in kinds if k != "reply"]
    from_unknown = [n % 2 == 1 for n in range(len(new))]
    rng.shuffle(from_unknown)
    unknown_flags = iter(from_unknown)
    start = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    batch: list[Outgoing] = []
    for n, kind in enumerate(kinds):
        sent_at = start + timedelta(minutes=n, seconds=rng.randint(0, 59))
        number = f"{2026_000 + n}"
        if kind == "reply":
            parent = rng.choice(batch)
            to_thread = [*parent.references, parent.message_id]
            domain = parent.sender.rpartition("@")[2]
            out = Outgoing(
                kind="reply",
                sender=parent.sender,
                name=parent.name,
                message_id=f"<{seed}.{n}.reply@{domain}>",
                subject=f"Re: {parent.subject}",
                references=to_thread,
                document=f"reply-{n}",
                sent_at=sent_at,
            )
            quoted = "\n".join(f"> {line}" for line in [parent.document, "", "..."])
            text = (
                f"{rng.choice(REPLIES)}\n\n{out.name}\n\n"
                f"On {format_datetime(parent.sent_at)}, {parent.name} wrote:\n{quoted}\n"
            )
            _build(out, text, rng, pdf=rng.random() < 0.1)
            batch.append(out)
            continue
        if next(unknown_flags):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            where = rng.random()
            domain = (
                rng.choice(seeded.domains)  # a new person at a known organization
                if where < 0.4
                else rng.choice(FREE_MAIL)
                if where < 0.7
                else f"supplier-{rng.randint(1, 60)}.example"  # an organization no one has either
            )
            name, sender, unknown = f"{first} {last}", f"{_ascii(first)}.{_ascii(last)}.{n}@{domain}", True
        else:
            (name, sender), unknown = rng.choice(seeded.known), False
        domain = sender.rpartition("@")[2]
        if kind == "foreign":
            charset, subject, text = rng.choice(FOREIGN)
            subject = subject.format(no=number)
            out = Outgoing(
                kind="foreign",
                sender=sender,
                name=name,
                message_id=f"<{seed}.{n}.{rng.getrandbits(32):08x}@{domain}>",
                subject=subject,
                references=[],
                document=f"invoice-{number}",
                sent_at=sent_at,
                unknown=unknown,
            )
            _build(
                out,
                text,
                rng,
                charset=charset,
                pdf=rng.random() < 0.2,
                raw_subject=_encoded_words(subject, charset),
            )
        else:
            month = rng.choice(MONTHS)
            subject = rng.choice(SUBJECTS).format(
                no=number, month=month, old=f"{number[:-2]}{rng.randint(10, 99)}"
            )
            out = Outgoing(
                kind="invoice",
                sender=sender,
                name=name,
                message_id=f"<{seed}.{n}.{rng.getrandbits(32):08x}@{domain}>",
                subject=subject,
                references=[],
                document=f"invoice-{number}",
                sent_at=sent_at,
                unknown=unknown,
            )
            lines = [
                "Dear finance team,",
                "",
                f"invoice {number}: {rng.randint(50, 25_000):,}.{rng.randint(0, 99):02d} EUR,"
                f" due {(sent_at + timedelta(days=30)).date().isoformat()}.",
                "",
            ]
            lines += [rng.choice(FILLER) for _ in range(rng.randint(1, 12))]
            lines += ["", name, f"IBAN DE{rng.randint(10, 99)} 1234 5678 {rng.randint(1000, 9999)} 00"]
            _build(
                out,
                "\n".join(lines),
                rng,
                html=rng.random() < 0.4,
                pdf=rng.random() < 0.35,
                csv=rng.random() < 0.1,
            )
        batch.append(out)
    return batch


@dataclass(frozen=True)
class Expected:
    messages: int
    items: int
    comments: int
    files: int
    new_people: int

    @classmethod
    def of(cls, batch: list[Outgoing]) -> Expected:
        return cls(
            messages=len(batch),
            items=sum(1 for m in batch if m.kind != "reply"),
            comments=sum(1 for m in batch if m.kind == "reply"),
            files=sum(m.files for m in batch),
            new_people=sum(1 for m in batch if m.unknown),
        )


# --- One pass -----------------------------------------------------------------------------------


def _reset(seeded: Seeded) -> None:
    """Remove what a pass made, so each does the same work."""
    from django.db import connection

    from tandem.activity.models import HistoryEntry
    from tandem.contacts.models import Person
    from tandem.mailgate.models import InboundMessage
    from tandem.work.models import Comment, Item, ItemFile

    InboundMessage.objects.all().delete()
    Item.objects.filter(board_id=seeded.board_id).delete()  # with their comments and files
    Person.objects.filter(pk__gt=seeded.last_person).delete()
    HistoryEntry.objects.filter(pk__gt=seeded.last_entry).delete()  # with their outbox rows
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # each pass deletes and rewrites the same rows: without a vacuum the tables only grow
            for model in (InboundMessage, Item, Comment, ItemFile, Person, HistoryEntry):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def _check(seeded: Seeded, expected: Expected) -> dict[str, int]:
    """What the pass made; stops the benchmark when it is not what the batch should make."""
    from tandem.contacts.models import Person
    from tandem.mailgate.models import InboundMessage, MessageStatus
    from tandem.work.models import Comment, Item, ItemFile

    statuses = Counter(InboundMessage.objects.values_list("status", flat=True))
    made = {
        "items": Item.objects.filter(board_id=seeded.board_id).count(),
        "comments": Comment.objects.filter(item__board_id=seeded.board_id).count(),
        "files": ItemFile.objects.filter(item__board_id=seeded.board_id).count(),
        "new_people": Person.objects.filter(pk__gt=seeded.last_person).exclude(review_note="").count(),
        "items_with_person": Item.objects.filter(board_id=seeded.board_id, people__isnull=False)
        .distinct()
        .count(),
    }
    wanted = {
        MessageStatus.PROCESSED: expected.items,
        MessageStatus.THREADED: expected.comments,
    }
    problems = [
        f"{status}: {statuses.get(status, 0)}, expected {n}"
        for status, n in wanted.items()
        if statuses.get(status, 0) != n
    ]
    problems += [f"{status}: {n}" for status, n in statuses.items() if status not in wanted]
    for name in ("items", "comments", "files", "new_people"):
        if made[name] != getattr(expected, name):
            problems.append(f"{name}: {made[name]}, expected {getattr(expected, name)}")
    if made["items_with_person"] != expected.items:
        problems.append(f"items linked to a person: {made['items_with_person']}, expected {expected.items}")
    print(f"  statuses: {dict(sorted(statuses.items()))}; made: {made}", flush=True)
    if problems:
        for reason, n in Counter(
            InboundMessage.objects.exclude(status__in=wanted).values_list("reason", flat=True)
        ).most_common(5):
            print(f"  {n} x {reason}", file=sys.stderr)
        raise SystemExit("the gateway did not make what the batch should make: " + "; ".join(problems))
    return {**{str(k): v for k, v in statuses.items()}, **made}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _send(port: int, batch: list[Outgoing]) -> None:
    """One SMTP connection, every message; sendmail returns at the server's 250 after DATA."""
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
        for out in batch:
            refused = client.sendmail(out.sender, [ADDRESS], out.raw)
            if refused:
                raise SystemExit(f"the listener refused {out.message_id}: {refused}")


def _drain() -> int:
    from tandem.mailgate import services

    taken = 0
    while True:
        done = services.process_waiting()
        if not done:
            return taken
        taken += done


SELECTOR = "bench"


@dataclass
class Signing:
    """The run's DKIM key, and what DNS would publish for each sender's domain."""

    key: bytes
    record: str

    @classmethod
    def new(cls) -> Signing:
        openssl = shutil.which("openssl") or "openssl"
        key = subprocess.run([openssl, "genrsa", "2048"], capture_output=True, check=True).stdout  # noqa: S603
        der = subprocess.run(  # noqa: S603
            [openssl, "rsa", "-pubout", "-outform", "DER"], input=key, capture_output=True, check=True
        ).stdout
        return cls(key, f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}")

    def sign(self, out: Outgoing) -> Outgoing:
        domain = out.sender.rpartition("@")[2]
        headers = [b"from", b"to", b"subject", b"date", b"message-id", b"in-reply-to", b"references"]
        header = dkim.sign(out.raw, SELECTOR.encode(), domain.encode(), self.key, include_headers=headers)
        return Outgoing(**{**out.__dict__, "raw": header + out.raw})

    def lookup(self, batch: list[Outgoing]) -> Callable[..., bytes | str | None]:
        from tandem.mailgate import trust

        domains = {m.sender.rpartition("@")[2] for m in batch}
        return trust.dict_lookup({f"{SELECTOR}._domainkey.{d}": self.record for d in domains})


@contextlib.contextmanager
def _verification(lookup: Callable[..., bytes | str | None] | None) -> Iterator[None]:
    """Tandem's own DKIM check on, with keys from `lookup`; or (None) off."""
    from django.test import override_settings

    from tandem.mailgate import trust

    with override_settings(TANDEM_MAIL_VERIFY_DKIM=lookup is not None), trust.dns_lookup(lookup):
        yield


def _pass(seeded: Seeded, batch: list[Outgoing], expected: Expected, *, concurrent: bool) -> dict[str, Any]:
    from django.test import override_settings

    from tandem.mailgate import services
    from tandem.mailgate.listener import AddressBook, listen

    _reset(seeded)
    folder = Path(tempfile.mkdtemp(prefix="mailgate-", dir=ROOT / "bench" / "var"))  # on the database's disk
    try:
        with override_settings(TANDEM_MAIL_SPOOL=folder / "spool", MEDIA_ROOT=folder / "media"):
            port = _free_port()
            controller = listen(folder / "spool", host="127.0.0.1", port=port, addresses=AddressBook())
            try:
                if concurrent:
                    result = _concurrent(port, batch)
                else:
                    start = time.perf_counter()
                    _send(port, batch)
                    handed = time.perf_counter()
                    taken = _drain()
                    end = time.perf_counter()
                    result = {
                        "taken": taken,
                        "handoff_s": handed - start,
                        "processing_s": end - handed,
                        "end_to_end_s": end - start,
                    }
            finally:
                controller.stop()
            left = list(services.spool().waiting())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result["taken"] != expected.messages or left:
        raise SystemExit(
            f"processing took {result['taken']} of {expected.messages} messages; {len(left)} left"
        )
    result["made"] = _check(seeded, expected)
    return result


def _verified() -> int:
    from tandem.mailgate.models import InboundMessage

    return InboundMessage.objects.filter(sender_verified=True).count()


def _concurrent(port: int, batch: list[Outgoing]) -> dict[str, Any]:
    """A thread sends while this one drains the spool; ends when the last message is an item."""
    from tandem.mailgate import services

    sent = threading.Event()
    handed: list[float] = []
    failed: list[BaseException] = []

    def sender() -> None:
        try:
            _send(port, batch)
            handed.append(time.perf_counter())
        except BaseException as error:  # reported by the main thread
            failed.append(error)
        finally:
            sent.set()

    thread = threading.Thread(target=sender, name="bench-smtp-sender")
    taken = 0
    start = time.perf_counter()
    thread.start()
    while True:
        finished = sent.is_set()  # read before the pass: then everything sent is in the spool
        done = services.process_waiting()
        taken += done
        if finished and not done:
            break
        if not done:
            time.sleep(0.002)
    end = time.perf_counter()
    thread.join()
    if failed:
        raise SystemExit(f"sending failed: {failed[0]!r}")
    return {"taken": taken, "handoff_s": handed[0] - start, "end_to_end_s": end - start}


def _run(
    seeded: Seeded, batch: list[Outgoing], expected: Expected, *, verified: bool = False
) -> dict[str, float]:
    n = expected.messages
    first = _pass(seeded, batch, expected, concurrent=False)
    second = _pass(seeded, batch, expected, concurrent=True)
    if _verified() != (n if verified else 0):
        raise SystemExit(f"{_verified()} of {n} senders verified, expected {n if verified else 0}")
    return {
        "handoff_s": first["handoff_s"],
        "handoff_per_s": n / first["handoff_s"],
        "processing_s": first["processing_s"],
        "processing_per_s": n / first["processing_s"],
        "end_to_end_s": first["end_to_end_s"],
        "end_to_end_per_s": n / first["end_to_end_s"],
        "concurrent_s": second["end_to_end_s"],
        "concurrent_per_s": n / second["end_to_end_s"],
        "concurrent_handoff_per_s": n / second["handoff_s"],
    }


def _measured() -> str:
    """Which Tandem is measured: the commit, and whether src/ has changes not committed (other
    files of the checkout, such as this script before its commit, do not count)."""
    commit = (checkout()["commit"] or "unknown")[:12]
    git = ["git", "status", "--porcelain", "--", "src"]
    status = subprocess.run(git, cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()  # noqa: S603
    return f"{commit} (src/ modified)" if status else commit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument(
        "--verify",
        choices=["off", "on", "both"],
        default="off",
        help="sender verification: off (unsigned, no DKIM check), on (signed, checked), both in turn",
    )
    args = parser.parse_args()
    if args.messages < 10:
        parser.error("--messages must be at least 10")
    tandem = _measured()
    url = _setup(args.db)
    from django.conf import settings

    database = Database.connect(url)
    version = database.version()
    database.close()
    seeded = _seed(args.messages, args.seed)
    batch = _messages(args.messages, args.seed, seeded)
    expected = Expected.of(batch)
    busiest = Counter(m.sender for m in batch).most_common(1)[0]
    if busiest[1] >= settings.TANDEM_MAIL_RATE:
        raise SystemExit(
            f"{busiest[0]} sends {busiest[1]} messages, over the rate limit: more known contacts"
        )
    modes = ["off", "on"] if args.verify == "both" else [args.verify]
    batches: dict[str, list[Outgoing]] = {"off": batch}
    lookup = None
    if "on" in modes:
        signing = Signing.new()
        batches["on"] = [signing.sign(m) for m in batch]
        lookup = signing.lookup(batch)
    kinds = Counter(m.kind for m in batch)
    data = {
        "messages": len(batch),
        "invoices": kinds["invoice"],
        "other_charsets": kinds["foreign"],
        "replies": kinds["reply"],
        "from_unknown": expected.new_people,
        "known_contacts": len(seeded.known),
        "attachments": expected.files,
        "megabytes": round(sum(len(m.raw) for m in batch) / 1024 / 1024, 1),
        "busiest_sender": busiest[1],
    }
    print(f"{version}; batch: {data}; verification: {', '.join(modes)}", flush=True)
    runs: dict[str, list[dict[str, float]]] = {mode: [] for mode in modes}
    for n in range(args.runs):
        for mode in modes:  # in turn, so that both see the same machine
            print(f"run {n + 1}, verification {mode}:", flush=True)
            with _verification(lookup if mode == "on" else None):
                runs[mode].append(_run(seeded, batches[mode], expected, verified=mode == "on"))
            print("  " + ", ".join(f"{k} {v:,.2f}" for k, v in runs[mode][-1].items()), flush=True)
    median = {
        mode: {key: statistics.median(run[key] for run in runs[mode]) for key in runs[mode][0]}
        for mode in modes
    }
    host = machine()
    load = os.getloadavg()
    result: dict[str, Any] = {
        "db": args.db,
        "tandem": tandem,
        "database": version,
        "machine": host,
        "data": data,
        "verify": args.verify,
        "runs": runs if len(modes) > 1 else runs[modes[0]],
        "median": median if len(modes) > 1 else median[modes[0]],
        "load": load,
    }
    if len(modes) > 1:
        result["ratio_on_off"] = {key: median["on"][key] / median["off"][key] for key in median["on"]}
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out = ROOT / "bench" / "results" / f"{stamp}-mailgate-{args.db}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=2))
    verify = f" --verify {args.verify}" if args.verify != "off" else ""
    lines = [
        f"# Mail gateway, {args.db}: messages per second from the SMTP handoff to items",
        "",
        f"`python -m bench.mailgate --db {args.db} --messages {args.messages} --runs {args.runs}{verify}`; "
        f"Tandem {tandem}; {host['cores']} cores, {host['cpu_model']}; {version}; load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}",
        "",
        f"{data['messages']} messages ({data['megabytes']} MB): {data['invoices']} invoices, "
        f"{data['other_charsets']} in other charsets, {data['replies']} replies that thread; "
        f"{data['from_unknown']} from unknown senders (new people), the rest from {data['known_contacts']} "
        f"known contacts; {data['attachments']} attachments.",
    ]
    for mode in modes:
        lines += [
            "",
            f"Sender verification {mode}"
            + (": every message DKIM-signed and checked (keys from a dictionary)" if mode == "on" else "")
            + ".",
            "",
            "| run | handoff s | handoff msg/s | processing s | processing msg/s | end to end s "
            "| end to end msg/s | concurrent s | concurrent msg/s |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, run in enumerate([*runs[mode], median[mode]], start=1):
            name = "median" if n > len(runs[mode]) else str(n)
            lines.append(
                f"| {name} | {run['handoff_s']:.2f} | {run['handoff_per_s']:,.0f} | {run['processing_s']:.2f} | "
                f"{run['processing_per_s']:,.0f} | {run['end_to_end_s']:.2f} | {run['end_to_end_per_s']:,.0f} | "
                f"{run['concurrent_s']:.2f} | {run['concurrent_per_s']:,.0f} |"
            )
    if len(modes) > 1:
        ratio = result["ratio_on_off"]
        lines += [
            "",
            "Ratio of the medians, verification on / off (messages per second): handoff "
            f"{ratio['handoff_per_s']:.2f}, processing {ratio['processing_per_s']:.2f}, end to end "
            f"{ratio['end_to_end_per_s']:.2f}, concurrent {ratio['concurrent_per_s']:.2f}.",
        ]
    lines += [
        "",
        "End to end: sequential (the whole batch handed over, then processed) from the first MAIL FROM "
        "to the last item committed; concurrent: a thread sends while the worker's job drains the spool.",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
