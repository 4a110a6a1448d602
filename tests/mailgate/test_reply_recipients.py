"""A reply e-mailed from an item goes to the address the page shows: the sender of the mail that made
the item, or a contact the replier picks. A Reply-To a later message names (the invoice-fraud path:
a known From, `Reply-To: attacker@…`, `[#N]` in the subject) or a later sender the item does not
know is offered, labelled, but never silently takes the reply."""

from __future__ import annotations

import pytest

from tandem.contacts import services as contacts
from tandem.core.errors import InvalidInput
from tandem.mailgate import services
from tandem.mailgate.models import MessageStatus, SentMessage
from tandem.mailgate.recipients import reply_recipients
from tandem.work import services as work
from tandem.work.models import Comment
from tests.conftest import login
from tests.mailgate.conftest import mail

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _memory_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }


def test_the_reply_to_is_sent_to_only_when_chosen_and_then_named(invoice_item, fay):
    offered = reply_recipients(invoice_item)
    assert [(c.address, c.why, c.default) for c in offered.choices] == [
        ("info@northwind.example", "sender", True),
        ("attacker@evil.example", "reply_to", False),
    ]
    assert offered.default.address == "info@northwind.example"
    chosen = services.email_reply(
        invoice_item, by=fay, body="Confirming by mail.", to="Attacker@Evil.example"
    )
    assert chosen.to == "attacker@evil.example" and chosen.in_reply_to == "<fraud@evil.example>"
    assert "E-mailed to attacker@evil\\.example" in chosen.comment.body


def test_an_address_not_offered_is_refused_and_nothing_is_sent(invoice_item, fay):
    comments = Comment.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.email_reply(invoice_item, by=fay, body="Hello", to="someone@else.example")
    assert refused.value.field == "to" and "info@northwind.example" in refused.value.message
    assert not SentMessage.objects.exists() and Comment.objects.count() == comments


def test_a_contact_of_the_item_may_be_chosen_and_a_later_unknown_sender_only_explicitly(
    receive, invoices, fay, admin_user
):
    item = receive(mail()).item
    accounts = contacts.create_person(
        by=admin_user,
        data={"first_name": "Anna", "last_name": "Accounts", "emails": [{"email": "anna@vendor.example"}]},
    )
    work.update_item(item, by=fay, version=None, data={"people": [*item.people.all(), accounts]})
    # someone the item does not know answers in its thread (they had the Message-ID)
    stranger = receive(
        mail(
            sender="Mallory <mallory@elsewhere.example>",
            message_id="<m@x>",
            In_Reply_To="<4711@vendor.example>",
        )
    )
    assert stranger.status == MessageStatus.THREADED
    offered = reply_recipients(item)
    assert [(c.address, c.why, c.default) for c in offered.choices] == [
        ("vera@vendor.example", "sender", True),
        ("anna@vendor.example", "contact", True),
        ("mallory@elsewhere.example", "new_sender", False),
    ]
    assert offered.default.address == "vera@vendor.example"
    to_anna = services.email_reply(item, by=fay, body="Could you check this?", to="anna@vendor.example")
    assert to_anna.to == "anna@vendor.example" and to_anna.in_reply_to == ""  # she never wrote
    assert "E-mailed to Anna Accounts \\<anna@vendor\\.example\\>" in to_anna.comment.body
    assert services.email_reply(item, by=fay, body="Who are you?", to="mallory@elsewhere.example").to == (
        "mallory@elsewhere.example"
    )
    assert services.email_reply(item, by=fay, body="Default").to == "vera@vendor.example"


def test_an_item_that_came_by_no_mail_offers_no_reply(fay, finance, invoices):
    by_hand = work.create_item(by=fay, board=finance, data={"title": "Made by hand"})
    assert reply_recipients(by_hand).choices == []
    assert "Reply by e-mail" not in login(fay).get(f"/items/{by_hand.pk}/").content.decode()


def test_mail_into_an_item_no_mail_made_replies_to_its_contact_or_asks_whom(
    receive, invoices, finance, fay, admin_user
):
    anna = contacts.create_person(
        by=admin_user,
        data={"first_name": "Anna", "last_name": "Accounts", "emails": [{"email": "anna@vendor.example"}]},
    )
    item = work.create_item(by=fay, board=finance, data={"title": "Made by hand", "people": [anna]})
    asks = receive(
        mail(sender="Anna <anna@vendor.example>", subject=f"Re: [#{item.pk}] A question", message_id="<a@x>")
    )
    assert asks.status == MessageStatus.THREADED and asks.item == item
    assert [(c.address, c.why, c.default) for c in reply_recipients(item).choices] == [
        ("anna@vendor.example", "contact", True)
    ]
    # once she is off the item, nothing known is left: the replier must say whom
    work.update_item(item, by=fay, version=None, data={"people": []})
    assert [(c.address, c.why, c.default) for c in reply_recipients(item).choices] == [
        ("anna@vendor.example", "new_sender", False)
    ]
    with pytest.raises(InvalidInput) as asked:
        services.email_reply(item, by=fay, body="Hello")
    assert asked.value.message == "Choose whom the reply goes to: anna@vendor.example."
    html = login(fay).get(f"/items/{item.pk}/").content.decode()
    assert '<option value="" selected>Choose whom the reply goes to</option>' in html
    assert (
        services.email_reply(item, by=fay, body="Hello", to="anna@vendor.example").to == "anna@vendor.example"
    )
