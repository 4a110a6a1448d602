"""Timelines: the history of every record in a scope (tandem.activity.scopes), newest first, a
page at a time with a keyset cursor. A record page's timeline, the feeds and the API's timelines
all read through `timeline()`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.activity.grouping import Group, group_runs
from tandem.activity.models import HistoryEntry
from tandem.activity.queries import mask_private_links, without_hidden_items
from tandem.activity.scopes import Scope

TIMELINE_PAGE = 30
# How a part of a scope given as a subquery is read. A small one through its records' own history
# (an index range per record, then a sort of all their rows: the cost grows with those rows); a
# large one by walking the newest history of its type and keeping the rows of its records (EXISTS,
# an index probe per row read: about TIMELINE_PAGE x (rows of the type / rows of the part) of them
# when its rows are spread evenly in time). Large: more than LARGE_PART records, or more than
# LARGE_PART_ROWS history rows of them. Chosen on 5,000,000 history rows (docs/benchmarks.md): a
# customer's 470 people (16,000 rows) read faster record by record, 700 people (24,000 rows) or
# half a million watched items faster by the walk; counting up to 10,000 records instead of 5,000
# made every home feed of a busy user 8 ms slower.
LARGE_PART = 5000
LARGE_PART_ROWS = 20000


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
    # feeds show runs of alike entries as one line (tandem.activity.grouping); a record's own
    # timeline shows every entry (None)
    group_window: timedelta | None = None

    @property
    def day_groups(self) -> list[tuple[date, list[Group[HistoryEntry]]]]:
        """The days with their entries as lines: runs grouped within the day (and this page)."""
        if self.group_window is None:
            return [(day, [Group([entry], _itself) for entry in entries]) for day, entries in self.days]
        return [(day, group_runs(entries, window=self.group_window)) for day, entries in self.days]


def _itself(entry: HistoryEntry) -> HistoryEntry:
    return entry


def timeline(
    scope: Scope,
    *,
    viewer: User | None,
    before: tuple[datetime, int] | None = None,
    limit: int = TIMELINE_PAGE,
    verbs: Sequence[str] = (),
    not_by: User | None = None,
    generated: bool = True,
    group_window: timedelta | None = None,
) -> TimelinePage:
    """The history of every record in `scope` that `viewer` may see (nothing of items on boards
    private to them), newest first, one page after `before` (keyset on time and id, so a later page
    costs what the first does); comments are in it as "commented". `verbs` keeps only those;
    `not_by` leaves out what that user did; `generated=False` what the demo seeder recorded.
    `group_window`: the page shows runs of alike entries as one line (TimelinePage.day_groups)."""
    entries = without_hidden_items(
        HistoryEntry.objects.select_related("actor").order_by("-at", "-id"), viewer
    )
    if verbs:
        entries = entries.filter(verb__in=list(verbs))
    if not_by is not None:
        entries = entries.exclude(actor=not_by)
    if not generated:
        entries = entries.filter(generated=False)
    if before is not None:
        at, pk = before
        # `at <= ...` first: an index range that starts at the cursor instead of the newest row
        entries = entries.filter(at__lte=at).filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    # One query per part of the scope, each the newest `limit + 1` of its own, then merged: one OR
    # over several subqueries makes planners scan the whole table. A small part reads its records'
    # own history (history_target_at); a large one (see LARGE_PART), or all records of the type,
    # walks the newest history of the type (history_type_at) and stops after `limit + 1`.
    found: dict[int, HistoryEntry] = {}
    large = iter(_large([(kind, ids) for kind, ids in scope if isinstance(ids, QuerySet)]))
    for target_type, ids in scope:
        part = entries.filter(target_type=target_type)
        if isinstance(ids, QuerySet) and next(large):
            part = part.filter(Exists(_matching(ids, OuterRef("target_id"))))
        elif isinstance(ids, QuerySet) and connections[ids.db].vendor == "postgresql":
            from django.contrib.postgres.expressions import ArraySubquery  # PostgreSQL's driver only here

            part = part.filter(_AnyOf(F("target_id"), ArraySubquery(ids.order_by())))
        elif ids is not None:
            part = part.filter(target_id__in=ids)
        for entry in part[: limit + 1]:
            found[entry.pk] = entry
    rows = sorted(found.values(), key=lambda e: (e.at, e.pk), reverse=True)[: limit + 1]
    shown = rows[:limit]
    mask_private_links(shown, viewer)
    days: list[tuple[date, list[HistoryEntry]]] = []
    for entry in shown:
        day = timezone.localtime(entry.at).date()
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(entry)
    return TimelinePage(
        days=days, more=cursor_of(shown[-1]) if len(rows) > limit else None, group_window=group_window
    )


def _large(parts: list[tuple[str, QuerySet[Any]]]) -> list[bool]:
    """Whether each part is large (see LARGE_PART), all in one query: its first LARGE_PART + 1 ids
    and, only when there are not more, their history rows up to LARGE_PART_ROWS + 1 (index entries
    of history_target_at alone), so a part of a million records costs what one of 5,001 does."""
    if not parts:
        return []
    cases: list[str] = []
    params: list[Any] = []
    for kind, ids in parts:
        sql, sql_params = ids.order_by()[: LARGE_PART + 1].query.get_compiler(using=ids.db).as_sql()
        cases.append(
            f"CASE WHEN (SELECT COUNT(*) FROM ({sql}) AS part) > {LARGE_PART} THEN 1 "  # noqa: S608 - Django's SQL, values bound
            f"WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM {HistoryEntry._meta.db_table} WHERE target_type = %s "
            f"AND target_id IN (SELECT * FROM ({sql}) AS part) LIMIT {LARGE_PART_ROWS + 1}) AS part_rows) "
            f"> {LARGE_PART_ROWS} THEN 1 ELSE 0 END"
        )
        params += [*sql_params, kind, *sql_params]
    with connections[parts[0][1].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(cases), params)
        row = cursor.fetchone()
    return [bool(large) for large in row]


class _AnyOf(Lookup):
    """`column = ANY(ARRAY(subquery))`: PostgreSQL runs the subquery once, on its own, and reads
    those records' history through the index. Given `IN (subquery)` it may plan a join that walks
    the newest history of the type instead (150 ms for the 268 people of a customer at 5,000,000
    rows, where reading their own history takes a few)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _matching(ids: QuerySet[Any], target_id: OuterRef) -> QuerySet[Any]:
    """The rows of a subquery of ids (`.values("item_id")`, `.values("pk")`) whose id is `target_id`."""
    field = ids.query.values_select[0] if ids.query.values_select else "pk"
    return ids.order_by().filter(**{field: target_id})
