"""The history on the pages that show one record (tandem.core.panels): the item page's and the
customer page's timeline, with "Load more"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.contacts.models import Organization, Person
from tandem.core.panels import register_panel
from tandem.feeds.views import timeline_context
from tandem.work.models import Item

HISTORY = 90  # last: under everything else on the page


def item_history(request: HttpRequest, item: Item) -> dict[str, Any]:
    return {"timeline": timeline_context("item", item, request)}


def customer_history(request: HttpRequest, record: Organization | Person) -> dict[str, Any]:
    kind = "organization" if isinstance(record, Organization) else "person"
    return {"timeline": timeline_context(kind, record, request)}


def register() -> None:
    register_panel(
        "item", "history", template="feeds/panels/item_history.html", context=item_history, order=HISTORY
    )
    register_panel(
        "customer",
        "history",
        template="feeds/panels/customer_history.html",
        context=customer_history,
        order=HISTORY,
    )
