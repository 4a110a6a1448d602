"""Work items' due dates on the calendar (tandem.core.dated), registered in WorkConfig.ready(): the
open items one may see (private boards stay hidden), each linking to its page; dragging one to
another day changes its due date through work's services. A deal's day on the calendar is its
expected close, which sales registers, so deals are left out here: one entry per record."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.accounts.roles import Permission, can
from tandem.core.dated import DatedEntry, register_dated_source
from tandem.core.errors import NotFound
from tandem.work import services
from tandem.work.models import ItemState, ItemType
from tandem.work.queries import get_item_for_user, items_visible_to

KEY = "item-due"
MAX_ENTRIES = 500


def due_items(user: Any, start: date, end: date, people: Collection[int] | None) -> list[DatedEntry]:
    if not can(user, Permission.VIEW_WORK):
        return []
    rows = (
        items_visible_to(user)
        .filter(state=ItemState.OPEN, due_date__gte=start, due_date__lt=end)
        .exclude(type=ItemType.DEAL)
    )
    if people is not None:
        rows = rows.filter(assignees__in=list(people)).distinct()
    may_edit = can(user, Permission.EDIT_WORK)
    return [
        DatedEntry(
            source=KEY,
            pk=item.pk,
            title=item.title,
            day=item.due_date,
            url=item.get_absolute_url(),
            movable=may_edit,
        )
        for item in rows.order_by("due_date", "pk")[:MAX_ENTRIES]
        if item.due_date is not None
    ]


def move_due_date(user: Any, pk: int, day: date) -> None:
    item = get_item_for_user(user, pk)
    if item.type == ItemType.DEAL:
        raise NotFound(str(_("Not found.")))
    services.update_item(item, by=user, version=None, data={"due_date": day})


def register() -> None:
    register_dated_source(KEY, _("Due"), entries=due_items, move=move_due_date)
