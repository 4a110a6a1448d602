"""Reads of the mail gateway's records for pages."""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.mailgate.models import InboundMessage
from tandem.work.models import Item


def messages_for_item(item: Item) -> QuerySet[InboundMessage]:
    """The mail an item came from and the replies threaded into it, oldest first."""
    return InboundMessage.objects.filter(item=item).order_by("received_at", "id")
