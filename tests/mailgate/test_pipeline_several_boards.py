"""From the spool to items: one message for several boards (tandem.mailgate.services) — an item on
each board it reaches, however the mail server delivers it."""

from __future__ import annotations

import pytest

from tandem.contacts.models import Person
from tandem.mailgate import services
from tandem.mailgate.models import InboundMessage, MessageStatus, SenderPolicy
from tandem.work import services as work
from tandem.work.models import Item
from tests.mailgate.conftest import mail

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the invoice\n" * 50


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
