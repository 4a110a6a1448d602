"""What the mail gateway shows on other apps' pages (tandem.core.panels), registered in
MailgateConfig.ready(): the item page's e-mail section with its reply form (and the "unverified
sender" badges on the item's description and comments that came in by mail), a board's mail
addresses in its header and its settings, and a customer's latest mail on the customer page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tandem.accounts.guards import acting_user
from tandem.contacts.models import Organization, Person
from tandem.core.panels import register_panel
from tandem.mailgate.forms import MailAddressForm
from tandem.mailgate.models import MessageStatus
from tandem.mailgate.queries import mail_of_customer, messages_for_item
from tandem.mailgate.recipients import reply_recipients
from tandem.work import rules
from tandem.work.models import Board, Item

MAIL_ON_CUSTOMER_PAGE = 5


def item_mail(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    """The item page's e-mail section: the messages, the replies sent, and whom a reply may reach
    (the default first and chosen; the others only when the replier picks one). Nothing when the
    item has neither messages nor replies."""
    recipients = reply_recipients(item)
    mail_messages = messages_for_item(item)
    sent_replies = list(item.sent_messages.select_related("sent_by"))
    if not mail_messages and not sent_replies:
        return None
    return {
        "mail_messages": mail_messages,
        "sent_replies": sent_replies,
        "reply_recipients": recipients.choices,
        "reply_known": [c for c in recipients.choices if c.default],
        "reply_named": [c for c in recipients.choices if not c.default],
        "reply_default": recipients.default,
        "reply_from": recipients.sent_from(recipients.default),
    }


def unverified_texts(item: Item) -> dict[str, list[tuple[str, str]]]:
    """The item's description (when mail made the item) and comments (replies threaded into it)
    that came from a sender whose address is not verified."""
    badge = ("text-bg-warning", _("unverified sender"))
    flags: dict[str, list[tuple[str, str]]] = {}
    for message in messages_for_item(item):
        if message.sender_verified:
            continue
        if message.comment_id:
            flags[f"comment:{message.comment_id}"] = [badge]
        if message.status == MessageStatus.PROCESSED:
            flags["description"] = [badge]
    return flags


def board_header_addresses(request: HttpRequest, board: Board) -> dict[str, Any]:
    # a query only when the header is shown (not for a partial refresh of the board)
    return {"mail_addresses": board.mail_addresses.filter(active=True).order_by("address")}


def board_settings_addresses(request: HttpRequest, board: Board) -> dict[str, Any]:
    """The board settings' section of mail addresses: each with its form, and a form for a new one."""
    addresses = list(board.mail_addresses.select_related("assignee").prefetch_related("labels"))
    return {
        "mail_addresses": [(a, MailAddressForm(board=board, instance=a)) for a in addresses],
        "mail_address_form": MailAddressForm(board=board),
        "reply_address": settings.TANDEM_MAIL_REPLY_ADDRESS,
    }


def customer_mail(request: HttpRequest, record: Organization | Person) -> dict[str, Any]:
    return {
        "customer_mail": list(mail_of_customer(record, user=acting_user(request))[:MAIL_ON_CUSTOMER_PAGE])
    }


def register() -> None:
    register_panel("item", "mail", template="mailgate/partials/item_mail.html", context=item_mail, order=30)
    rules.on_texts(unverified_texts)
    register_panel(
        "board",
        "mail",
        template="mailgate/partials/board_header_addresses.html",
        context=board_header_addresses,
        order=10,
    )
    register_panel(
        "board-settings",
        "mail",
        template="mailgate/partials/board_settings_addresses.html",
        context=board_settings_addresses,
        order=10,
    )
    register_panel(
        "customer-cards",
        "mail",
        template="mailgate/partials/customer_mail.html",
        context=customer_mail,
        order=40,
    )
