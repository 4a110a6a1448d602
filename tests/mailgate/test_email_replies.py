"""Replying by e-mail from an item to the person whose mail made it: sent by the worker from the
board's address as a reply to their newest message, kept as the item's comment, and their answer
threads back into the item, whichever of its references their mail program keeps."""

from __future__ import annotations

import re

import pytest
from django.core import mail as outbox

from tandem.core.errors import Conflict, InvalidInput, NotAllowed
from tandem.mailgate import services
from tandem.mailgate.models import MessageStatus, SentMessage, SentStatus
from tandem.work import services as work
from tandem.work.markdown import plain_text
from tests.conftest import login
from tests.mailgate.conftest import mail
from tests.mailgate.signing import dmarc_pass

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }


def test_a_reply_goes_from_the_board_address_to_the_sender_and_is_the_items_comment(receive, invoices, fay):
    item = receive(mail()).item
    sent = services.email_reply(item, by=fay, body="Thank you, we will pay on Friday.")
    services.send_reply.call(sent.pk)  # what the worker runs after the commit
    (message,) = outbox.outbox
    assert message.to == ["vera@vendor.example"] and message.from_email == "Finance <invoices@tandem.test>"
    assert message.subject == f"Re: [#{item.pk}] Invoice 4711"
    assert message.extra_headers["In-Reply-To"] == "<4711@vendor.example>"
    assert message.extra_headers["References"] == "<4711@vendor.example>"
    assert message.extra_headers["Message-ID"].endswith("@tandem.test>")
    assert message.body.startswith("Thank you, we will pay on Friday.") and "Fay Finance" in message.body
    sent.refresh_from_db()
    assert sent.status == SentStatus.SENT and sent.sent_at is not None
    comment = sent.comment
    assert comment.author == fay and comment.item == item
    assert (
        plain_text(comment.body)
        == "E-mailed to Vera Vendor <vera@vendor.example>: Thank you, we will pay on Friday."
    )
    assert services.send_reply.call(sent.pk) is False and len(outbox.outbox) == 1  # never twice


def test_their_answer_threads_back_even_when_it_names_only_the_reply(receive, invoices, fay):
    item = receive(mail()).item
    sent = services.email_reply(item, by=fay, body="Which account should we pay into?")
    answer = receive(
        mail(
            subject="Your question",
            message_id="<answer@vendor.example>",
            In_Reply_To=sent.message_id,
            body="IBAN DE00 1234",
        )
    )
    assert answer.status == MessageStatus.THREADED and answer.item == item
    # the next reply answers their newest message, with the whole thread in its references
    second = services.email_reply(item, by=fay, body="Paid.")
    assert second.in_reply_to == "<answer@vendor.example>"
    assert second.references == "<answer@vendor.example>"  # it named no thread; the reply starts one
    third_answer = receive(
        mail(
            subject="Thanks",
            message_id="<answer2@vendor.example>",
            In_Reply_To=second.message_id,
            References=f"<4711@vendor.example> {sent.message_id} {second.message_id}",
        )
    )
    third = services.email_reply(item, by=fay, body="You are welcome.")
    assert third_answer.item == item and third.references == (
        f"<4711@vendor.example> {sent.message_id} {second.message_id} <answer2@vendor.example>"
    )


def test_a_failed_send_stays_pending_with_its_error_and_the_job_retries(receive, invoices, fay, settings):
    item = receive(mail()).item
    sent = services.email_reply(item, by=fay, body="Hello")
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(OSError):
        services.send_reply.call(sent.pk)
    sent.refresh_from_db()
    assert sent.status == SentStatus.PENDING and sent.error
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    assert services.send_reply.call(sent.pk) is True
    sent.refresh_from_db()
    assert sent.status == SentStatus.SENT and sent.error == ""


def test_no_reply_without_mail_to_answer_an_empty_one_or_from_a_guest(receive, invoices, fay, guest, finance):
    plain = work.create_item(by=fay, board=finance, data={"title": "Made by hand"})
    with pytest.raises(Conflict):
        services.email_reply(plain, by=fay, body="Hello")
    item = receive(mail()).item
    with pytest.raises(InvalidInput):
        services.email_reply(item, by=fay, body="   ")
    with pytest.raises(NotAllowed):
        services.email_reply(item, by=guest, body="Hello")
    assert not SentMessage.objects.exists()


def test_the_item_page_offers_the_reply_and_lists_it(
    receive, invoices, fay, guest, django_capture_on_commit_callbacks
):
    item = receive(mail()).item
    page = login(fay)
    assert "Reply by e-mail to Vera Vendor" in page.get(f"/items/{item.pk}/").content.decode()
    assert "Reply by e-mail" not in login(guest).get(f"/items/{item.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = page.post(f"/items/{item.pk}/email-reply/", {"body": "On its way."}, follow=True)
    assert "is on its way" in done.content.decode()
    assert "Fay Finance replied to vera@vendor.example" in done.content.decode()
    assert len(outbox.outbox) == 1  # the job asked for after the commit (run at once in tests)
    empty = page.post(f"/items/{item.pk}/email-reply/", {"body": ""}, follow=True)
    assert "Write the reply first." in empty.content.decode() and SentMessage.objects.count() == 1


def test_an_address_that_confirms_receipt_tells_a_new_sender_the_items_number(
    receive, invoices, admin_user, fay, django_capture_on_commit_callbacks, trusted_mx
):
    services.update_address(invoices, by=admin_user, data={"acknowledge": True})
    with django_capture_on_commit_callbacks(execute=True):
        item = receive(mail(**dmarc_pass("vendor.example"))).item  # a verified sender
    (receipt,) = outbox.outbox
    assert receipt.to == ["vera@vendor.example"] and receipt.subject == f"Re: [#{item.pk}] Invoice 4711"
    assert receipt.extra_headers["Auto-Submitted"] == "auto-replied"  # auto-responders leave it alone
    assert receipt.extra_headers["In-Reply-To"] == "<4711@vendor.example>"
    assert f"Finance as #{item.pk}" in receipt.body and f"[#{item.pk}]" in receipt.body
    assert SentMessage.objects.get().automatic and not SentMessage.objects.get().comment
    with django_capture_on_commit_callbacks(execute=True):
        # an answer to the receipt threads; a colleague's mail and automatic mail get no receipt
        answer = receive(
            mail(
                subject=receipt.subject,
                message_id="<a2@vendor.example>",
                In_Reply_To=receipt.extra_headers["Message-ID"],
            )
        )
        receive(mail(sender=fay.email, message_id="<f@x>", subject="From a colleague"))
        receive(mail(sender="bot@vendor.example", message_id="<bot@x>", Auto_Submitted="auto-replied"))
    assert answer.status == MessageStatus.THREADED and answer.item == item
    assert len(outbox.outbox) == 1
    page = login(fay).get(f"/items/{item.pk}/").content.decode()
    assert "Receipt confirmed to vera@vendor.example" in page


def _options(html: str) -> dict[str, str]:
    """The reply form's choices: value -> the option's whole tag and text."""
    select = re.search(r'<select[^>]*name="to".*?</select>', html, re.S)
    assert select, "the reply form has no choice of recipient"
    return {m[1]: m[0] for m in re.finditer(r'<option value="([^"]*)"[^>]*>[^<]*</option>', select[0])}


def _selected(options: dict[str, str]) -> str:
    (chosen,) = [value for value, option in options.items() if " selected" in option]
    return chosen


def test_the_page_replies_to_the_known_sender_not_the_reply_to_of_a_later_message(
    invoice_item, fay, django_capture_on_commit_callbacks
):
    page = login(fay)
    with django_capture_on_commit_callbacks(execute=True):
        # a form without the field, as before; then what the browser sends: the selected option
        page.post(f"/items/{invoice_item.pk}/email-reply/", {"body": "Paid."})
        assert SentMessage.objects.get().to == "info@northwind.example"
        html = page.get(f"/items/{invoice_item.pk}/").content.decode()
        options = _options(html)
        page.post(f"/items/{invoice_item.pk}/email-reply/", {"body": "Paid too.", "to": _selected(options)})
    assert [m.to for m in outbox.outbox] == [["info@northwind.example"], ["info@northwind.example"]]
    assert "Reply by e-mail to Northwind Billing" in html
    assert _selected(options) == "info@northwind.example"
    assert "attacker@evil.example (not the sender)" in options["attacker@evil.example"]
    assert "asks for answers to attacker@evil.example (Reply-To)" in html  # in the list of messages
    sent = SentMessage.objects.order_by("pk").first()
    assert sent.to == "info@northwind.example" and sent.in_reply_to == "<fraud@evil.example>"
    assert "E-mailed to Northwind Billing \\<info@northwind\\.example\\>" in sent.comment.body
