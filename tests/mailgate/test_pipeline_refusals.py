"""From the spool to items: the mail the worker refuses, quarantines or sets aside (unknown
recipients, sender policies, automatic mail, the rate limit, archived boards, unreadable mail,
Tandem's own faults) and reprocessing it (tandem.mailgate.services)."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts import services as contacts
from tandem.contacts.models import Person
from tandem.mailgate import services
from tandem.mailgate.listener import AddressBook
from tandem.mailgate.models import InboundMessage, MessageStatus, SenderPolicy
from tandem.mailgate.recipients import reply_recipients
from tandem.mailgate.services import inbound
from tandem.notifications.models import Outbox
from tandem.work import services as work
from tandem.work.models import Comment, Item
from tests.mailgate.conftest import mail
from tests.mailgate.signing import dmarc_pass

pytestmark = pytest.mark.django_db


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


def test_an_unreadable_message_is_quarantined_with_its_reason_and_kept(receive, invoices, admin_user):
    message = receive(b"\x00\x01 this is not a message at all")
    assert message.status == MessageStatus.QUARANTINED and message.reason
    with message.raw.open("rb") as raw:
        assert raw.read() == b"\x00\x01 this is not a message at all"
    assert services.reprocess(message, by=admin_user).status == MessageStatus.QUARANTINED


def test_a_fault_while_processing_quarantines_the_message_and_the_rest_goes_on(invoices, monkeypatch):
    calls = []
    real = inbound._new_item

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("disk on fire")
        return real(*args, **kwargs)

    monkeypatch.setattr(inbound, "_new_item", failing_once)
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

    real = inbound.receive

    def failing(raw, envelope, **kwargs):
        if b"<h1@x>" in raw:
            raise RuntimeError("cannot read this one")
        return real(raw, envelope, **kwargs)

    def no_record(*args, **kwargs):
        raise DataError("value cannot be stored")

    monkeypatch.setattr(inbound, "receive", failing)
    monkeypatch.setattr(inbound, "_quarantine_raw", no_record)
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
