"""The corpus of awkward messages, end to end: each is sent over real SMTP to the listener, and the
worker's job makes it a correct item or puts it in quarantine with a reason. The listener answers
every one of them and then still serves a plain message."""

from __future__ import annotations

import base64
import smtplib
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from tandem.mailgate import jobs
from tandem.mailgate.listener import AddressBook, listen
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work.markdown import plain_text
from tests.mailgate.test_listener import free_port

pytestmark = pytest.mark.django_db(transaction=True)

CRLF = b"\r\n"


def raw(*headers: str, body: bytes = b"Hello") -> bytes:
    return CRLF.join(h.encode("utf-8", "surrogateescape") for h in headers) + CRLF + CRLF + body


def b64(text: str, charset: str) -> str:
    return base64.b64encode(text.encode(charset)).decode()


def nested() -> bytes:
    message = EmailMessage()
    message["From"] = "Nina Nested <nina@vendor.example>"
    message["To"] = "invoices@tandem.test"
    message["Subject"] = "Nested parts"
    message["Message-ID"] = "<nested@vendor.example>"
    message.set_content("The text part.")
    message.add_alternative("<p>The <b>HTML</b> part.</p>", subtype="html")
    message.get_payload()[1].add_related(
        b"GIF89a" + b"\x00" * 30, maintype="image", subtype="gif", cid="<dot>"
    )
    message.add_attachment(b"col\n1\n", maintype="text", subtype="csv", filename="table.csv")
    return message.as_bytes(policy=SMTP)


def big() -> bytes:
    message = EmailMessage()
    message["From"] = "big@vendor.example"
    message["To"] = "invoices@tandem.test"
    message["Subject"] = "Huge attachment"
    message["Message-ID"] = "<big@vendor.example>"
    message.set_content("See the scan.")
    message.add_attachment(
        b"\x89" * 60_000, maintype="application", subtype="octet-stream", filename="scan.tif"
    )
    return message.as_bytes(policy=SMTP)


FROM, TO = "From: Sam Sender <sam@vendor.example>", "To: invoices@tandem.test"
CORPUS = {
    "persian-utf8": raw(FROM, TO, "Subject: =?UTF-8?B?" + b64("فاکتور شماره 12", "utf-8") + "?=", "Message-ID: <c1@x>",
                        "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
                        body=base64.b64encode("لطفاً پرداخت کنید".encode())),
    "russian-koi8": raw(FROM, TO, "Subject: =?koi8-r?b?" + b64("Счёт", "koi8-r") + "?=", "Message-ID: <c2@x>",
                        "Content-Type: text/plain; charset=koi8-r", body="Оплатите, пожалуйста".encode("koi8-r")),
    "japanese-sjis": raw(FROM, TO, "Subject: =?shift_jis?B?" + b64("請求書", "shift_jis") + "?=", "Message-ID: <c3@x>"),
    "nested": nested(),
    "no-message-id": raw(FROM, TO, "Subject: No id", body=b"Nobody gave this one an id."),
    "broken-boundary": raw(FROM, TO, "Subject: Broken", "Message-ID: <c5@x>", "MIME-Version: 1.0",
                           'Content-Type: multipart/mixed; boundary="never-used"',
                           body=b"--other\r\nContent-Type: text/plain\r\n\r\nlost text\r\n"),
    "huge-attachment": big(),
    "empty-body": raw(FROM, TO, "Subject: Empty", "Message-ID: <c7@x>", body=b""),
    "html-only": raw(FROM, TO, "Subject: HTML only", "Message-ID: <c8@x>", "Content-Type: text/html; charset=utf-8",
                     body=b"<html><script>alert(1)</script><p>Pay <b>now</b></p></html>"),
    "raw-8bit-header": raw("From: caf\xe9@vendor.example".encode("latin-1").decode("utf-8", "surrogateescape"), TO,
                           "Subject: Caf\xe9 bill".encode("latin-1").decode("utf-8", "surrogateescape"), "Message-ID: <c9@x>"),
    "no-subject": raw(FROM, TO, "Message-ID: <c10@x>", body=b"What is this about?"),
    "long-subject": raw(FROM, TO, "Subject: " + "Very long " * 40, "Message-ID: <c11@x>"),
    "not-a-message": b"\x00\x01\x02 binary garbage with no header at all \xff\xfe",
}  # fmt: skip


@pytest.fixture
def smtp(settings):
    port = free_port()
    controller = listen(settings.TANDEM_MAIL_SPOOL, host="127.0.0.1", port=port, addresses=AddressBook(ttl=0))
    yield port
    controller.stop()


def test_every_awkward_message_becomes_a_correct_item_or_waits_in_quarantine(smtp, invoices, settings):
    settings.TANDEM_MAX_ATTACHMENT = 20_000
    with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as client:
        for name, message in CORPUS.items():
            assert client.sendmail(f"{name}@vendor.example", ["invoices@tandem.test"], message) == {}, name
        # and the listener is still there for the next, plain message
        assert (
            client.sendmail("sam@vendor.example", ["invoices@tandem.test"], raw(FROM, TO, "Subject: Plain"))
            == {}
        )
    jobs.look_for_mail()
    got = {m.envelope_from.split("@")[0]: m for m in InboundMessage.objects.select_related("item")}
    assert len(got) == len(CORPUS) + 1

    def item(name: str):
        message = got[name]
        assert message.status == MessageStatus.PROCESSED, (name, message.reason)
        return message.item

    assert item("persian-utf8").title == "فاکتور شماره 12"
    assert "لطفاً پرداخت کنید" in item("persian-utf8").description
    assert item("russian-koi8").title == "Счёт" and "Оплатите, пожалуйста" in item("russian-koi8").description
    assert item("japanese-sjis").title == "請求書"
    assert "The text part." in plain_text(item("nested").description)
    assert sorted(f.name for f in item("nested").files.all()) == ["part-1.gif", "table.csv"]
    assert got["no-message-id"].identity.startswith("sha256:") and item("no-message-id").title == "No id"
    assert (
        "lost text" in item("broken-boundary").description
        or "boundary" in item("broken-boundary").description
    )
    huge = item("huge-attachment")
    shown = plain_text(huge.description)
    assert not huge.files.exists() and "Not kept: scan.tif" in shown and "over the limit" in shown
    assert "The message has no text." in item("empty-body").description
    html = item("html-only").description
    assert "Pay" in html and "now" in html and "<script>" not in html and "alert" not in html
    assert item("raw-8bit-header").title.startswith("Caf") and item("raw-8bit-header").title.endswith("bill")
    assert item("no-subject").title == "Mail from Sam Sender"
    long_title = item("long-subject").title
    assert 250 <= len(long_title) <= 255 and long_title.startswith("Very long Very long")
    garbage = got["not-a-message"]
    assert garbage.status == MessageStatus.QUARANTINED and garbage.reason.startswith(
        "The message cannot be read"
    )
    assert garbage.raw and garbage.item is None
    assert item("sam").title == "Plain"
