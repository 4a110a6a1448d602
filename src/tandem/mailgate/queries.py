"""Reads of the mail gateway's records for pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from tandem.contacts.models import Organization, Person
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work.models import Item
from tandem.work.queries import board_visibility


def messages_for_item(item: Item) -> list[InboundMessage]:
    """The mail an item came from and the replies threaded into it, oldest first. Read once for an
    item however often it is asked (its page's e-mail panel and the badges on its texts both ask)."""
    ordered = InboundMessage.objects.order_by("received_at", "id")
    prefetch_related_objects([item], Prefetch("inbound_messages", queryset=ordered))
    return list(item.inbound_messages.all())


def mail_of_customer(record: Organization | Person, *, user: Any) -> QuerySet[InboundMessage]:
    """The mail a customer sent that made or threaded into items `user` may see, newest first: a
    person's own, an organization's own and its people's."""
    if isinstance(record, Person):
        mine = Q(person=record)
    else:
        mine = Q(organization=record) | Q(person__memberships__organization=record)
    return (
        InboundMessage.objects.filter(mine, status__in=[MessageStatus.PROCESSED, MessageStatus.THREADED])
        .filter(board_visibility(user, through="item__board__"))
        .select_related("item")
        .distinct()
        .order_by("-received_at", "-id")
    )
