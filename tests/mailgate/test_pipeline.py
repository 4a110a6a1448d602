"""From the spool to items: what the worker makes of each message (tandem.mailgate.services)."""

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
from tandem.mailgate.listener import AddressBook
from tandem.mailgate.models import InboundMessage, MessageStatus, SenderPolicy, SentMessage
from tandem.mailgate.recipients import reply_recipients
from tandem.notifications.models import Notification, Outbox
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


def test_unknown_recipients_are_rejected_unless_there_is_a_catch_all(receive, invoices, admin_user):
    refused = receive(mail(to="nobody@tandem.test"), recipients=("nobody@tandem.test",))
    assert refused.status == MessageStatus.REJECTED and "nobody@tandem.test" in refused.reason
    book = AddressBook(ttl=0)  # what the listener asks at RCPT TO
    assert not book.accepts("nobody@tandem.test") and book.accepts("<INVOICES@tandem.test>")
    support = work.create_board(by=admin_user, data={"name": "Support"})
    services.create_address(
        by=admin_user, board=support, data={"address": "support@tandem.test", "catch_all": True}
    )
    caught = receive(mail(to="sales@tandem.test", message_id="<d@x>"), recipients=("sales@tandem.test",))
    assert caught.status == MessageStatus.PROCESSED and caught.item.board == support
    assert book.accepts("anything@tandem.test")


def test_an_address_for_known_senders_refuses_strangers(
    receive, invoices, admin_user, member, fay, trusted_mx
):
    services.update_address(invoices, by=admin_user, data={"senders": SenderPolicy.KNOWN})
    stranger = receive(mail(sender="eve@elsewhere.example", message_id="<e1@x>"))
    assert stranger.status == MessageStatus.REJECTED and "eve@elsewhere.example" in stranger.reason
    contacts.create_person(
        by=member, data={"last_name": "Known", "emails": [{"email": "kim@elsewhere.example"}]}
    )
    assert (
        receive(mail(sender="kim@elsewhere.example", message_id="<e2@x>")).status == MessageStatus.PROCESSED
    )
    colleague = receive(mail(sender=fay.email, message_id="<e3@x>", **dmarc_pass("tandem.test")))
    assert colleague.status == MessageStatus.PROCESSED
    assert Item.objects.count() == 2


def test_an_address_for_the_company_domain_refuses_other_domains(receive, invoices, admin_user):
    services.update_address(
        invoices,
        by=admin_user,
        data={"senders": SenderPolicy.DOMAIN, "domains": "Tandem.test, @sub.tandem.test"},
    )
    assert invoices.__class__.objects.get().domains == "tandem.test, sub.tandem.test"
    services.update_address(invoices, by=admin_user, data={"domains": "Tandem.test، @sub.tandem.test"})
    assert invoices.__class__.objects.get().domains == "tandem.test, sub.tandem.test"  # a Persian comma
    assert receive(mail(sender="x@sub.tandem.test", message_id="<f1@x>")).status == MessageStatus.PROCESSED
    outside = receive(mail(sender="x@vendor.example", message_id="<f2@x>"))
    assert outside.status == MessageStatus.REJECTED and "tandem.test" in outside.reason


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X_Autoreply": "yes"},
        {"Return_Path": "<>"},
    ],
)
def test_automatic_mail_makes_no_item_and_no_notification(receive, invoices, headers):
    entries = HistoryEntry.objects.count()
    message = receive(mail(subject="Out of office", **headers))
    assert message.status == MessageStatus.REJECTED and "Automatic" in message.reason
    assert Item.objects.count() == 0 and Person.objects.count() == 0
    assert HistoryEntry.objects.count() == entries and not Outbox.objects.exists()


def test_a_sender_over_the_rate_limit_waits_in_quarantine_until_reprocessed(
    receive, invoices, settings, admin_user
):
    settings.TANDEM_MAIL_RATE = 2
    done = [receive(mail(message_id=f"<{n}@flood>", subject=f"n{n}")) for n in range(3)]
    assert [m.status for m in done] == [
        MessageStatus.PROCESSED,
        MessageStatus.PROCESSED,
        MessageStatus.QUARANTINED,
    ]
    assert "more than 2" in done[2].reason and Item.objects.count() == 2
    again = services.reprocess(done[2], by=admin_user)
    assert again.status == MessageStatus.PROCESSED and Item.objects.count() == 3


def test_reprocessing_is_for_admins(receive, invoices, member, manager):
    from tandem.core.errors import NotAllowed

    message = receive(mail(to="nobody@tandem.test"), recipients=("nobody@tandem.test",))
    for someone in (member, manager):
        with pytest.raises(NotAllowed):
            services.reprocess(message, by=someone)


def test_mail_to_an_archived_board_is_quarantined_and_made_an_item_after_restoring(
    receive, invoices, finance, admin_user
):
    work.archive_board(finance, by=admin_user)
    held = receive(mail())
    assert held.status == MessageStatus.QUARANTINED and "archived" in held.reason
    assert Item.objects.count() == 0 and Person.objects.count() == 0  # nothing half made
    work.restore_board(finance, by=admin_user)
    assert services.reprocess(held, by=admin_user).status == MessageStatus.PROCESSED


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


def test_an_unreadable_message_is_quarantined_with_its_reason_and_kept(receive, invoices, admin_user):
    message = receive(b"\x00\x01 this is not a message at all")
    assert message.status == MessageStatus.QUARANTINED and message.reason
    with message.raw.open("rb") as raw:
        assert raw.read() == b"\x00\x01 this is not a message at all"
    assert services.reprocess(message, by=admin_user).status == MessageStatus.QUARANTINED


def test_a_fault_while_processing_quarantines_the_message_and_the_rest_goes_on(invoices, monkeypatch):
    calls = []
    real = services._new_item

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_new_item", failing_once)
    services.deliver(
        mail(message_id="<g1@x>"),
        sender="vera@vendor.example",
        recipients=["invoices@tandem.test"],
        via="smtp",
    )
    services.deliver(
        mail(message_id="<g2@x>"),
        sender="vera@vendor.example",
        recipients=["invoices@tandem.test"],
        via="smtp",
    )
    assert services.process_waiting() == 2
    statuses = dict(InboundMessage.objects.values_list("message_id", "status"))
    assert sorted(statuses.values()) == [MessageStatus.PROCESSED, MessageStatus.QUARANTINED]
    held = InboundMessage.objects.get(status=MessageStatus.QUARANTINED)
    assert "disk on fire" in held.reason and held.raw
    assert Item.objects.count() == 1 and Person.objects.count() == 1  # the failed one left nothing


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


def test_wrong_mail_settings_stop_the_checks(settings):
    from tandem.mailgate.checks import mail_settings

    assert mail_settings() == []
    settings.TANDEM_MAIL_IMAP = "pop3://user:secret@mail.example.com"
    settings.TANDEM_MAIL_REPLY_ADDRESS = "reply+x@localhost"
    found = {error.id: error.msg for error in mail_settings()}
    assert set(found) == {"tandem.E101", "tandem.E102"} and "secret" not in found["tandem.E101"]


def test_mail_without_a_from_header_is_known_by_its_envelope_sender_and_rate_limited(invoices, settings):
    settings.TANDEM_MAIL_RATE = 2
    for n in range(3):
        raw = f"To: invoices@tandem.test\r\nSubject: n{n}\r\nMessage-ID: <nofrom{n}@x>\r\n\r\nhi\r\n".encode()
        services.deliver(raw, sender="Bob@Elsewhere.example", recipients=["invoices@tandem.test"], via="smtp")
    services.process_waiting()
    statuses = list(InboundMessage.objects.order_by("id").values_list("sender_email", "status"))
    assert statuses == [
        ("bob@elsewhere.example", MessageStatus.PROCESSED),
        ("bob@elsewhere.example", MessageStatus.PROCESSED),
        ("bob@elsewhere.example", MessageStatus.QUARANTINED),
    ]


def test_control_characters_in_the_envelope_are_dropped_and_the_rest_goes_on(invoices):
    services.deliver(
        mail(message_id="<e1@x>"),
        sender="bad\x00@vendor.example",
        recipients=["invoices@tandem.test"],
        via="smtp",
    )
    services.deliver(
        mail(message_id="<e2@x>"),
        sender="vera@vendor.example",
        recipients=["invoices@tandem.test"],
        via="smtp",
    )
    assert services.process_waiting() == 2
    assert sorted(InboundMessage.objects.values_list("envelope_from", flat=True)) == [
        "bad@vendor.example",
        "vera@vendor.example",
    ]
    assert Item.objects.count() == 2


def test_a_message_no_record_can_be_written_for_is_set_aside_and_the_rest_goes_on(invoices, monkeypatch):
    from django.db import DataError

    real = services.receive

    def failing(raw, envelope, **kwargs):
        if b"<h1@x>" in raw:
            raise RuntimeError("cannot read this one")
        return real(raw, envelope, **kwargs)

    def no_record(*args, **kwargs):
        raise DataError("value cannot be stored")

    monkeypatch.setattr(services, "receive", failing)
    monkeypatch.setattr(services, "_quarantine_raw", no_record)
    held = services.deliver(
        mail(message_id="<h1@x>"), sender="v@vendor.example", recipients=["invoices@tandem.test"], via="smtp"
    )
    services.deliver(
        mail(message_id="<h2@x>"), sender="v@vendor.example", recipients=["invoices@tandem.test"], via="smtp"
    )
    assert services.process_waiting() == 1
    assert (services.spool().root / "failed" / f"{held.name}.eml").exists()
    assert list(services.spool().waiting()) == [] and Item.objects.count() == 1


def test_reprocessing_a_message_twice_makes_one_item(receive, invoices, settings, admin_user):
    settings.TANDEM_MAIL_RATE = 1
    receive(mail(message_id="<q1@x>"))
    held = receive(mail(message_id="<q2@x>", subject="Second"))
    assert held.status == MessageStatus.QUARANTINED
    services.reprocess(held, by=admin_user)
    services.reprocess(held, by=admin_user)  # a second admin, or a double click, with the old copy
    assert Item.objects.count() == 2


def test_an_outsider_naming_an_item_number_makes_a_new_item_and_gets_no_reply_meant_for_the_sender(
    receive, invoices, fay
):
    from tandem.notifications.mail import thread_id

    first = receive(mail())
    by_number = receive(
        mail(sender="eve@evil.example", subject=f"[#{first.item_id}] hello", message_id="<ev1@x>")
    )
    by_reference = receive(
        mail(sender="eve@evil.example", message_id="<ev2@x>", References=thread_id("item", first.item_id))
    )
    assert by_number.status == by_reference.status == MessageStatus.PROCESSED
    assert first.item_id not in {by_number.item_id, by_reference.item_id}
    assert not Comment.objects.filter(item=first.item).exists()
    # a known contact of the item threads in by its number, and a reply from the item still answers
    # the sender whose mail made it
    receive(mail(sender="Other <other@vendor.example>", message_id="<o1@x>", subject="x"))
    work.update_item(
        first.item,
        by=fay,
        version=None,
        data={"people": [*first.item.people.all(), Person.objects.get(emails__email="other@vendor.example")]},
    )
    joined = receive(
        mail(sender="other@vendor.example", subject=f"Re: [#{first.item_id}]", message_id="<o2@x>")
    )
    assert joined.status == MessageStatus.THREADED and joined.item_id == first.item_id
    assert reply_recipients(first.item).default.address == "vera@vendor.example"


def test_the_same_message_delivered_apart_to_two_boards_makes_an_item_on_each(receive, invoices, admin_user):
    support = work.create_board(by=admin_user, data={"name": "Support"})
    services.create_address(by=admin_user, board=support, data={"address": "support@tandem.test"})
    raw = mail(to="invoices@tandem.test, support@tandem.test")
    receive(raw, recipients=("invoices@tandem.test",))
    receive(raw, recipients=("support@tandem.test",))  # the MTA delivers each recipient on its own
    services.deliver(
        raw, sender="v@vendor.example", recipients=["support@tandem.test"], via="smtp"
    )  # and again
    services.process_waiting()
    assert sorted(Item.objects.values_list("board__name", flat=True)) == ["Finance", "Support"]


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


def test_a_bounce_with_an_empty_envelope_sender_makes_nothing(invoices):
    services.deliver(
        mail(sender="MAILER <postmaster@vendor.example>"),
        sender="",
        recipients=["invoices@tandem.test"],
        via="smtp",
    )
    services.deliver(
        mail(message_id="<b2@x>", sender="someone@vendor.example"),
        sender="",
        recipients=["invoices@tandem.test"],
        via="lmtp",
    )
    services.process_waiting()
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.REJECTED}
    assert Item.objects.count() == 0


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


@pytest.fixture
def support(admin_user):
    board = work.create_board(by=admin_user, data={"name": "Support"})
    return services.create_address(by=admin_user, board=board, data={"address": "support@tandem.test"})


def test_one_delivery_for_two_boards_makes_an_item_on_each(invoices, support):
    raw = mail(attachments=(("invoice.pdf", PDF, "application/pdf"),))
    for _ in range(2):  # the second delivery of the same message makes nothing new
        services.deliver(raw, sender="vera@vendor.example", recipients=["invoices@tandem.test", "support@tandem.test"], via="lmtp")  # fmt: skip
        assert services.process_waiting() == 1
    records = InboundMessage.objects.order_by("pk")
    assert [(r.status, r.address) for r in records] == [
        (MessageStatus.PROCESSED, invoices),
        (MessageStatus.PROCESSED, support),
    ]
    assert sorted(Item.objects.values_list("board__name", flat=True)) == ["Finance", "Support"]
    assert {r.item.files.get().name for r in records} == {"invoice.pdf"}  # each item has the file
    assert records[0].raw.name == records[1].raw.name  # one stored original
    assert Person.objects.count() == 1


def test_two_addresses_of_one_board_make_one_item(receive, invoices, admin_user, finance):
    services.create_address(by=admin_user, board=finance, data={"address": "billing@tandem.test"})
    message = receive(mail(), recipients=("invoices@tandem.test", "billing@tandem.test"))
    assert message.status == MessageStatus.PROCESSED
    assert Item.objects.count() == 1 and InboundMessage.objects.count() == 1


def test_without_envelope_recipients_the_to_and_cc_headers_name_the_boards(invoices, support):
    raw = mail(Cc="Support <support@tandem.test>")  # To: invoices@ (the default)
    services.deliver(raw, sender="vera@vendor.example", via="imap")
    assert services.process_waiting() == 1
    assert sorted(Item.objects.values_list("board__name", flat=True)) == ["Finance", "Support"]


def test_a_sender_refused_at_one_board_still_reaches_the_other(invoices, support, admin_user):
    services.update_address(
        invoices, by=admin_user, data={"senders": SenderPolicy.DOMAIN, "domains": "tandem.test"}
    )
    services.deliver(mail(), sender="vera@vendor.example", recipients=["invoices@tandem.test", "support@tandem.test"], via="smtp")  # fmt: skip
    services.process_waiting()
    assert dict(InboundMessage.objects.values_list("address__address", "status")) == {
        "invoices@tandem.test": MessageStatus.REJECTED,
        "support@tandem.test": MessageStatus.PROCESSED,
    }
    assert list(Item.objects.values_list("board__name", flat=True)) == ["Support"]
