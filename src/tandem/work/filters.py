"""One definition of how items are filtered and sorted. The board page, a column's "more" page, the
list view, bulk actions and the API all parse their parameters with `ItemFilters.parse` and narrow
with `ItemFilters.apply`, so a filter means the same thing everywhere and sits in the URL."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import InvalidInput
from tandem.core.numbers import id_or_none
from tandem.core.search import filter_by_text
from tandem.work.models import Item, ItemState, ItemType

DUE_CHOICES = ("overdue", "today", "week", "month", "none")
STATE_CHOICES = ("open", "closed", "all")
# name -> ORDER BY; every ordering ends in a unique key so pages never overlap
ORDERINGS: dict[str, tuple[str, ...]] = {
    "rank": ("rank",),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "due": ("due_date", "id"),
    "-due": ("-due_date", "-id"),
    "priority": ("priority", "id"),
    "-priority": ("-priority", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "id": ("id",),
    "-id": ("-id",),
}
MAX_LABELS = 10


def _one(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if isinstance(value, list | tuple):
        value = value[-1] if value else ""
    return str(value or "").strip()


def _many(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else params.get(name) or []
    if isinstance(values, str):
        values = [values]
    return [str(v).strip() for v in values if str(v).strip()]


def _date(params: Mapping[str, Any], name: str) -> date | None:
    text = _one(params, name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Enter a date as YYYY-MM-DD."), field=name) from None


def _id(text: str, field: str) -> int:
    number = id_or_none(text)
    if number is None:
        raise InvalidInput(_("Choose one of the offered values."), field=field)
    return number


@dataclasses.dataclass(frozen=True)
class ItemFilters:
    q: str = ""
    assignee: str = ""  # a user id, "me" or "none"
    labels: tuple[str, ...] = ()  # label names; an item must carry all of them
    due: str = ""  # one of DUE_CHOICES
    due_after: date | None = None
    due_before: date | None = None
    state: str = ""  # "" = as the view shows by default
    type: str = ""
    board: int | None = None
    column: int | None = None
    parent: int | None = None
    ordering: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> ItemFilters:
        """Read filters from query parameters; a value that means nothing is an InvalidInput."""
        assignee = _one(params, "assignee")
        if assignee and assignee not in {"me", "none"}:
            _id(assignee, "assignee")
        due = _one(params, "due")
        if due and due not in DUE_CHOICES:
            raise InvalidInput(_("Choose one of the offered values."), field="due")
        state = _one(params, "state")
        if state and state not in STATE_CHOICES:
            raise InvalidInput(_("Choose one of the offered values."), field="state")
        kind = _one(params, "type")
        if kind and kind not in ItemType.values:
            raise InvalidInput(_("Choose one of the offered values."), field="type")
        ordering = _one(params, "ordering")
        if ordering and ordering not in ORDERINGS:
            raise InvalidInput(_("Choose one of the offered values."), field="ordering")
        labels = tuple(dict.fromkeys(_many(params, "label")))
        if len(labels) > MAX_LABELS:
            raise InvalidInput(
                _("Filter by at most %(count)d labels.") % {"count": MAX_LABELS}, field="label"
            )
        numbers = {name: _one(params, name) for name in ("board", "column", "parent")}
        return cls(
            q=_one(params, "q")[:200],
            assignee=assignee,
            labels=labels,
            due=due,
            due_after=_date(params, "due_after"),
            due_before=_date(params, "due_before"),
            state=state,
            type=kind,
            board=_id(numbers["board"], "board") if numbers["board"] else None,
            column=_id(numbers["column"], "column") if numbers["column"] else None,
            parent=_id(numbers["parent"], "parent") if numbers["parent"] else None,
            ordering=ordering,
        )

    def apply(self, queryset: QuerySet[Item], *, user: Any) -> QuerySet[Item]:
        qs = queryset
        if self.board is not None:
            qs = qs.filter(board_id=self.board)
        if self.column is not None:
            qs = qs.filter(column_id=self.column)
        if self.parent is not None:
            qs = qs.filter(parent_id=self.parent)
        if self.assignee == "me":
            qs = qs.filter(assignees=user)
        elif self.assignee == "none":
            qs = qs.filter(assignees__isnull=True)
        elif self.assignee:
            qs = qs.filter(assignees=int(self.assignee))
        for name in self.labels:
            qs = qs.filter(labels__name__iexact=name)
        if self.labels:
            qs = qs.distinct()  # a board label and a global one may share a name
        if self.state in {ItemState.OPEN, ItemState.CLOSED}:
            qs = qs.filter(state=self.state)
        if self.type:
            qs = qs.filter(type=self.type)
        qs = self._due(qs)
        if self.q:
            reference = id_or_none(self.q.lstrip("#"))
            if reference is not None:
                qs = qs.filter(pk=reference)
            else:
                qs = filter_by_text(qs, self.q, "work_item_fts")
        return qs

    def _due(self, qs: QuerySet[Item]) -> QuerySet[Item]:
        today = timezone.localdate()
        if self.due == "overdue":
            qs = qs.filter(state=ItemState.OPEN, due_date__lt=today)
        elif self.due == "today":
            qs = qs.filter(due_date=today)
        elif self.due == "week":
            qs = qs.filter(due_date__gte=today, due_date__lte=today + timedelta(days=7))
        elif self.due == "month":
            qs = qs.filter(due_date__gte=today, due_date__lte=today + timedelta(days=31))
        elif self.due == "none":
            qs = qs.filter(due_date__isnull=True)
        if self.due_after is not None:
            qs = qs.filter(due_date__gte=self.due_after)
        if self.due_before is not None:
            qs = qs.filter(due_date__lte=self.due_before)
        return qs

    def order(self, queryset: QuerySet[Item], default: str = "rank") -> QuerySet[Item]:
        return queryset.order_by(*ORDERINGS[self.ordering or default])

    @property
    def active(self) -> bool:
        """Whether anything narrows the items (the board shows a "clear filters" link)."""
        return bool(
            self.q
            or self.assignee
            or self.labels
            or self.due
            or self.due_after
            or self.due_before
            or self.type
        )

    def query_string(self, **overrides: Any) -> str:
        """The filters as URL parameters (what the board keeps in its address and saved views store)."""
        values = {**dataclasses.asdict(self), **overrides}
        pairs: list[tuple[str, str]] = []
        for name, value in values.items():
            if name == "labels":
                pairs += [("label", label) for label in value]
            elif value not in (None, "", ()):
                pairs.append((name, value.isoformat() if isinstance(value, date) else str(value)))
        return urlencode(pairs)
