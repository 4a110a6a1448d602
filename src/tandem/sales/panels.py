"""The deal on its item's page (tandem.core.panels), registered in SalesConfig.ready(): stage,
value, contacts, checklist, documents, activities and stage history, above the item's description."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.core.panels import register_panel
from tandem.work.models import Item, ItemType


def deal(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    """Shown on a deal's item (the template reads the deal through `item.deal`)."""
    return {} if item.type == ItemType.DEAL else None


def register() -> None:
    register_panel("item", "deal", template="sales/partials/deal_panel.html", context=deal, order=10)
