"""/api/v1/calendars, /api/v1/events and /api/v1/freebusy. Endpoints translate HTTP only: ids
become records (a 422 naming the field when one names nothing the reader may see), reads go
through agenda.queries, every write through agenda.services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from tandem.accounts.auth import acting_user
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Permission, require
from tandem.agenda import queries, services
from tandem.agenda.models import Calendar, CalendarKind, Event
from tandem.agenda.recurrence import Occurrence, check_range, iso
from tandem.agenda.schemas import (
    CalendarIn,
    CalendarOut,
    CalendarPatch,
    EventIn,
    EventOut,
    EventPatch,
    FreeBusyOut,
    ImportOut,
    OccurrencePage,
    RespondIn,
    Scope,
    _attendees,
)
from tandem.agenda.services.imports import MAX_BYTES, too_large
from tandem.contacts.models import Organization, Person
from tandem.core.api.concurrency import IfMatch, edit_precondition, if_match_version, set_etag, stale_as_412
from tandem.core.api.errors import errors
from tandem.core.api.pagination import Page, PageParams, paginate
from tandem.core.api.types import PathId
from tandem.core.errors import InvalidInput, NotFound, ServiceError
from tandem.core.numbers import MAX_ID
from tandem.work.queries import items_visible_to

calendars = Router(tags=["Calendars"])
events = Router(tags=["Events"])
freebusy = Router(tags=["Calendars"])

MAX_OCCURRENCES = 2000
MAX_SUBJECTS = 50


# --- Ids to records ---------------------------------------------------------------------------------


def _many(queryset: QuerySet[Any], ids: list[int], field: str) -> list[Any]:
    found = {record.pk: record for record in queryset.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(
            _("No such record: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}, field=field
        )
    return [found[pk] for pk in dict.fromkeys(ids)]


def _relations(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The ids of a body as the records the services take."""
    sources: dict[str, QuerySet[Any]] = {
        "attendees": User.objects.filter(is_active=True, is_system=False),
        "people": Person.objects.filter(archived_at=None),
        "resources": Calendar.objects.filter(kind=CalendarKind.RESOURCE, archived_at=None),
        "items": items_visible_to(user),
        "organizations": Organization.objects.filter(archived_at=None),
        "linked_people": Person.objects.filter(archived_at=None),
    }
    for key, queryset in sources.items():
        if data.get(key) is not None:
            data[key] = _many(queryset, data[key], key)
        else:
            data.pop(key, None)
    return data


def _calendar_named(user: User, pk: int, field: str = "calendar") -> Calendar:
    try:
        return queries.get_calendar_for_user(user, pk)
    except NotFound as error:
        raise InvalidInput(_("There is no such calendar."), field=field) from error


def _utc(value: datetime, field: str) -> datetime:
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError) as error:
        raise InvalidInput(_("Enter a date between 1900 and 2200."), field=field) from error


def _event(user: User, pk: int) -> Event:
    event = queries.get_event_for_user(user, pk)
    return (
        Event.objects.prefetch_related("attendees", "bookings", "links")
        .select_related("organizer")
        .get(pk=event.pk)
    )


# --- Calendars -------------------------------------------------------------------------------------


class CalendarFilters(Schema):
    kind: CalendarKind | None = Field(None, description="personal, team or resource")
    archived: bool = Field(False, description="true: archived calendars instead of active ones")


@calendars.get("", response={200: Page[CalendarOut], **errors()})
def list_calendars(
    request: HttpRequest, filters: Query[CalendarFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The calendars you may see: yours, your teams', the public ones and every resource."""
    rows = queries.visible_calendars(acting_user(request), archived=filters.archived).order_by(
        "kind", "name", "pk"
    )
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return paginate(rows, page)


@calendars.post("", response={201: CalendarOut, **errors(403)})
def create_calendar(request: HttpRequest, payload: CalendarIn, response: HttpResponse) -> Status[Calendar]:
    """`kind` personal (yours; `owner` for someone else: admins), team (with `team`) or resource
    (a meeting room: `location`, `capacity`); team calendars and resources: managers and admins."""
    user = acting_user(request)
    data = payload.model_dump(exclude={"kind", "owner", "team"})
    if data["time_zone"] is None:
        data.pop("time_zone")
    owner = team = None
    if payload.owner is not None:
        owner = User.objects.filter(pk=payload.owner, is_active=True, is_system=False).first()
        if owner is None:
            raise InvalidInput(_("There is no such user."), field="owner")
    if payload.team is not None:
        team = Team.objects.filter(pk=payload.team).first()
        if team is None:
            raise InvalidInput(_("There is no such team."), field="team")
    calendar = services.create_calendar(by=user, kind=payload.kind, data=data, owner=owner, team=team)
    set_etag(response, calendar.version)
    response["Location"] = f"{request.path.rstrip('/')}/{calendar.pk}"
    return Status(201, calendar)


@calendars.get("/{id}", response={200: CalendarOut, **errors(404)})
def get_calendar(request: HttpRequest, id: PathId, response: HttpResponse) -> Calendar:
    calendar = queries.get_calendar_for_user(acting_user(request), id)
    set_etag(response, calendar.version)
    return calendar


@calendars.patch("/{id}", response={200: CalendarOut, **errors(403, 404, 409, 412, 428)})
def update_calendar(
    request: HttpRequest, id: PathId, payload: CalendarPatch, response: HttpResponse, if_match: IfMatch = None
) -> Calendar:
    user = acting_user(request)
    calendar = queries.get_calendar_for_user(user, id)
    precondition = edit_precondition(if_match, payload.version)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name in ("name", "colour", "private", "time_zone"):
        if name in data and data[name] is None:
            raise InvalidInput(_("This field cannot be empty."), field=name)
    for name in ("description", "location"):
        if name in data and data[name] is None:
            data[name] = ""
    with stale_as_412(precondition.from_header):
        calendar = services.update_calendar(calendar, by=user, version=precondition.version, data=data)
    set_etag(response, calendar.version)
    return calendar


@calendars.delete("/{id}", response={204: None, **errors(403, 404, 409, 412)})
def delete_calendar(request: HttpRequest, id: PathId, if_match: IfMatch = None) -> Status[None]:
    """Delete the calendar and its events (their history stays)."""
    user = acting_user(request)
    calendar = queries.get_calendar_for_user(user, id)
    version = if_match_version(if_match) if if_match and if_match.strip() != "*" else None
    with stale_as_412(True):
        services.delete_calendar(calendar, by=user, version=version)
    return Status(204, None)


class FileTooLarge(ServiceError):
    status = 413
    code = "too_large"


@calendars.post("/{id}/import", response={200: ImportOut, **errors(403, 404, 413)})
def import_file(request: HttpRequest, id: PathId, file: File[UploadedFile]) -> services.ImportResult:
    """multipart/form-data with `file`: an .ics export (Google, Outlook, Apple…), at most 10 MB.
    Each event is imported on its own: `errors` names those that could not be (by UID), and the
    rest still imports; importing the same file again updates instead of duplicating. 422 for a
    file that is not iCalendar; 413 for one too large. Needs write access to the calendar."""
    user = acting_user(request)
    calendar = queries.get_calendar_for_user(user, id)
    if file.size is not None and file.size > MAX_BYTES:
        raise FileTooLarge(too_large(), field="file")
    return services.import_ics(calendar, file.read(), by=user)


# --- Events and occurrences ----------------------------------------------------------------------------


class RangeParams(Schema):
    start: datetime = Field(description="ISO 8601; without an offset: UTC.")
    end: datetime = Field(description="ISO 8601, after start, at most 400 days later.")
    calendar: PathId | None = Field(
        None, description="One calendar's events (a resource's: and those booking it)."
    )
    attendee: PathId | None = Field(None, description="One user's events (invited, or on their calendar).")
    limit: int = Field(
        500, ge=1, le=MAX_OCCURRENCES, description=f"Occurrences per page, at most {MAX_OCCURRENCES}."
    )
    offset: int = Field(0, ge=0, le=MAX_ID)


def _range(params: Any) -> tuple[datetime, datetime]:
    start, end = _utc(params.start, "start"), _utc(params.end, "end")
    check_range(start, end)
    return start, end


def occurrence_out(occurrence: Occurrence) -> dict[str, Any]:
    event = occurrence.event
    series_version = event.master.version if event.master_id and event.master else event.version
    return {
        "id": occurrence.series_id,
        "event": event.pk,
        "occurrence": iso(occurrence.recurrence_id) if occurrence.recurrence_id else None,
        "occurrence_start": iso(occurrence.start),
        "occurrence_end": iso(occurrence.end),
        "title": event.title,
        "all_day": event.all_day,
        "recurring": occurrence.recurring,
        "overridden": occurrence.overridden,
        "calendar": event.calendar_id,
        "colour": event.calendar.colour,
        "time_zone": event.time_zone,
        "location": event.location,
        "video_url": event.video_url,
        "priority": event.priority,
        "status": event.status,
        "busy": event.busy,
        "attendees": _attendees(event),
        "resources": sorted(b.resource_id for b in event.bookings.all()),
        "version": series_version,
    }


@events.get("", response={200: OccurrencePage, **errors()})
def list_occurrences(request: HttpRequest, params: Query[RangeParams]) -> dict[str, Any]:
    """The occurrences in [start, end) of the events you may see, recurrences expanded, by start."""
    user = acting_user(request)
    start, end = _range(params)
    calendar = _calendar_named(user, params.calendar) if params.calendar else None
    if params.attendee and not User.objects.filter(pk=params.attendee).exists():
        raise InvalidInput(_("There is no such user."), field="attendee")
    found = queries.occurrences_for(
        user, start, end, calendar=calendar, attendee=params.attendee, details=False
    )
    page = queries.with_details(found[params.offset : params.offset + params.limit])
    return {
        "start": iso(start),
        "end": iso(end),
        "count": len(found),
        "limit": params.limit,
        "offset": params.offset,
        "items": [occurrence_out(o) for o in page],
    }


@events.post("", response={201: EventOut, **errors(403, 409)})
def create_event(request: HttpRequest, payload: EventIn, response: HttpResponse) -> Status[Event]:
    """201, or 409 `conflict` with `conflicts` (a resource is booked then: always refused; an
    attendee is busy then: refused unless `confirm_conflicts`)."""
    user = acting_user(request)
    require(user, Permission.EDIT_EVENTS)
    calendar = _calendar_named(user, payload.calendar)
    data = _relations(user, payload.model_dump(exclude_none=True, exclude={"calendar", "confirm_conflicts"}))
    event = services.create_event(
        by=user, calendar=calendar, data=data, confirm_conflicts=payload.confirm_conflicts
    )
    set_etag(response, event.version)
    response["Location"] = f"{request.path.rstrip('/')}/{event.pk}"
    return Status(201, _event(user, event.pk))


@events.get("/{id}", response={200: EventOut, **errors(404)})
def get_event(request: HttpRequest, id: PathId, response: HttpResponse) -> Event:
    event = _event(acting_user(request), id)
    set_etag(response, event.version)
    return event


@events.patch("/{id}", response={200: EventOut, **errors(403, 404, 409, 412, 428)})
def update_event(
    request: HttpRequest, id: PathId, payload: EventPatch, response: HttpResponse, if_match: IfMatch = None
) -> Event:
    """Change the event; for a series, `scope` and `occurrence` say which occurrences. Answers the
    row changed: the series, the override ("this"), or the new series ("following")."""
    user = acting_user(request)
    event = queries.get_event_for_user(user, id)
    precondition = edit_precondition(if_match, payload.version)
    data = payload.model_dump(
        exclude_unset=True, exclude={"version", "occurrence", "scope", "confirm_conflicts"}
    )
    for name in ("title", "start", "time_zone", "all_day", "busy", "status", "priority", "calendar"):
        if name in data and data[name] is None:
            raise InvalidInput(_("This field cannot be empty."), field=name)
    for name in ("description", "location", "video_url", "rrule"):
        if name in data and data[name] is None:
            data[name] = ""
    for name in (
        "rdates",
        "exdates",
        "reminders",
        "attendees",
        "people",
        "resources",
        "items",
        "organizations",
        "linked_people",
    ):
        if name in data and data[name] is None:
            data[name] = []
    if data.get("end") is None:
        data.pop("end", None)
    if "calendar" in data:
        data["calendar"] = _calendar_named(user, data["calendar"])
    data = _relations(user, data)
    occurrence = _utc(payload.occurrence, "occurrence") if payload.occurrence else None
    with stale_as_412(precondition.from_header):
        changed = services.update_event(
            event,
            by=user,
            version=precondition.version,
            data=data,
            scope=payload.scope,
            occurrence=occurrence,
            confirm_conflicts=payload.confirm_conflicts,
        )
    changed = _event(user, changed.pk)
    set_etag(response, changed.version)
    return changed


class DeleteParams(Schema):
    occurrence: datetime | None = Field(
        None, description="The original start of the occurrence (for this / following)."
    )
    scope: Scope = Field("all", description="this, following or all")


@events.delete("/{id}", response={204: None, **errors(403, 404, 409, 412)})
def delete_event(
    request: HttpRequest, id: PathId, params: Query[DeleteParams], if_match: IfMatch = None
) -> Status[None]:
    """Cancel the event, one occurrence (`scope=this`), it and the following ones, or the series."""
    user = acting_user(request)
    event = queries.get_event_for_user(user, id)
    version = if_match_version(if_match) if if_match and if_match.strip() != "*" else None
    occurrence = _utc(params.occurrence, "occurrence") if params.occurrence else None
    with stale_as_412(True):
        services.delete_event(event, by=user, version=version, scope=params.scope, occurrence=occurrence)
    return Status(204, None)


@events.post("/{id}/respond", response={200: EventOut, **errors(403, 404)})
def respond(request: HttpRequest, id: PathId, payload: RespondIn) -> Event:
    """Your answer to an invitation: `accepted`, `tentative` or `declined`; with `occurrence`, to
    that occurrence only."""
    user = acting_user(request)
    require(user, Permission.EDIT_EVENTS)
    event = queries.get_event_for_user(user, id)
    occurrence = _utc(payload.occurrence, "occurrence") if payload.occurrence else None
    answered = services.respond(event, by=user, response=payload.response, occurrence=occurrence)
    return _event(user, answered.pk)


# --- Free/busy ----------------------------------------------------------------------------------------


class FreeBusyParams(Schema):
    start: datetime
    end: datetime
    users: str = Field("", max_length=1000, description="User ids, comma-separated (at most 50).")
    resources: str = Field(
        "", max_length=1000, description="Resource calendar ids, comma-separated (at most 50)."
    )


def _ids(text: str, field: str) -> list[int]:
    ids: list[int] = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        if not (piece.isascii() and piece.isdigit()) or not 1 <= int(piece) <= MAX_ID:
            raise InvalidInput(_("Send ids as numbers separated by commas, such as 1,2,3."), field=field)
        ids.append(int(piece))
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_SUBJECTS:
        raise InvalidInput(_("Ask for at most %(max)s at a time.") % {"max": MAX_SUBJECTS}, field=field)
    return ids


@freebusy.get("", response={200: FreeBusyOut, **errors(403)})
def free_busy(request: HttpRequest, params: Query[FreeBusyParams]) -> dict[str, Any]:
    """When each user and resource is busy in [start, end): merged spans, no titles."""
    user = acting_user(request)
    require(user, Permission.VIEW_PEOPLE_DIRECTORY)
    start, end = _range(params)
    users = _ids(params.users, "users")
    resources = _ids(params.resources, "resources")
    _many(User.objects.filter(is_system=False), users, "users")
    _many(Calendar.objects.filter(kind=CalendarKind.RESOURCE), resources, "resources")
    found = queries.free_busy(users=users, resources=resources, start=start, end=end)

    def spans(busy: list[tuple[datetime, datetime]]) -> list[dict[str, str]]:
        return [{"start": iso(s), "end": iso(e)} for s, e in busy]

    return {
        "start": iso(start),
        "end": iso(end),
        "users": [{"id": uid, "busy": spans(found.users[uid])} for uid in users],
        "resources": [{"id": rid, "busy": spans(found.resources[rid])} for rid in resources],
    }
