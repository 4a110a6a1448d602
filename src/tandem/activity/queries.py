from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.activity.models import HistoryEntry

TIMELINE_PAGE = 30


def history_for(target_type: str, target_id: int, *, limit: int = 50) -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(target_type=target_type, target_id=target_id).select_related("actor")[
        :limit
    ]


# A timeline's scope: (target type, the ids of that type: a list or a subquery of ids; None: all)
Scope = Sequence[tuple[str, Any]]


def customer_scope(organization: Any) -> Scope:
    """An organization and everything linked to it: its people and the items (deals among them)
    linked to it. The ids are subqueries, so a big customer's thousands of people never travel."""
    from tandem.contacts.models import Membership
    from tandem.work.models import Item

    return [
        ("organization", [organization.pk]),
        ("person", Membership.objects.filter(organization=organization).values("person_id")),
        ("item", Item.organizations.through.objects.filter(organization=organization).values("item_id")),
    ]


def person_scope(person: Any) -> Scope:
    """A person and the items they are linked to."""
    from tandem.work.models import Item

    return [
        ("person", [person.pk]),
        ("item", Item.people.through.objects.filter(person=person).values("item_id")),
    ]


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """`<ISO time>_<id>` of the last row shown, or None (from the start) when it is not one."""
    at, _sep, pk = (text or "").rpartition("_")
    try:
        moment = datetime.fromisoformat(at)
        return (moment if moment.tzinfo else timezone.make_aware(moment), int(pk))
    except ValueError:
        return None


def cursor_of(entry: HistoryEntry) -> str:
    return f"{entry.at.isoformat()}_{entry.pk}"


@dataclass
class TimelinePage:
    days: list[tuple[date, list[HistoryEntry]]]  # newest first, in the reader's time zone
    more: str | None  # the cursor of the next page, if there is one


def timeline(
    scope: Scope,
    *,
    before: tuple[datetime, int] | None = None,
    limit: int = TIMELINE_PAGE,
    verbs: Sequence[str] = (),
    not_by: Any = None,
) -> TimelinePage:
    """The history of every record in `scope`, newest first, one page after `before` (keyset on
    time and id, so a later page costs what the first does); comments are in it as "commented".
    `verbs` keeps only those; `not_by` leaves out what that user did."""
    entries = HistoryEntry.objects.select_related("actor").order_by("-at", "-id")
    if verbs:
        entries = entries.filter(verb__in=list(verbs))
    if not_by is not None:
        entries = entries.exclude(actor=not_by)
    if before is not None:
        at, pk = before
        entries = entries.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    # One query per part of the scope, each the newest `limit + 1` of its own (an index walk
    # either way: the records' own history, or the newest rows of that type when the part is
    # large), then merged: one OR over several subqueries makes planners scan the whole table.
    found: dict[int, HistoryEntry] = {}
    for target_type, ids in scope:
        part = entries.filter(target_type=target_type)
        if ids is not None:
            part = part.filter(target_id__in=ids)
        for entry in part[: limit + 1]:
            found[entry.pk] = entry
    rows = sorted(found.values(), key=lambda e: (e.at, e.pk), reverse=True)[: limit + 1]
    shown = rows[:limit]
    days: list[tuple[date, list[HistoryEntry]]] = []
    for entry in shown:
        day = timezone.localtime(entry.at).date()
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(entry)
    return TimelinePage(days=days, more=cursor_of(shown[-1]) if len(rows) > limit else None)
