"""Deals' expected close dates on the calendar (tandem.core.dated), registered in
SalesConfig.ready(): the open deals one may see (private boards stay hidden), each linking to its
page; dragging one to another day changes its expected close through sales' services."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.accounts.roles import Permission, can
from tandem.core.dated import DatedEntry, register_dated_source
from tandem.sales import services
from tandem.sales.queries import deals_for, get_deal_for_user
from tandem.work.models import ItemState

KEY = "deal-close"
MAX_ENTRIES = 500


def closing_deals(user: Any, start: date, end: date, people: Collection[int] | None) -> list[DatedEntry]:
    if not can(user, Permission.VIEW_WORK):
        return []
    rows = (
        deals_for(user)
        .filter(item__state=ItemState.OPEN, expected_close__gte=start, expected_close__lt=end)
        .select_related("item")
    )
    if people is not None:
        rows = rows.filter(owner_id__in=list(people))
    may_edit = can(user, Permission.EDIT_WORK)
    return [
        DatedEntry(
            source=KEY,
            pk=deal.pk,
            title=deal.item.title,
            day=deal.expected_close,
            url=deal.item.get_absolute_url(),
            movable=may_edit,
        )
        for deal in rows.order_by("expected_close", "pk")[:MAX_ENTRIES]
        if deal.expected_close is not None
    ]


def move_expected_close(user: Any, pk: int, day: date) -> None:
    services.update_deal(get_deal_for_user(user, pk), by=user, data={"expected_close": day})


def register() -> None:
    register_dated_source(KEY, _("Expected close"), entries=closing_deals, move=move_expected_close)
