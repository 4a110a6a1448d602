"""From the spool to items: what the worker makes of each message (tandem.mailgate.services) — an
item with its file, sender and defaults, or a comment on the item a reply threads into.
Refusals and faults: test_pipeline_refusals.py; one message for several boards:
test_pipeline_several_boards.py."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.core import mail as outbox
from django.utils import timezone

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.contacts import services as contacts
from tandem.contacts.models import Person
from tandem.mailgate import replies, services
from tandem.mailgate.models import InboundMessage, MessageStatus, SentMessage
from tandem.notifications.models import Notification
from tandem.work import services as work
from tandem.work.markdown import plain_text
from tandem.work.models import Comment, Item
from tests.mailgate.conftest import mail
from tests.mailgate.signing import dmarc_pass

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the invoice\n" * 50


def test_an_invoice_becomes_a_finance_item_with_its_file_sender_and_defaults(receive, invoices, fay, finance):
    raw = mail(attachments=(("invoice 4711.pdf", PDF, "application/pdf"),))
    message = receive(raw)
    assert message.status == MessageStatus.PROCESSED and message.reason == ""
    item = message.item
    assert item is not None and item.board == finance and item.type == "finance"
    assert item.title == "Invoice 4711"
    assert "Please find the invoice attached." in plain_text(item.description)
    assert "Vera Vendor <vera@vendor.example>" in plain_text(item.description)
    assert [u.email for u in item.assignees.all()] == [fay.email]
    assert [label.name for label in item.labels.all()] == ["finance::received"]
    (stored,) = item.files.all()
    assert stored.name == "invoice 4711.pdf" and stored.content_type == "application/pdf"
    assert stored.file.read() == PDF and stored.size == len(PDF)
    person = message.person
    assert person is not None and person.full_name == "Vera Vendor"
    assert list(person.emails.values_list("email", flat=True)) == ["vera@vendor.example"]
    assert "invoices@tandem.test" in person.review_note  # flagged for review
    assert list(item.people.all()) == [person]
    assert item.created_by is not None and item.created_by.is_system
    assert list(item.watchers.all()) == [fay]  # the assignee; Tandem's own account watches nothing
    with message.raw.open("rb") as kept:
        assert kept.read() == raw


def test_the_same_message_delivered_twice_makes_one_item(receive, invoices):
    raw = mail()
    first = receive(raw)
    services.deliver(raw, recipients=["invoices@tandem.test"], via="lmtp")
    assert services.process_waiting() == 1
    assert InboundMessage.objects.count() == 1 and Item.objects.count() == 1
    assert InboundMessage.objects.get().item == first.item
    assert list(services.spool().waiting()) == [] and not list((services.spool().root / "work").iterdir())


def test_a_message_without_message_id_is_known_by_its_bytes(receive, invoices):
    raw = mail(message_id=None)
    receive(raw)
    services.deliver(raw, recipients=["invoices@tandem.test"], via="smtp")
    services.process_waiting()
    assert Item.objects.count() == 1
    assert InboundMessage.objects.get().identity.startswith("sha256:")


def test_a_known_sender_is_linked_to_their_person_and_organization_without_a_duplicate(
    receive, invoices, member
):
    org = contacts.create_organization(
        by=member, data={"name": "Vendor Ltd", "website": "https://vendor.example"}
    )
    vera = contacts.create_person(
        by=member,
        data={
            "first_name": "Vera",
            "last_name": "Vendor",
            "emails": [{"email": "VERA@vendor.example"}],
            "memberships": [{"organization": org}],
        },
    )
    message = receive(mail())
    assert message.person == vera and message.organization == org
    assert list(message.item.people.all()) == [vera] and list(message.item.organizations.all()) == [org]
    assert Person.objects.count() == 1 and Person.objects.get().review_note == ""


def test_an_unknown_sender_at_a_known_domain_joins_that_organization_once(receive, invoices, member):
    org = contacts.create_organization(
        by=member, data={"name": "Vendor Ltd", "website": "https://vendor.example"}
    )
    first = receive(mail(sender="Omar Other <omar@vendor.example>", message_id="<1@vendor.example>"))
    second = receive(mail(sender="omar@vendor.example", message_id="<2@vendor.example>", subject="Another"))
    assert first.person == second.person and Person.objects.count() == 1
    assert first.organization == org and list(first.person.organizations.all()) == [org]


def test_mail_from_a_colleague_makes_no_person(receive, invoices, fay):
    message = receive(mail(sender=f"Fay <{fay.email}>"))
    assert message.status == MessageStatus.PROCESSED and message.person is None
    assert Person.objects.count() == 0


def test_a_reply_threads_into_the_item_by_its_references(receive, invoices):
    first = receive(mail())
    reply = receive(
        mail(
            subject="Re: Invoice 4711",
            message_id="<4712@vendor.example>",
            body="Paid yet?\n\nOn Monday, Ana wrote:\n> Please find the invoice attached.",
            In_Reply_To="<4711@vendor.example>",
            References="<4711@vendor.example>",
        )
    )
    assert reply.status == MessageStatus.THREADED and reply.item == first.item
    comment = reply.comment
    assert comment is not None and comment.item == first.item
    assert "Paid yet?" in comment.body and "Please find" not in comment.body  # the quote is left out
    assert "vera@vendor.example" in plain_text(comment.body)
    assert Item.objects.count() == 1


def test_an_at_handle_in_mail_from_outside_pages_nobody(receive, invoices, admin_user, fay):
    first = receive(mail())
    reply = receive(
        mail(
            subject="Re: Invoice 4711",
            message_id="<4713@vendor.example>",
            body=f"@{fay.handle} @{admin_user.handle} pay this today!",
            In_Reply_To="<4711@vendor.example>",
        )
    )
    assert reply.status == MessageStatus.THREADED and f"@{fay.handle}" in reply.comment.body
    entry = HistoryEntry.objects.filter(verb="commented", target_id=first.item_id).get()
    assert "_users" not in entry.changes  # no one is mentioned
    assert not first.item.watchers.filter(pk=admin_user.pk).exists()
    # a colleague's own comment still mentions
    work.add_comment(first.item, by=fay, body=f"@{admin_user.handle} have a look")
    assert first.item.watchers.filter(pk=admin_user.pk).exists()


def test_a_subject_reference_threads_only_into_an_item_of_the_address_board(receive, invoices, admin_user):
    first = receive(mail())
    other_board = work.create_board(by=admin_user, data={"name": "Board meeting"})
    elsewhere = work.create_item(by=admin_user, board=other_board, data={"title": "Secret"})
    by_subject = receive(mail(subject=f"About [#{first.item_id}] again", message_id="<a@vendor.example>"))
    assert by_subject.status == MessageStatus.THREADED and by_subject.item_id == first.item_id
    not_there = receive(mail(subject=f"[#{elsewhere.pk}] hello", message_id="<b@vendor.example>"))
    assert not_there.status == MessageStatus.PROCESSED and not_there.item_id not in {
        elsewhere.pk,
        first.item_id,
    }
    assert not Comment.objects.filter(item=elsewhere).exists()


def test_a_reply_to_a_notification_email_threads_by_the_references_tandem_sent(receive, invoices):
    from tandem.notifications.mail import thread_id

    first = receive(mail())
    reply = receive(
        mail(
            subject="Re: hello", message_id="<c@vendor.example>", References=thread_id("item", first.item_id)
        )
    )
    assert reply.status == MessageStatus.THREADED and reply.item_id == first.item_id


def test_a_reply_to_the_signed_reply_address_is_the_users_comment(
    receive, invoices, settings, fay, trusted_mx
):
    settings.TANDEM_MAIL_REPLY_ADDRESS = "reply@tandem.test"
    item = receive(mail()).item
    address = replies.reply_address(item.pk, fay.pk)
    assert address.startswith("reply+") and address.endswith("@tandem.test")
    message = receive(
        mail(
            sender=f"Fay <{fay.email.upper()}>",
            to=address,
            subject="Re: [#1] Invoice 4711",
            message_id="<r1@mail.tandem.test>",
            body="Booked, thanks.\n\n-----Original Message-----\nold text",
            **dmarc_pass("tandem.test"),  # her own mail, verified
        ),
        recipients=(address,),
    )
    assert message.status == MessageStatus.THREADED
    assert message.comment.author == fay and plain_text(message.comment.body) == "Booked, thanks."
    # a customer who got Fay's mail answers it with reply-all: theirs, not Fay's
    theirs = receive(
        mail(
            sender="Vera <vera@vendor.example>", to=address, message_id="<r3@vendor.example>", body="Thanks!"
        ),
        recipients=(address,),
    )
    assert theirs.status == MessageStatus.THREADED and theirs.comment.author.is_system
    assert "By e-mail from Vera <vera@vendor.example>" in plain_text(theirs.comment.body)
    forged = address.replace(address.split("-")[-1][:4], "0000")
    refused = receive(mail(to=forged, message_id="<r2@mail.tandem.test>"), recipients=(forged,))
    assert refused.status == MessageStatus.REJECTED and "reply address" in refused.reason
    assert Comment.objects.filter(item=item).count() == 2


def test_notification_emails_carry_the_reply_address_and_invite_replies(settings, invoices, fay, receive):
    from tandem.notifications import fanout
    from tandem.notifications import mail as notification_mail

    settings.TANDEM_MAIL_REPLY_ADDRESS = "reply@tandem.test"
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    item = receive(mail()).item  # assigned to Fay: she hears of it by e-mail
    fanout.fan_out.call()
    Notification.objects.update(
        created_at=timezone.now() - timedelta(seconds=notification_mail.batch_seconds() + 1)
    )
    assert notification_mail.send_due_mails.call() == 1
    (sent,) = [m for m in outbox.outbox if fay.email in m.to]
    assert sent.reply_to == [replies.reply_address(item.pk, fay.pk)]
    assert "Reply to this e-mail to comment on the item." in sent.body


def test_an_attachment_over_the_limit_is_noted_on_the_item(receive, invoices, settings):
    settings.TANDEM_MAX_ATTACHMENT = 2048
    message = receive(
        mail(
            attachments=(("small.txt", b"ok" * 10, "text/plain"), ("big.zip", b"z" * 5000, "application/zip"))
        )
    )
    item = message.item
    assert [f.name for f in item.files.all()] == ["small.txt"]
    shown = plain_text(item.description)
    assert "Not kept: big.zip (0.0 MB)" in shown and "over the limit" in shown


def test_persian_in_windows_1256_comes_out_right(receive, invoices):
    message = EmailMessage()
    message["From"] = "=?windows-1256?b?" + _b64("رضا".encode("cp1256")) + "?= <reza@vendor.example>"
    message["To"] = "invoices@tandem.test"
    message["Subject"] = "=?windows-1256?b?" + _b64("فاکتور شماره 12".encode("cp1256")) + "?="
    message["Message-ID"] = "<fa@vendor.example>"
    message.set_payload("لطفا پرداخت کنيد".encode("cp1256"), charset="windows-1256")
    received = receive(message.as_bytes())
    assert received.item.title == "فاکتور شماره 12"
    assert "لطفا پرداخت کنيد" in received.item.description
    assert received.person.full_name == "رضا"


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode()


def test_the_system_account_cannot_log_in_and_is_not_listed(invoices, receive, client, admin_user):
    receive(mail())
    gateway = User.objects.get(is_system=True)
    assert not gateway.is_active and not gateway.has_usable_password()
    assert client.login(username=gateway.email, password="") is False
    client.force_login(admin_user)
    page = client.get("/team/")
    assert page.status_code == 200 and admin_user.email in page.content.decode()
    assert gateway.email not in page.content.decode()


def test_nul_characters_in_headers_and_text_are_dropped_so_every_database_takes_them(receive, invoices):
    raw = (
        b"From: Nul\x00 Sender <nul@vendor.example>\r\nTo: invoices@tandem.test\r\n"
        b"Subject: Invoice\x00 9\r\nMessage-ID: <nul@vendor.example>\r\n\r\nPay\x00 now\r\n"
    )
    message = receive(raw)
    assert message.status == MessageStatus.PROCESSED, message.reason
    assert message.item.title == "Invoice 9" and "Pay now" in message.item.description


def test_odd_names_and_types_of_files_boards_and_titles_are_kept(
    receive, invoices, admin_user, finance, settings, trusted_mx
):
    persian = "صورتحساب" * 19 + ".pdf"  # 156 letters, over 300 bytes
    work.update_board(
        finance, by=admin_user, version=None, data={"title_prefix": "Finance: ", "name": "Финансы " * 12}
    )
    services.update_address(invoices, by=admin_user, data={"acknowledge": True})
    raw = mail(
        subject="x" * 300,
        attachments=((persian, b"%PDF", "application/pdf"), ("a.bin", b"data", "application/x\x00y")),
        **dmarc_pass("vendor.example"),
    )
    message = receive(raw)
    assert message.status == MessageStatus.PROCESSED, message.reason
    item = message.item
    assert item.title.startswith("Finance: xxx") and len(item.title) <= 255
    files = {f.name: f for f in item.files.all()}
    assert persian[:200] in files or persian in files
    assert files["a.bin"].content_type == "application/octet-stream"
    assert SentMessage.objects.get(item=item).from_address  # the receipt, from a long Cyrillic name


def test_receipts_go_to_the_verified_from_and_replies_to_the_reply_to_when_it_is_chosen(
    receive, invoices, admin_user, fay, settings, django_capture_on_commit_callbacks, trusted_mx
):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    services.update_address(invoices, by=admin_user, data={"acknowledge": True})
    with django_capture_on_commit_callbacks(execute=True):
        item = receive(
            mail(
                sender="Web form <noreply@vendor.example>",
                Reply_To="Vera <vera@vendor.example>",
                **dmarc_pass("vendor.example"),
            )
        ).item
        # a web form's Reply-To is offered, never taken by itself (tests/mailgate/test_reply_recipients.py)
        services.email_reply(item, by=fay, body="Thanks", to="vera@vendor.example")
    # the receipt goes to the verified From, never to a Reply-To
    assert [m.to for m in outbox.outbox] == [["noreply@vendor.example"], ["vera@vendor.example"]]


def test_stored_files_are_never_served_from_media(receive, invoices, member, client):
    message = receive(mail(attachments=(("a.pdf", b"%PDF", "application/pdf"),)))
    stored = message.item.files.get()
    assert client.get(f"/media/{stored.file.name}").status_code == 404
    assert client.get(f"/media/{message.raw.name}").status_code == 404
