"""Real SMTP and LMTP round trips on 127.0.0.1, smtplib as the client, through the listener (with
its check of recipients against the database) and the worker's job, to items: a multipart message
with attachments lands as an item with its files; a reply threads into it; an unknown recipient is
refused at RCPT TO."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from tandem.mailgate import jobs
from tandem.mailgate.listener import AddressBook, listen
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work.markdown import plain_text
from tandem.work.models import Item
from tests.mailgate.test_listener import free_port

pytestmark = pytest.mark.django_db(transaction=True)  # the listener reads addresses from its own thread

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
PDF = b"%PDF-1.4\n" + b"0" * 4000


@pytest.fixture
def listener(settings):
    started = []

    def start(*, lmtp: bool = False) -> int:
        port = free_port()
        started.append(
            listen(
                settings.TANDEM_MAIL_SPOOL,
                host="127.0.0.1",
                port=port,
                lmtp=lmtp,
                addresses=AddressBook(ttl=0),
            )
        )
        return port

    yield start
    for controller in started:
        controller.stop()


def invoice() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Vera Vendor <vera@vendor.example>"
    message["To"] = "invoices@tandem.test"
    message["Subject"] = "Rechnung 4711 für März"
    message["Message-ID"] = "<4711@vendor.example>"
    message.set_content("Dear team,\nthe invoice for March is attached.\n\nVera")
    message.add_alternative(
        '<p>Dear team,<br>the invoice for March is attached.</p><img src="cid:logo@vendor">', subtype="html"
    )
    message.get_payload()[1].add_related(
        PNG, maintype="image", subtype="png", cid="<logo@vendor>", filename="logo.png", disposition="inline"
    )
    message.add_attachment(PDF, maintype="application", subtype="pdf", filename="rechnung-4711.pdf")
    message.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="lines.csv")
    return message


def test_a_multipart_message_over_smtp_becomes_an_item_with_its_files_and_a_reply_over_lmtp_threads(
    listener, invoices, finance
):
    smtp = listener()
    with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as client:
        assert (
            client.sendmail("vera@vendor.example", ["invoices@tandem.test"], invoice().as_bytes(policy=SMTP))
            == {}
        )
    jobs.look_for_mail()  # the worker's beat sees the spool and runs the job (at once, in tests)
    item = Item.objects.get()
    assert item.board == finance and item.title == "Rechnung 4711 für März"
    assert "Dear team, the invoice for March is attached. Vera" in plain_text(item.description)
    files = {f.name: f for f in item.files.all()}
    assert set(files) == {"logo.png", "rechnung-4711.pdf", "lines.csv"}
    assert files["logo.png"].inline and not files["rechnung-4711.pdf"].inline
    assert files["rechnung-4711.pdf"].file.read() == PDF

    reply = EmailMessage()
    reply["From"] = "vera@vendor.example"
    reply["To"] = "invoices@tandem.test"
    reply["Subject"] = "Re: Rechnung 4711 für März"
    reply["Message-ID"] = "<4712@vendor.example>"
    reply["In-Reply-To"] = "<4711@vendor.example>"
    reply.set_content("Any news on this one?\n\n> Dear team,\n> the invoice for March is attached.")
    lmtp = listener(lmtp=True)
    with smtplib.LMTP("127.0.0.1", lmtp, timeout=10) as client:
        assert (
            client.sendmail("vera@vendor.example", ["invoices@tandem.test"], reply.as_bytes(policy=SMTP))
            == {}
        )
    jobs.look_for_mail()
    assert Item.objects.count() == 1
    threaded = InboundMessage.objects.get(message_id="<4712@vendor.example>")
    assert threaded.status == MessageStatus.THREADED and threaded.item == item
    assert "Any news on this one?" in threaded.comment.body and "Dear team" not in threaded.comment.body


def test_an_unknown_recipient_is_refused_at_rcpt_and_a_known_one_taken(listener, invoices):
    port = listener()
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refused = client.sendmail(
            "vera@vendor.example",
            ["nobody@tandem.test", "invoices@tandem.test"],
            invoice().as_bytes(policy=SMTP),
        )
    assert refused == {"nobody@tandem.test": (550, b"5.1.1 No mailbox here by that name")}
    jobs.look_for_mail()
    message = InboundMessage.objects.get()
    assert message.recipients == ["invoices@tandem.test"] and message.status == MessageStatus.PROCESSED


def test_a_dkim_signed_colleague_over_smtp_is_verified_and_threads_and_a_forged_copy_does_not(
    listener, invoices, fay
):
    from tandem.mailgate import trust
    from tests.mailgate.signing import resolver, sign

    smtp = listener()

    def colleague(message_id: str, subject: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = "Fay Finance <fay@tandem.test>"
        message["To"] = "invoices@tandem.test"
        message["Subject"] = subject
        message["Message-ID"] = message_id
        message.set_content("Booked it, paid on Friday.")
        return message

    with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as client:
        client.sendmail("vera@vendor.example", ["invoices@tandem.test"], invoice().as_bytes(policy=SMTP))
    with trust.dns_lookup(resolver("tandem.test")):
        jobs.look_for_mail()
        item = Item.objects.get()
        signed = sign(
            colleague("<s1@tandem.test>", f"Re: [#{item.pk}] Rechnung").as_bytes(policy=SMTP), "tandem.test"
        )
        unsigned = colleague("<s2@tandem.test>", f"Re: [#{item.pk}] Rechnung").as_bytes(policy=SMTP)
        tampered = sign(
            colleague("<s3@tandem.test>", f"Re: [#{item.pk}] Rechnung").as_bytes(policy=SMTP), "tandem.test"
        )
        tampered = tampered.replace(b"paid on Friday", b"pay to DE99 now")
        with smtplib.SMTP("127.0.0.1", smtp, timeout=10) as client:
            for raw in (unsigned, tampered, signed):  # the forgeries before the item knows Fay
                assert client.sendmail("x@anywhere.example", ["invoices@tandem.test"], raw) == {}
        jobs.look_for_mail()
    received = {m.message_id: m for m in InboundMessage.objects.all()}
    genuine = received["<s1@tandem.test>"]
    assert (genuine.sender_verified, genuine.verification, genuine.peer) == (
        True,
        "dkim=pass d=tandem.test",
        "127.0.0.1",
    )
    assert genuine.status == MessageStatus.THREADED and genuine.item_id == item.pk
    for forged in (received["<s2@tandem.test>"], received["<s3@tandem.test>"]):
        assert not forged.sender_verified and forged.status == MessageStatus.PROCESSED
        assert forged.item_id != item.pk and forged.item.description.startswith("**Unverified sender:**")
