"""Reads of rituals. A ritual is seen by whoever sees both its board (work's visibility: a private
board hides it) and its event (the calendar's visibility); for everyone else it does not exist.
The finance run's review is the board's open items the reader may see, oldest first, with the
blocking links of each in both directions (one query for all of them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.agenda.models import Attendee, Event
from tandem.agenda.queries import event_visibility, occurrences
from tandem.agenda.recurrence import Occurrence
from tandem.core.errors import NotFound
from tandem.rituals.models import Minutes, Ritual, RitualKind
from tandem.work.models import Item, ItemLink, ItemState, LinkKind
from tandem.work.queries import board_visibility, items_visible_to, visible_item_ids

REVIEW_LIMIT = 300


def ritual_visibility(user: Any) -> Q:
    return board_visibility(user, through="board__") & Q(
        event__in=Event.objects.filter(event_visibility(user)).values("pk")
    )


def rituals_for(user: User) -> QuerySet[Ritual]:
    require(user, Permission.VIEW_WORK)
    return (
        Ritual.objects.filter(ritual_visibility(user))
        .select_related("event", "event__calendar", "board")
        .order_by("name", "id")
    )


def get_ritual_for_user(user: User, pk: int) -> Ritual:
    ritual = rituals_for(user).filter(pk=pk).first()
    if ritual is None:
        raise NotFound(_("There is no such ritual."))
    return ritual


def rituals_of_event(user: User, event: Event) -> list[Ritual]:
    series_id = event.master_id or event.pk
    return list(rituals_for(user).filter(event_id=series_id))


def rituals_of_board(user: User, board_id: int) -> list[Ritual]:
    return list(rituals_for(user).filter(board_id=board_id))


# --- Occurrences -------------------------------------------------------------------------------


def occurrences_of(ritual: Ritual, start: datetime, end: datetime) -> list[Occurrence]:
    """The series' occurrences in [start, end) (overrides answer for theirs, cancelled left out)."""
    series = ritual.event
    rows = [series, *Event.objects.filter(master=series).select_related("calendar")]
    return [o for o in occurrences(rows, start, end) if o.event.status != "cancelled"]


def original_start(occurrence: Occurrence) -> datetime:
    """How an occurrence is named: its original start in the series."""
    return occurrence.recurrence_id or occurrence.start


def occurrence_choices(ritual: Ritual, *, now: datetime | None = None) -> list[Occurrence]:
    """Recent and coming occurrences to choose from: up to eight past ones and the next one."""
    now = now or timezone.now()
    window = timedelta(days=70 if ritual.kind == RitualKind.FINANCE_RUN else 270)
    found = occurrences_of(ritual, now - window, now + timedelta(days=45))
    past = [o for o in found if o.start <= now][-8:]
    coming = [o for o in found if o.start > now][:1]
    return [*past, *coming]


def current_occurrence(
    ritual: Ritual, choices: list[Occurrence], *, now: datetime | None = None
) -> Occurrence | None:
    """The occurrence a page shows first. A finance run: today's (or the next one; else the last).
    A board meeting: the last one that has begun (minutes are written after it), else the next."""
    now = now or timezone.now()
    if not choices:
        return None
    if ritual.kind == RitualKind.FINANCE_RUN:
        today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        return next((o for o in choices if o.end >= today), choices[-1])
    begun = [o for o in choices if o.start <= now]
    return begun[-1] if begun else choices[0]


def find_occurrence(ritual: Ritual, moment: datetime) -> Occurrence | None:
    """The occurrence whose original start is `moment`."""
    for occurrence in occurrences_of(ritual, moment - timedelta(days=40), moment + timedelta(days=40)):
        if original_start(occurrence) == moment:
            return occurrence
    return None


def attendees_of(occurrence: Occurrence) -> list[Attendee]:
    return list(
        Attendee.objects.filter(event=occurrence.event, user__isnull=False)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


# --- The finance run's review --------------------------------------------------------------------


@dataclass
class LinkEnd:
    """The other end of a blocking link as the reader may see it."""

    pk: int | None
    reference: str
    title: str
    is_open: bool
    url: str
    hidden: bool = False


@dataclass
class ReviewRow:
    item: Item
    age_days: int
    overdue: bool
    blocked_by: list[LinkEnd] = field(default_factory=list)
    blocks: list[LinkEnd] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(end.is_open for end in self.blocked_by)


def _end(item: Item, *, seen: set[int]) -> LinkEnd:
    if item.pk not in seen:
        return LinkEnd(
            pk=None, reference="", title=_("a private item"), is_open=item.is_open, url="", hidden=True
        )
    return LinkEnd(
        pk=item.pk,
        reference=item.reference,
        title=item.title,
        is_open=item.is_open,
        url=item.get_absolute_url(),
    )


def review_items(user: User, ritual: Ritual) -> QuerySet[Item]:
    """The board's open items `user` may see, oldest first."""
    require(user, Permission.VIEW_WORK)
    return (
        items_visible_to(user)
        .filter(board_id=ritual.board_id, state=ItemState.OPEN)
        .select_related("column")
        .prefetch_related("assignees")
        .order_by("created_at", "pk")
    )


def review(
    user: User, ritual: Ritual, *, today: date | None = None, only: list[int] | None = None
) -> list[ReviewRow]:
    """The review's rows: the open items oldest first (at most REVIEW_LIMIT), each with its age,
    whether it is overdue, and the blocking links in both directions (a private end unnamed)."""
    today = today or timezone.localdate()
    items = review_items(user, ritual)
    if only is not None:
        items = items.filter(pk__in=only)
    rows = [
        ReviewRow(
            item=item,
            age_days=max((today - timezone.localtime(item.created_at).date()).days, 0),
            overdue=item.due_date is not None and item.due_date < today,
        )
        for item in items[:REVIEW_LIMIT]
    ]
    ids = [row.item.pk for row in rows]
    if not ids:
        return rows
    links = list(
        ItemLink.objects.filter(kind=LinkKind.BLOCKS)
        .filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        .select_related("source", "target")
        .order_by("pk")
    )
    others = {link.source_id for link in links} | {link.target_id for link in links}
    seen = visible_item_ids(user, others)
    blocked_by: dict[int, list[LinkEnd]] = defaultdict(list)
    blocks: dict[int, list[LinkEnd]] = defaultdict(list)
    for link in links:
        blocked_by[link.target_id].append(_end(link.source, seen=seen))
        blocks[link.source_id].append(_end(link.target, seen=seen))
    for row in rows:
        # open blockers first: they are what keeps the item from closing
        row.blocked_by = sorted(blocked_by.get(row.item.pk, []), key=lambda end: not end.is_open)
        row.blocks = blocks.get(row.item.pk, [])
    return rows


# --- Minutes -------------------------------------------------------------------------------------


def minutes_of(ritual: Ritual, moment: datetime) -> Minutes | None:
    return Minutes.objects.filter(ritual=ritual, occurrence_start=moment).first()


def minutes_list(ritual: Ritual) -> dict[datetime, Minutes]:
    return {
        m.occurrence_start: m
        for m in Minutes.objects.filter(ritual=ritual).only("pk", "occurrence_start", "ritual_id", "version")
    }


def converted_items(user: User, minutes: Minutes) -> list[Item]:
    """The items the minutes' action lines became, those the reader may see."""
    ids = list(minutes.actions.values_list("item_id", flat=True))
    return list(items_visible_to(user).filter(pk__in=ids).prefetch_related("assignees").order_by("pk"))
