from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from tandem.activity.models import HistoryEntry

TIMELINE_PAGE = 30
# A part of a scope with more ids than this is read by walking the newest history of its type and
# keeping the rows whose record is in it (EXISTS, one index probe a row) instead of reading each
# record's own history (IN: one index range per id, then a sort of all their rows). At 31 rows a
# page the walk reads about 31 x (records of the type / ids in the part) rows, so it wins once the
# part holds a few thousand ids; below that the records' own history is cheaper.
LARGE_PART = 2000


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
        # `at <= ...` first: an index range that starts at the cursor instead of the newest row
        entries = entries.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    # One query per part of the scope, each the newest `limit + 1` of its own, then merged: one OR
    # over several subqueries makes planners scan the whole table. A small part reads its records'
    # own history (history_target_at); a large one (more than LARGE_PART ids, or all records of
    # the type) walks the newest history of the type (history_type_at) and stops after `limit + 1`.
    found: dict[int, HistoryEntry] = {}
    large = iter(_more_than(LARGE_PART, [ids for _type, ids in scope if isinstance(ids, QuerySet)]))
    for target_type, ids in scope:
        part = entries.filter(target_type=target_type)
        if isinstance(ids, QuerySet) and next(large):
            part = part.filter(Exists(_matching(ids, OuterRef("target_id"))))
        elif ids is not None:
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


def _more_than(n: int, subqueries: list[QuerySet[Any]]) -> list[bool]:
    """Whether each subquery of ids yields more than `n` rows, each counted up to n + 1 (an index
    range of at most n + 1 entries), all in one query."""
    if not subqueries:
        return []
    counts: list[str] = []
    params: list[Any] = []
    for ids in subqueries:
        sql, sql_params = ids.order_by()[: n + 1].query.get_compiler(using=ids.db).as_sql()
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS part)")  # noqa: S608 - Django's SQL, values bound
        params.extend(sql_params)
    with connections[subqueries[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts), params)
        row = cursor.fetchone()
    return [count > n for count in row]


def _matching(ids: QuerySet[Any], target_id: OuterRef) -> QuerySet[Any]:
    """The rows of a subquery of ids (`.values("item_id")`, `.values("pk")`) whose id is `target_id`."""
    field = ids.query.values_select[0] if ids.query.values_select else "pk"
    return ids.order_by().filter(**{field: target_id})
