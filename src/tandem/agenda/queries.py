"""Reads of calendars and events: who may see which calendar (one definition), occurrences in a
range, and free/busy.

Visibility (`calendar_visibility`): admins and Tandem's own accounts see every calendar; a guest
sees their own calendars and their teams'; everyone else sees their own, their teams', every
calendar that is not private (other people's public calendars, public team calendars) and every
resource. An event is seen by whoever sees its calendar, and by its attendees. Free/busy shows
anyone's busy times (never titles) to those who may see the team directory."""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext as _

from tandem.accounts.models import Team
from tandem.accounts.roles import Permission, Role, can
from tandem.agenda.models import (
    SHORT_SPAN,
    Attendee,
    Booking,
    Calendar,
    CalendarAccount,
    CalendarKind,
    Event,
    EventLink,
    EventStatus,
    FeedToken,
    Response,
    feed_digest,
)
from tandem.agenda.recurrence import Occurrence, expand
from tandem.core.errors import NotFound


def sees_every_calendar(user: Any) -> bool:
    return bool(getattr(user, "is_system", False) or getattr(user, "role", None) == Role.ADMIN)


def calendar_visibility(user: Any, *, through: str = "") -> Q:
    """A filter keeping the calendars `user` may see, or the rows that reach one through `through`
    ("calendar__" for events)."""
    if sees_every_calendar(user):
        return Q()
    if user is None or not getattr(user, "pk", None):
        return Q(pk__in=[])
    mine = Q(**{f"{through}owner": user})
    in_team = Q(**{f"{through}team__in": Team.objects.filter(members=user).values("pk")})
    if user.role == Role.GUEST:
        return mine | in_team
    return mine | in_team | Q(**{f"{through}private": False})


def visible_calendars(user: Any, *, archived: bool = False) -> QuerySet[Calendar]:
    return (
        Calendar.objects.filter(calendar_visibility(user))
        .filter(archived_at__isnull=not archived)
        .select_related("owner", "team")
    )


def get_calendar_for_user(user: Any, pk: int) -> Calendar:
    calendar = (
        Calendar.objects.filter(calendar_visibility(user))
        .select_related("owner", "team")
        .filter(pk=pk)
        .first()
    )
    if calendar is None:
        raise NotFound(_not_found())
    return calendar


def _not_found() -> str:
    return _("There is no such calendar or event.")


def may_write(user: Any, calendar: Calendar) -> bool:
    """Whether `user` may put events on `calendar` (or change its events): their own calendar, a
    calendar of their team, a resource's own calendar for those who manage calendars; admins any."""
    if sees_every_calendar(user):
        return True
    if not can(user, Permission.EDIT_EVENTS) or calendar.archived_at is not None:
        return False
    if calendar.kind == CalendarKind.PERSONAL:
        return calendar.owner_id == user.pk
    if calendar.kind == CalendarKind.TEAM:
        return user.teams.filter(pk=calendar.team_id).exists() or can(user, Permission.MANAGE_CALENDARS)
    return can(user, Permission.MANAGE_CALENDARS)


def may_manage(user: Any, calendar: Calendar) -> bool:
    """Whether `user` may rename, recolour, archive or delete `calendar`."""
    if sees_every_calendar(user):
        return True
    if calendar.kind == CalendarKind.PERSONAL:
        return calendar.owner_id == user.pk and can(user, Permission.EDIT_EVENTS)
    return can(user, Permission.MANAGE_CALENDARS)


def event_visibility(user: Any) -> Q:
    """Events on a calendar `user` sees, and events they are invited to."""
    if sees_every_calendar(user):
        return Q()
    if user is None or not getattr(user, "pk", None):
        return Q(pk__in=[])
    invited = Exists(Attendee.objects.filter(event=OuterRef("pk"), user=user))
    return calendar_visibility(user, through="calendar__") | Q(invited)


def get_event_for_user(user: Any, pk: int) -> Event:
    event = (
        Event.objects.filter(event_visibility(user))
        .select_related("calendar", "master", "organizer")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise NotFound(_not_found())
    return event


def in_range(rows: QuerySet[Event], start: datetime, end: datetime) -> QuerySet[Event]:
    """The rows that may have an occurrence in [start, end): started before its end and not ended
    (for good) before its start."""
    # Three index ranges, not one OR the planners would answer with a scan: the short rows by their
    # start (which is at most SHORT_SPAN before the range), the endless and the ending long ones
    # through the partial indexes on the long rows' last end.
    short = rows.filter(spans_long=False, start__gte=start - SHORT_SPAN, start__lt=end, last_end__gte=start)
    endless = rows.filter(spans_long=True, last_end__isnull=True, start__lt=end)
    ending = rows.filter(spans_long=True, last_end__gte=start, start__lt=end)
    found = (
        short.order_by()
        .values("pk")
        .union(endless.order_by().values("pk"), ending.order_by().values("pk"), all=True)
    )
    return Event.objects.filter(pk__in=found)


def overridden_ids(masters: Iterable[Event]) -> dict[int, list[datetime]]:
    """The recurrence ids of every override of these series (one query), whatever the reader may
    see of the overrides: an override answers for its occurrence even when it is not listed."""
    ids = [event.pk for event in masters if event.recurring and not event.master_id]
    found: dict[int, list[datetime]] = defaultdict(list)
    if ids:
        for master_id, moment in (
            Event.objects.filter(master_id__in=ids).order_by().values_list("master_id", "recurrence_id")
        ):
            if master_id is not None and moment is not None:
                found[master_id].append(moment)
    return found


def occurrences(rows: Sequence[Event], start: datetime, end: datetime) -> list[Occurrence]:
    """Every occurrence of these rows in [start, end), by start."""
    overridden = overridden_ids(rows)
    found = [
        occurrence
        for event in rows
        for occurrence in expand(event, start, end, overridden=overridden.get(event.pk, ()))
    ]
    found.sort(key=lambda each: (each.start, each.end, each.series_id, each.event.pk))
    return found


def occurrences_for(
    user: Any,
    start: datetime,
    end: datetime,
    *,
    calendar: Calendar | None = None,
    attendee: int | None = None,
    people: Collection[int] | None = None,
    teams: Collection[int] = (),
    details: bool = True,
) -> list[Occurrence]:
    """The occurrences `user` may see in [start, end): of one calendar (a resource's: its own events
    and the events booking it), or one user's (invited to, or on their personal calendar), or
    several people's and teams' (`people`: invited or on their personal calendars; `teams`: on the
    teams' calendars). `details=False` leaves the organizers, attendees, bookings and links unread:
    a caller that shows one page of a long answer reads them for that page alone (`with_details`)."""
    rows = Event.objects.filter(event_visibility(user))
    if people is not None:
        invited_any = Exists(Attendee.objects.filter(event=OuterRef("pk"), user_id__in=list(people)))
        rows = rows.filter(
            Q(invited_any)
            | Q(calendar__owner_id__in=list(people), calendar__kind=CalendarKind.PERSONAL)
            | Q(calendar__team_id__in=list(teams), calendar__kind=CalendarKind.TEAM)
        )
    if calendar is not None and calendar.kind == CalendarKind.RESOURCE:
        booked = Exists(Booking.objects.filter(event=OuterRef("pk"), resource=calendar))
        rows = rows.filter(Q(calendar=calendar) | Q(booked))
    elif calendar is not None:
        rows = rows.filter(calendar=calendar)
    if attendee is not None:
        invited = Exists(Attendee.objects.filter(event=OuterRef("pk"), user_id=attendee))
        rows = rows.filter(Q(invited) | Q(calendar__owner_id=attendee, calendar__kind=CalendarKind.PERSONAL))
    rows = in_range(rows, start, end).select_related("calendar", "master")
    found = occurrences(list(rows), start, end)
    return with_details(found) if details else found


def with_details(found: Sequence[Occurrence]) -> list[Occurrence]:
    """These occurrences with their events' organizers, attendees, bookings and links read (four
    queries)."""
    events = list({occurrence.event.pk: occurrence.event for occurrence in found}.values())
    prefetch_related_objects(events, "organizer", "attendees", "bookings", "links")
    return list(found)


# --- Who is busy when ----------------------------------------------------------------------------


def busy_rows(
    *, users: Iterable[int], resources: Iterable[int], start: datetime, end: datetime
) -> QuerySet[Event]:
    """The rows that may make these users or resources busy in [start, end): events they attend
    (unless declined) or on their personal calendars, when the event counts as busy; events that
    book the resources or stand on their calendars, whatever they say. Cancelled ones never."""
    users, resources = list(users), list(resources)
    person = Q(pk__in=[])
    if users:
        person = Q(busy=True) & (
            Q(
                Exists(
                    Attendee.objects.filter(event=OuterRef("pk"), user_id__in=users).exclude(
                        response=Response.DECLINED
                    )
                )
            )
            | Q(calendar__owner_id__in=users, calendar__kind=CalendarKind.PERSONAL)
        )
    thing = Q(pk__in=[])
    if resources:
        thing = Q(calendar_id__in=resources) | Q(
            Exists(Booking.objects.filter(event=OuterRef("pk"), resource_id__in=resources))
        )
    rows = Event.objects.exclude(status=EventStatus.CANCELLED).filter(person | thing)
    return in_range(rows, start, end).select_related("calendar").prefetch_related("attendees", "bookings")


def people_of(event: Event) -> set[int]:
    """The users an event makes busy: its attendees who did not decline, and the owner of the
    personal calendar it is on (when it counts as busy)."""
    if not event.busy:
        return set()
    users = {a.user_id for a in event.attendees.all() if a.user_id and a.response != Response.DECLINED}
    if event.calendar.kind == CalendarKind.PERSONAL and event.calendar.owner_id:
        users.add(event.calendar.owner_id)
    return users


def resources_of(event: Event) -> set[int]:
    """The resources an event occupies: those it books, and the resource whose calendar it is on."""
    found = {booking.resource_id for booking in event.bookings.all()}
    if event.calendar.kind == CalendarKind.RESOURCE:
        found.add(event.calendar_id)
    return found


@dataclass
class FreeBusy:
    users: dict[int, list[tuple[datetime, datetime]]]
    resources: dict[int, list[tuple[datetime, datetime]]]


def _merge(
    spans: list[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for begins, ends in sorted((max(s, start), min(e, end)) for s, e in spans):
        if merged and begins <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], ends))
        else:
            merged.append((begins, ends))
    return merged


def free_busy(*, users: Sequence[int], resources: Sequence[int], start: datetime, end: datetime) -> FreeBusy:
    """The busy spans (merged, clipped to the range) of each user and resource in [start, end)."""
    rows = list(busy_rows(users=users, resources=resources, start=start, end=end))
    spans_of_user: dict[int, list[tuple[datetime, datetime]]] = {uid: [] for uid in users}
    spans_of_resource: dict[int, list[tuple[datetime, datetime]]] = {rid: [] for rid in resources}
    for occurrence in occurrences(rows, start, end):
        span = (occurrence.start, occurrence.end)
        for uid in people_of(occurrence.event) & spans_of_user.keys():
            spans_of_user[uid].append(span)
        for rid in resources_of(occurrence.event) & spans_of_resource.keys():
            spans_of_resource[rid].append(span)
    return FreeBusy(
        users={uid: _merge(spans, start, end) for uid, spans in spans_of_user.items()},
        resources={rid: _merge(spans, start, end) for rid, spans in spans_of_resource.items()},
    )


# --- Feeds (secret iCalendar addresses) -----------------------------------------------------------

FEED_PAST = timedelta(days=90)


def feed_by_secret(secret: str) -> FeedToken | None:
    """The live feed a secret opens: found by the secret's digest, compared in constant time, and
    only while its holder is an active user who still sees its calendar (None: answer 404)."""
    if not secret or len(secret) > 128 or not secret.isascii():
        return None
    token = FeedToken.objects.filter(digest=feed_digest(secret)).select_related("user", "calendar").first()
    if token is None or not hmac.compare_digest(token.secret, secret):
        return None
    holder = token.user
    if not holder.is_active or getattr(holder, "is_system", False):
        return None
    if token.calendar_id is not None and not visible_calendars(holder).filter(pk=token.calendar_id).exists():
        return None  # archived, deleted, or made private to the holder since
    return token


def feeds_of(user: Any) -> list[FeedToken]:
    return list(
        FeedToken.objects.filter(user=user).select_related("calendar").order_by("calendar__name", "pk")
    )


def feed_series(token: FeedToken, *, now: datetime) -> QuerySet[Event]:
    """The series (and single events) a feed carries, whole, with what vevents_of needs: those its
    holder may see — on the feed's calendar (a resource's: also those booking it), or (the holder's
    own feed) those they organize, attend or have on their own calendar — that have not ended more
    than 90 days ago. Series come whole (RRULE), never expanded."""
    holder = token.user
    rows = Event.objects.filter(event_visibility(holder), master=None, calendar__archived_at=None)
    if token.calendar_id is not None:
        booked = Exists(Booking.objects.filter(event=OuterRef("pk"), resource_id=token.calendar_id))
        rows = rows.filter(Q(calendar_id=token.calendar_id) | Q(booked))
    else:
        # the holder's rows found from the holder's side (their attendances, the rows they organize,
        # their personal calendar: three index lookups), not by testing every event of the range
        theirs = (
            Attendee.objects.filter(user=holder)
            .order_by()
            .values("event_id")
            .union(
                Event.objects.filter(organizer=holder).order_by().values("pk"),
                Event.objects.filter(calendar__owner=holder, calendar__kind=CalendarKind.PERSONAL)
                .order_by()
                .values("pk"),
                all=True,
            )
        )
        rows = rows.filter(pk__in=theirs)
    rows = rows.filter(Q(last_end__isnull=True) | Q(last_end__gte=now - FEED_PAST))
    return (
        rows.select_related("organizer")
        .prefetch_related(
            "attendees__user",
            "attendees__person__emails",
            Prefetch(
                "overrides",
                queryset=Event.objects.select_related("organizer").prefetch_related(
                    "attendees__user", "attendees__person__emails"
                ),
            ),
        )
        .order_by("start", "pk")
    )


# --- Events of a record ---------------------------------------------------------------------------


def occurrences_linked(
    user: Any,
    start: datetime,
    end: datetime,
    *,
    item: int | None = None,
    organization: int | None = None,
    person: int | None = None,
) -> list[Occurrence]:
    """The occurrences `user` may see in [start, end) of the events linked to a record (an item, an
    organization or a person), cancelled ones left out."""
    link = EventLink.objects.filter(event=OuterRef("pk"))
    if item is not None:
        link = link.filter(item_id=item)
    elif organization is not None:
        link = link.filter(organization_id=organization)
    elif person is not None:
        link = link.filter(person_id=person)
    else:
        return []
    rows = (
        in_range(Event.objects.filter(event_visibility(user)).filter(Exists(link)), start, end)
        .exclude(status=EventStatus.CANCELLED)
        .select_related("calendar", "organizer", "master")
        .prefetch_related("attendees", "bookings")
    )
    return occurrences(list(rows), start, end)


# --- CalDAV accounts: only their owner sees them ------------------------------------------------------


def accounts_of(user: Any) -> QuerySet[CalendarAccount]:
    if user is None or not getattr(user, "pk", None):
        return CalendarAccount.objects.none()
    return CalendarAccount.objects.filter(user=user).select_related("calendar").order_by("created_at", "pk")


def get_account_for_user(user: Any, pk: int) -> CalendarAccount:
    account = accounts_of(user).filter(pk=pk).first()
    if account is None:
        raise NotFound(_("There is no such calendar connection."))
    return account
