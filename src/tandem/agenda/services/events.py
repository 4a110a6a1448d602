"""Events: schedule, change, move, cancel and answer them, one occurrence, this and the following
ones, or the whole series (`scope`: "this", "following", "all").

- "this" makes (or changes) an override: a row with the series' UID, `master` and the original
  start of the occurrence as `recurrence_id`; cancelling one occurrence adds an EXDATE.
- "following" splits the series: the old one ends before the occurrence (UNTIL, or a smaller
  COUNT), a new one with a new UID starts at it and takes the later RDATEs, EXDATEs and overrides.
- "all" changes the series. Overrides and EXDATEs stay (odoo#66080): when the series' start moves,
  they move with it by the same wall-clock difference, so they still name their occurrences.

Every write checks double booking (tandem.agenda.conflicts), runs in one transaction, raises the
series' `version` and `sequence`, and records history; reminders are rescheduled with it."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.agenda import conflicts, queries
from tandem.agenda.models import (
    Attendee,
    Booking,
    Calendar,
    CalendarKind,
    Event,
    EventLink,
    EventStatus,
    Response,
    new_uid,
)
from tandem.agenda.recurrence import (
    MAX_RANGE,
    all_day_span,
    count_before,
    expand,
    iso,
    last_end,
    local,
    normalise_rule,
    occurrence_at,
    parse_instant,
    place,
    zone,
)
from tandem.agenda.reminders import schedule_reminders
from tandem.agenda.verbs import AgendaVerb
from tandem.contacts.models import Organization, Person
from tandem.core.errors import InvalidInput, NotAllowed, NotFound
from tandem.core.locking import lock_version
from tandem.work.models import Item

SCOPES = ("this", "following", "all")
SCALARS = (
    "title",
    "description",
    "location",
    "video_url",
    "time_zone",
    "all_day",
    "busy",
    "status",
    "priority",
    "rrule",
    "rdates",
    "exdates",
    "reminders",
)
RELATIONS = ("attendees", "people", "resources", "items", "organizations", "linked_people")
SERIES_ONLY = ("rrule", "rdates", "exdates")
MAX_DATES = 500
MAX_REMINDERS = 5
MAX_REMINDER_MINUTES = 40_320  # four weeks
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


# --- Checking what is sent ------------------------------------------------------------------------


def _instant(value: Any, tz: ZoneInfo, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInput(_("Enter a date and time."), field=field)
    try:
        moment = place(value, tz) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise InvalidInput(_("Enter a date between 1900 and 2200."), field=field) from error
    if not EARLIEST <= moment < LATEST:
        raise InvalidInput(_("Enter a date between 1900 and 2200."), field=field)
    return moment


def _dates(values: Any, tz: ZoneInfo, field: str) -> list[str]:
    if not isinstance(values, list | tuple) or len(values) > MAX_DATES:
        raise InvalidInput(_("Enter at most %(max)s dates.") % {"max": MAX_DATES}, field=field)
    return sorted({iso(_instant(value, tz, field)) for value in values})


def _reminders(values: Any) -> list[int]:
    if not isinstance(values, list | tuple) or len(values) > MAX_REMINDERS:
        raise InvalidInput(_("Enter at most %(max)s reminders.") % {"max": MAX_REMINDERS}, field="reminders")
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_REMINDER_MINUTES:
            raise InvalidInput(
                _("A reminder is a number of minutes from 0 to %(max)s before the start.")
                % {"max": MAX_REMINDER_MINUTES},
                field="reminders",
            )
    return sorted(set(values), reverse=True)


def _apply(event: Event, data: dict[str, Any], *, creating: bool) -> dict[str, list[Any]]:
    """Set the fields `data` names on `event`, checked and normalised; what changed (old, new)."""
    before = {name: getattr(event, name) for name in (*SCALARS, "start", "end")}
    tz = zone(data.get("time_zone", event.time_zone))
    event.time_zone = data.get("time_zone", event.time_zone)
    if "title" in data:
        title = (data["title"] or "").strip()
        if not title:
            raise InvalidInput(_("Give the event a title."), field="title")
        if len(title) > 300:
            raise InvalidInput(_("Enter at most 300 characters."), field="title")
        event.title = title
    for name in ("description", "location"):
        if name in data:
            setattr(event, name, data[name] or "")
    if "video_url" in data:
        url = (data["video_url"] or "").strip()
        if url:
            try:
                URLValidator(schemes=["http", "https"])(url)
            except ValidationError as error:
                raise InvalidInput(_("Enter a web address (https://…)."), field="video_url") from error
        event.video_url = url
    if "priority" in data:
        if not isinstance(data["priority"], int) or not 0 <= data["priority"] <= 9:
            raise InvalidInput(
                _("A priority runs from 0 (none) and 1 (highest) to 9 (lowest)."), field="priority"
            )
        event.priority = data["priority"]
    if "status" in data:
        if data["status"] not in EventStatus.values:
            raise InvalidInput(_("Choose confirmed, tentative or cancelled."), field="status")
        event.status = data["status"]
    if "all_day" in data:
        event.all_day = bool(data["all_day"])
    if "start" in data:
        event.start = _instant(data["start"], tz, "start")
    if "end" in data:
        event.end = _instant(data["end"], tz, "end")
    elif "start" in data and not creating:
        # moved without an end: it keeps its length on the wall clock (an all-day event its days)
        event.end = place(
            local(event.start, tz) + (local(before["end"], tz) - local(before["start"], tz)), tz
        )
    if creating and "end" not in data:
        # an all-day event's span is made whole days below: one day from its start
        event.end = event.start if event.all_day else event.start + timedelta(hours=1)
    if event.all_day:
        event.start, event.end = all_day_span(event.start, event.end, tz)
    if event.end < event.start:
        raise InvalidInput(_("The end must not be before the start."), field="end")
    if event.end - event.start > MAX_RANGE:
        raise InvalidInput(_("An event lasts at most %(days)s days.") % {"days": MAX_RANGE.days}, field="end")
    if "busy" in data:
        event.busy = bool(data["busy"])
    elif creating:
        event.busy = not event.all_day  # an all-day event (a holiday, a birthday) is free time by default
    if "rrule" in data:
        event.rrule = normalise_rule(data["rrule"] or "")
    if "rdates" in data:
        event.rdates = _dates(data["rdates"], tz, "rdates")
    if "exdates" in data:
        event.exdates = _dates(data["exdates"], tz, "exdates")
    if "reminders" in data:
        event.reminders = _reminders(data["reminders"])
    return {
        name: [_plain(before[name]), _plain(getattr(event, name))]
        for name in before
        if before[name] != getattr(event, name) and not (creating and name not in data)
    }


def changes_of(event: Event, data: dict[str, Any]) -> dict[str, list[Any]]:
    """What `data` would change on `event`, checked as a write checks it; nothing is saved (an
    importer writes only what changed)."""
    return _apply(copy.copy(event), data, creating=False)


def _plain(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _set_relations(event: Event, data: dict[str, Any], *, by: User) -> dict[str, list[Any]]:
    """Attendees (users, customer-base people), booked resources and linked records, as sent
    (each list replaces what was there; an attendee who stays keeps their answer)."""
    changes: dict[str, list[Any]] = {}
    if "attendees" in data:
        users: Sequence[User] = data["attendees"]
        old = set(event.attendees.exclude(user=None).values_list("user_id", flat=True))
        new = {user.pk for user in users}
        event.attendees.filter(user_id__in=old - new).delete()
        Attendee.objects.bulk_create(
            [
                Attendee(
                    event=event,
                    user_id=uid,
                    response=Response.ACCEPTED if uid == by.pk else Response.NEEDS_ACTION,
                )
                for uid in sorted(new - old)
            ]
        )
        if old != new:
            changes["attendees"] = [sorted(old), sorted(new)]
    if "people" in data:
        people: Sequence[Person] = data["people"]
        old = set(event.attendees.exclude(person=None).values_list("person_id", flat=True))
        new = {person.pk for person in people}
        event.attendees.filter(person_id__in=old - new).delete()
        Attendee.objects.bulk_create([Attendee(event=event, person_id=pk) for pk in sorted(new - old)])
        if old != new:
            changes["people"] = [sorted(old), sorted(new)]
    if "resources" in data:
        resources: Sequence[Calendar] = data["resources"]
        for resource in resources:
            if resource.kind != CalendarKind.RESOURCE or resource.archived_at is not None:
                raise InvalidInput(
                    _("“%(name)s” is not a resource that can be booked.") % {"name": resource.name},
                    field="resources",
                )
        old = set(event.bookings.values_list("resource_id", flat=True))
        new = {resource.pk for resource in resources}
        event.bookings.filter(resource_id__in=old - new).delete()
        Booking.objects.bulk_create([Booking(event=event, resource_id=pk) for pk in sorted(new - old)])
        if old != new:
            changes["resources"] = [sorted(old), sorted(new)]
    for key, column in (("items", "item"), ("organizations", "organization"), ("linked_people", "person")):
        if key not in data:
            continue
        records: Sequence[Item | Organization | Person] = data[key]
        old = set(event.links.exclude(**{column: None}).values_list(f"{column}_id", flat=True))
        new = {record.pk for record in records}
        event.links.filter(**{f"{column}_id__in": old - new}).delete()
        EventLink.objects.bulk_create(
            [EventLink(event=event, **{f"{column}_id": pk}) for pk in sorted(new - old)]
        )
        if old != new:
            changes[key] = [sorted(old), sorted(new)]
    return changes


def _copy_relations(source: Event, target: Event) -> None:
    Attendee.objects.bulk_create(
        [
            Attendee(
                event=target, user_id=a.user_id, person_id=a.person_id, email=a.email, response=a.response
            )
            for a in source.attendees.all()
        ]
    )
    Booking.objects.bulk_create(
        [Booking(event=target, resource_id=b.resource_id) for b in source.bookings.all()]
    )
    EventLink.objects.bulk_create(
        [
            EventLink(
                event=target, item_id=x.item_id, organization_id=x.organization_id, person_id=x.person_id
            )
            for x in source.links.all()
        ]
    )


# --- Rules every write keeps ----------------------------------------------------------------------


def _may_write(by: User, calendar: Calendar) -> None:
    require(by, Permission.EDIT_EVENTS)
    if not queries.may_write(by, calendar):
        if not queries.visible_calendars(by).filter(pk=calendar.pk).exists():
            raise NotFound(_("There is no such calendar or event."))
        raise NotAllowed(_("You may not put events on this calendar."))


def _series_ids(series: Event) -> set[int]:
    return {series.pk, *Event.objects.filter(master=series).values_list("pk", flat=True)}


def _check_conflicts(rows: Sequence[Event], *, by: User, confirmed: bool, leave_out: set[int]) -> None:
    """No resource double-booked by these rows' occurrences; a person only when `confirmed`."""
    spans: list[tuple[datetime, datetime]] = []
    users: set[int] = set()
    resources: set[int] = set()
    overridden = queries.overridden_ids(rows)
    for row in rows:
        if row.status == EventStatus.CANCELLED:
            continue
        row = (
            Event.objects.select_related("calendar").prefetch_related("attendees", "bookings").get(pk=row.pk)
        )
        ends = row.last_end or row.start + conflicts.HORIZON
        ends = min(ends, row.start + conflicts.HORIZON)
        spans += [
            (o.start, o.end)
            for o in expand(row, row.start, max(ends, row.end), overridden=overridden.get(row.pk, ()))
        ]
        users |= queries.people_of(row)
        resources |= queries.resources_of(row)
    spans.sort()
    conflicts.check(
        spans, users=users, resources=resources, leave_out=leave_out, confirmed=confirmed, viewer=by
    )


def _saved(event: Event) -> None:
    event.last_end = last_end(event)
    event.updated_at = timezone.now()
    event.save()


def _after_change(rows: Sequence[Event]) -> None:
    for row in rows:
        schedule_reminders(row)


# --- Writes -------------------------------------------------------------------------------------


def create_event(
    *,
    by: User,
    calendar: Calendar,
    data: dict[str, Any],
    confirm_conflicts: bool = False,
    uid: str | None = None,
) -> Event:
    """Schedule an event (a series when `data` has an `rrule` or `rdates`) on `calendar`. `data`:
    title, start (required), end, time_zone (default: the calendar's), all_day, busy, description,
    location, video_url, priority, status, rrule, rdates, exdates, reminders, attendees (users),
    people (customer-base people), resources (resource calendars), items, organizations,
    linked_people (linked records)."""
    _may_write(by, calendar)
    if "start" not in data:
        raise InvalidInput(_("Say when the event starts."), field="start")
    if "title" not in data:
        raise InvalidInput(_("Give the event a title."), field="title")
    data = {"time_zone": calendar.time_zone, **data}
    with transaction.atomic():
        event = Event(calendar=calendar, organizer=by, created_by=by, uid=uid or new_uid())
        changes = _apply(event, data, creating=True)
        _saved(event)
        changes.update(_set_relations(event, data, by=by))
        _check_conflicts([event], by=by, confirmed=confirm_conflicts, leave_out={event.pk})
        record(
            by=by,
            verb=AgendaVerb.SCHEDULED_EVENT,
            target=event,
            changes={"start": iso(event.start), "calendar": calendar.name, **_user_hints(changes)},
        )
        _after_change([event])
    return event


def _user_hints(changes: dict[str, Any]) -> dict[str, Any]:
    """Whom a change invites or takes off, by id (never shown; see tandem.activity.verbs)."""
    if "attendees" not in changes:
        return {}
    old, new = changes["attendees"]
    return {"attendees": changes["attendees"], "_users": {"invited": sorted(set(new) - set(old))}}


def _series_and_moment(event: Event, occurrence: datetime | None) -> tuple[Event, datetime | None]:
    """The series an id names, and the occurrence: an override's id names its own occurrence."""
    if event.master_id:
        return Event.objects.select_related("calendar").get(
            pk=event.master_id
        ), occurrence or event.recurrence_id
    return event, occurrence


def _require_occurrence(series: Event, occurrence: datetime | None) -> tuple[datetime, datetime]:
    if occurrence is None:
        raise InvalidInput(
            _("Say which occurrence: send its original start as “occurrence”."), field="occurrence"
        )
    moment = (
        occurrence.astimezone(UTC) if occurrence.tzinfo else place(occurrence, ZoneInfo(series.time_zone))
    )
    override = Event.objects.filter(master=series, recurrence_id=moment).first()
    if override is not None:
        return override.start, override.end
    found = None if iso(moment) in series.exdates else occurrence_at(series, moment)
    if found is None:
        raise InvalidInput(_("The series has no occurrence starting then."), field="occurrence")
    return found


def update_event(
    event: Event,
    *,
    by: User,
    version: int | None,
    data: dict[str, Any],
    scope: str = "all",
    occurrence: datetime | None = None,
    confirm_conflicts: bool = False,
) -> Event:
    """Change an event, or the occurrences of a series `scope` says; answers the row changed (the
    override for "this", the new series for "following")."""
    if scope not in SCOPES:
        raise InvalidInput(_("Choose this, following or all."), field="scope")
    series, moment = _series_and_moment(event, occurrence)
    _may_write(by, series.calendar)
    if "calendar" in data:
        _may_write(by, data["calendar"])
    with transaction.atomic():
        series = lock_version(Event, series.pk, version)
        if not series.recurring or scope == "all" or (moment is None and scope != "this"):
            if scope != "all" and series.recurring and moment is None:
                _require_occurrence(series, moment)
            return _update_all(series, by=by, data=data, confirmed=confirm_conflicts)
        _require_occurrence(series, moment)
        assert moment is not None
        moment = moment.astimezone(UTC)
        if scope == "this":
            return _update_this(series, moment, by=by, data=data, confirmed=confirm_conflicts)
        if moment <= series.start:
            return _update_all(series, by=by, data=data, confirmed=confirm_conflicts)
        return _split(series, moment, by=by, data=data, confirmed=confirm_conflicts)


def _shift(series: Event, old_start: datetime, old_zone: str) -> None:
    """After the series' start moved: move its EXDATEs, RDATEs and overrides' recurrence ids by the
    same wall-clock difference, so each still names its occurrence (an override that was not moved
    on its own moves with them; one moved on its own keeps its time)."""
    old_tz, new_tz = ZoneInfo(old_zone), ZoneInfo(series.time_zone)
    delta = local(series.start, new_tz) - local(old_start, old_tz)
    if not delta and old_zone == series.time_zone:
        return

    def moved(text: str) -> str:
        return iso(place(local(parse_instant(text), old_tz) + delta, new_tz))

    series.exdates = sorted(moved(text) for text in series.exdates)
    series.rdates = sorted(moved(text) for text in series.rdates)
    for override in Event.objects.filter(master=series):
        original = override.recurrence_id
        override.recurrence_id = parse_instant(moved(iso(original)))  # type: ignore[arg-type]
        if override.start == original:
            # an occurrence changed in other ways but not moved on its own moves with its series
            length = local(override.end, old_tz) - local(override.start, old_tz)
            override.start = override.recurrence_id
            override.end = place(local(override.start, new_tz) + length, new_tz)
            override.time_zone = series.time_zone
        override.last_end = override.end
        override.save(update_fields=["recurrence_id", "start", "end", "time_zone", "last_end"])


def _bump(series: Event) -> None:
    series.version += 1
    series.sequence += 1


def _update_all(series: Event, *, by: User, data: dict[str, Any], confirmed: bool) -> Event:
    old_start, old_zone = series.start, series.time_zone
    if "calendar" in data and data["calendar"].pk != series.calendar_id:
        calendar = data["calendar"]
        if Event.objects.filter(calendar=calendar, uid=series.uid).exists():
            raise InvalidInput(_("That calendar has this event already."), field="calendar")
        Event.objects.filter(master=series).update(calendar=calendar)
        series.calendar = calendar
    changes = _apply(series, data, creating=False)
    if series.recurring and not series.master_id and ("start" in changes or "time_zone" in changes):
        _shift(series, old_start, old_zone)
    changes.update(_set_relations(series, data, by=by))
    if not changes and "calendar" not in data:
        return series
    _bump(series)
    _saved(series)
    overrides = list(Event.objects.filter(master=series))
    _check_conflicts([series, *overrides], by=by, confirmed=confirmed, leave_out=_series_ids(series))
    record(by=by, verb=AgendaVerb.CHANGED_EVENT, target=series, changes={**changes, **_user_hints(changes)})
    _after_change([series])
    return series


def _override_of(series: Event, moment: datetime) -> Event:
    """The override of the occurrence starting at `moment`, made from the series when it has none."""
    override = Event.objects.filter(master=series, recurrence_id=moment).first()
    if override is not None:
        return override
    start, end = _require_occurrence(series, moment)
    override = Event(
        calendar=series.calendar,
        uid=series.uid,
        master=series,
        recurrence_id=moment,
        title=series.title,
        description=series.description,
        location=series.location,
        video_url=series.video_url,
        start=start,
        end=end,
        time_zone=series.time_zone,
        all_day=series.all_day,
        busy=series.busy,
        status=series.status,
        priority=series.priority,
        organizer=series.organizer,
        reminders=list(series.reminders),
        sequence=series.sequence,
        created_by=series.created_by,
    )
    _saved(override)
    _copy_relations(series, override)
    return override


def _update_this(
    series: Event, moment: datetime, *, by: User, data: dict[str, Any], confirmed: bool
) -> Event:
    named = [name for name in SERIES_ONLY if name in data]
    if named:
        raise InvalidInput(_("One occurrence cannot have a repeat rule of its own."), field=named[0])
    if "calendar" in data:
        raise InvalidInput(
            _("Move the whole series to another calendar, not one occurrence."), field="calendar"
        )
    override = _override_of(series, moment)
    changes = _apply(override, data, creating=False)
    changes.update(_set_relations(override, data, by=by))
    override.version += 1
    override.sequence = series.sequence + 1
    _saved(override)
    _bump(series)
    _saved(series)
    _check_conflicts([override], by=by, confirmed=confirmed, leave_out=_series_ids(series))
    record(
        by=by,
        verb=AgendaVerb.CHANGED_OCCURRENCE,
        target=series,
        changes={"occurrence": iso(moment), **changes, **_user_hints(changes)},
    )
    _after_change([override])
    return override


def _end_before(series: Event, moment: datetime) -> tuple[str, str]:
    """The series' rule cut to end before `moment`, and the rule a series starting at `moment`
    continues with (COUNT split in two; UNTIL kept)."""
    if not series.rrule:
        return "", ""
    parts = dict(piece.split("=", 1) for piece in series.rrule.split(";"))
    later = dict(parts)
    if "COUNT" in parts:
        before = count_before(series, moment)
        parts["COUNT"] = str(max(before, 1))
        remaining = int(later["COUNT"]) - before
        later["COUNT"] = str(max(remaining, 1))
    else:
        if series.all_day:
            parts["UNTIL"] = f"{local(moment, ZoneInfo(series.time_zone)) - timedelta(days=1):%Y%m%d}"
        else:
            parts["UNTIL"] = f"{moment - timedelta(seconds=1):%Y%m%dT%H%M%SZ}"
    return ";".join(f"{k}={v}" for k, v in parts.items()), ";".join(f"{k}={v}" for k, v in later.items())


def _split(series: Event, moment: datetime, *, by: User, data: dict[str, Any], confirmed: bool) -> Event:
    _start, end = _require_occurrence(series, moment)
    older_rule, later_rule = _end_before(series, moment)
    later = Event(
        calendar=series.calendar,
        uid=new_uid(),
        title=series.title,
        description=series.description,
        location=series.location,
        video_url=series.video_url,
        start=moment,
        end=moment + (series.end - series.start) if not series.all_day else end,
        time_zone=series.time_zone,
        all_day=series.all_day,
        busy=series.busy,
        status=series.status,
        priority=series.priority,
        organizer=series.organizer,
        rrule=later_rule,
        rdates=[text for text in series.rdates if parse_instant(text) > moment],
        exdates=[text for text in series.exdates if parse_instant(text) > moment],
        reminders=list(series.reminders),
        created_by=by,
    )
    # the occurrence's own wall-clock length (its start and end are the series' in that zone)
    tz = ZoneInfo(series.time_zone)
    later.end = place(local(moment, tz) + (local(series.end, tz) - local(series.start, tz)), tz)
    _saved(later)
    _copy_relations(series, later)
    Event.objects.filter(master=series, recurrence_id__gte=moment).update(master=later, uid=later.uid)
    series.rrule = older_rule
    series.rdates = [text for text in series.rdates if parse_instant(text) < moment]
    series.exdates = [text for text in series.exdates if parse_instant(text) < moment]
    _bump(series)
    _saved(series)
    old_start, old_zone = later.start, later.time_zone
    changes = _apply(later, data, creating=False)
    if "start" in changes or "time_zone" in changes:
        _shift(later, old_start, old_zone)
    changes.update(_set_relations(later, data, by=by))
    _saved(later)
    overrides = list(Event.objects.filter(master=later))
    _check_conflicts(
        [later, *overrides], by=by, confirmed=confirmed, leave_out=_series_ids(later) | _series_ids(series)
    )
    record(
        by=by,
        verb=AgendaVerb.SPLIT_SERIES,
        target=series,
        changes={"occurrence": iso(moment), "new_event": later.pk},
    )
    record(
        by=by,
        verb=AgendaVerb.SCHEDULED_EVENT,
        target=later,
        changes={"start": iso(later.start), "from_event": series.pk, **changes, **_user_hints(changes)},
    )
    _after_change([series, later])
    return later


def move_event(
    event: Event,
    *,
    by: User,
    version: int | None,
    start: datetime,
    scope: str = "all",
    occurrence: datetime | None = None,
    confirm_conflicts: bool = False,
) -> Event:
    """Move an event (or occurrences) to start at `start`, keeping its length; for a whole series,
    every occurrence moves by the same wall-clock difference as the one named."""
    series, moment = _series_and_moment(event, occurrence)
    tz = ZoneInfo(series.time_zone)
    start = start if start.tzinfo else place(start, tz)
    if scope == "all" and moment is not None and series.recurring:
        begins, _ends = _require_occurrence(
            series, moment.astimezone(UTC) if moment.tzinfo else place(moment, tz)
        )
        start = place(local(series.start, tz) + (local(start, tz) - local(begins, tz)), tz)
        moment = None
    return update_event(
        series if moment is None else event,
        by=by,
        version=version,
        data={"start": start},
        scope=scope,
        occurrence=moment,
        confirm_conflicts=confirm_conflicts,
    )


def delete_event(
    event: Event,
    *,
    by: User,
    version: int | None = None,
    scope: str = "all",
    occurrence: datetime | None = None,
) -> None:
    """Cancel an event, one occurrence of a series (an EXDATE), this and the following ones (the
    series ends before it), or the whole series with its overrides."""
    if scope not in SCOPES:
        raise InvalidInput(_("Choose this, following or all."), field="scope")
    series, moment = _series_and_moment(event, occurrence)
    _may_write(by, series.calendar)
    with transaction.atomic():
        series = lock_version(Event, series.pk, version)
        if not series.recurring or scope == "all":
            record(
                by=by, verb=AgendaVerb.CANCELLED_EVENT, target=series, changes={"start": iso(series.start)}
            )
            series.delete()
            return
        _require_occurrence(series, moment)
        assert moment is not None
        moment = moment.astimezone(UTC) if moment.tzinfo else place(moment, ZoneInfo(series.time_zone))
        if scope == "this":
            Event.objects.filter(master=series, recurrence_id=moment).delete()
            series.exdates = sorted({*series.exdates, iso(moment)})
            _bump(series)
            _saved(series)
            record(
                by=by,
                verb=AgendaVerb.CANCELLED_OCCURRENCE,
                target=series,
                changes={"occurrence": iso(moment)},
            )
            _after_change([series])
            return
        if moment <= series.start:
            record(
                by=by, verb=AgendaVerb.CANCELLED_EVENT, target=series, changes={"start": iso(series.start)}
            )
            series.delete()
            return
        series.rrule, _later = _end_before(series, moment)
        series.rdates = [text for text in series.rdates if parse_instant(text) < moment]
        series.exdates = [text for text in series.exdates if parse_instant(text) < moment]
        Event.objects.filter(master=series, recurrence_id__gte=moment).delete()
        _bump(series)
        _saved(series)
        record(by=by, verb=AgendaVerb.ENDED_SERIES, target=series, changes={"occurrence": iso(moment)})
        _after_change([series])


def respond(event: Event, *, by: User, response: str, occurrence: datetime | None = None) -> Event:
    """`by` answers an invitation: to the event or whole series, or (with `occurrence`) to one
    occurrence, which then becomes an override with their answer."""
    if response not in Response.values or response == Response.NEEDS_ACTION:
        raise InvalidInput(_("Answer accepted, tentative or declined."), field="response")
    series, moment = _series_and_moment(event, occurrence)
    with transaction.atomic():
        target = series
        if moment is not None and series.recurring:
            moment = moment.astimezone(UTC) if moment.tzinfo else place(moment, ZoneInfo(series.time_zone))
            target = _override_of(series, moment)
        attendee = target.attendees.filter(user=by).first()
        if attendee is None:
            raise NotFound(_("You are not invited to this event."))
        if attendee.response != response:
            attendee.response = response
            attendee.save(update_fields=["response"])
            record(
                by=by,
                verb=AgendaVerb.RESPONDED,
                target=series,
                changes={"response": response, **({"occurrence": iso(moment)} if moment else {})},
            )
            _after_change([target])
    return target
