"""The calendar page (`/calendar/`) and what its script asks for: the occurrences and dated records
of a range as FullCalendar's events (`occurrences.json`), and the moves a drag makes — an event
through agenda's services (409 with the clashes; a person's clash may be confirmed), a dated record
through the source that gave it (tandem.core.dated)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Permission
from tandem.agenda import queries, services
from tandem.agenda.models import Calendar, CalendarKind, EventStatus
from tandem.agenda.recurrence import Occurrence, check_range, iso, local, parse_instant, place
from tandem.agenda.views.common import json_error, parse_day, parse_wall, reader_zone, wall
from tandem.core import calendars as reader_calendars
from tandem.core.dated import DatedEntry, dated_source, dated_sources
from tandem.core.errors import InvalidInput, NotFound, ServiceError
from tandem.core.numbers import int_or_none

MAX_EVENTS = 2000
PRIORITY_COLOURS = {"high": "#b02a37", "medium": "#b35900", "low": "#0b5ed7", "none": "#5c636a"}
DATED_COLOURS = {"item-due": "#495057", "deal-close": "#146c43"}


def priority_band(priority: int) -> str:
    if not priority:
        return "none"
    return "high" if priority < 5 else "medium" if priority == 5 else "low"


@guarded_view(None)
@require_GET
def calendar_page(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    visible = list(queries.visible_calendars(user).order_by("kind", "name"))
    context = {
        "nav": "calendar",
        "resources": [c for c in visible if c.kind == CalendarKind.RESOURCE],
        "calendars": [c for c in visible if c.kind != CalendarKind.RESOURCE],
        "teams": list(Team.objects.filter(members=user).order_by("name")),
        "may_schedule": user.can(Permission.EDIT_EVENTS),
        "fc_locale": "fa" if get_language() == "fa" else "",
        "fc_direction": "rtl" if get_language_bidi() else "ltr",
        "jalali": reader_calendars.active() == reader_calendars.PERSIAN,
        "now_wall": wall(timezone.now(), reader_zone(user)),
        "time_zone": user.time_zone,
        "sources": dated_sources(),
        # the calendars an .ics file may be imported into (the "Sync and share" menu)
        "importable": [c for c in visible if c.kind != CalendarKind.RESOURCE and queries.may_write(user, c)],
    }
    return render(request, "agenda/calendar.html", context)


def _whose(user: User, choice: str) -> tuple[Calendar | None, Collection[int] | None, list[int], bool]:
    """What a filter choice shows: (one calendar, the people, their teams, dated records too)."""
    if choice == "me":
        return None, {user.pk}, [], True
    if choice == "team":
        teams = list(Team.objects.filter(members=user).values_list("pk", flat=True))
        members = set(User.objects.filter(teams__in=teams).values_list("pk", flat=True)) | {user.pk}
        return None, members, teams, True
    if choice == "everyone":
        return None, None, [], True
    kind, _sep, number = choice.partition(":")
    pk = int_or_none(number)
    if kind not in ("resource", "calendar") or pk is None:
        raise InvalidInput(_("Choose whose calendar to show."), field="filter")
    calendar = queries.get_calendar_for_user(user, pk)
    if kind == "resource" and calendar.kind != CalendarKind.RESOURCE:
        raise NotFound(_("There is no such calendar or event."))
    if calendar.kind == CalendarKind.PERSONAL and calendar.owner_id:
        return calendar, {calendar.owner_id}, [], False
    return calendar, None, [], False


def occurrence_url(occurrence: Occurrence) -> str:
    url = reverse("agenda:event", args=[occurrence.series_id])
    if occurrence.recurrence_id is not None:
        url += "?" + urlencode({"occurrence": iso(occurrence.recurrence_id)})
    return url


def _event_json(
    occurrence: Occurrence, *, tz: ZoneInfo, colour_by: str, writable: dict[int, bool]
) -> dict[str, Any]:
    event = occurrence.event
    series = event.master if event.master_id and event.master is not None else event
    if event.all_day:
        own = ZoneInfo(event.time_zone)
        start, end = (
            local(occurrence.start, own).date().isoformat(),
            local(occurrence.end, own).date().isoformat(),
        )
    else:
        start, end = wall(occurrence.start, tz), wall(occurrence.end, tz)
    colour = (
        PRIORITY_COLOURS[priority_band(event.priority)] if colour_by == "priority" else event.calendar.colour
    )
    classes = ["tandem-event", f"tandem-priority-{priority_band(event.priority)}"]
    if event.status != EventStatus.CONFIRMED:
        classes.append(f"tandem-{event.status}")
    return {
        "id": f"event-{event.pk}-{iso(occurrence.start)}",
        "title": event.title,
        "start": start,
        "end": end,
        "allDay": event.all_day,
        "url": occurrence_url(occurrence),
        "color": colour,
        "editable": writable[series.calendar_id],
        "className": " ".join(classes),
        "extendedProps": {
            "kind": "event",
            "event": occurrence.series_id,
            "occurrence": iso(occurrence.recurrence_id) if occurrence.recurrence_id else "",
            "recurring": occurrence.recurring,
            "version": series.version,
            "calendar": event.calendar.name,
            "location": event.location,
            "priority": event.priority,
            "moveUrl": reverse("agenda:event-move", args=[occurrence.series_id]),
        },
    }


def _dated_json(entry: DatedEntry, label: str) -> dict[str, Any]:
    colour = DATED_COLOURS.get(entry.source, "#495057")
    return {
        "id": f"{entry.source}-{entry.pk}",
        "title": f"{label}: {entry.title}",
        "start": entry.day.isoformat(),
        "allDay": True,
        "url": entry.url,
        "color": colour,
        "editable": entry.movable,
        "durationEditable": False,
        "className": f"tandem-dated tandem-dated-{entry.source}",
        "extendedProps": {
            "kind": "dated",
            "source": entry.source,
            "pk": entry.pk,
            "moveUrl": reverse("agenda:dated-move", args=[entry.source, entry.pk]),
        },
    }


@guarded_view(None)
@require_GET
def occurrences_json(request: HttpRequest) -> JsonResponse:
    """FullCalendar's events for [start, end) (wall-clock times in the reader's zone): the
    occurrences the reader may see for the filter (me, team, everyone, resource:<id>,
    calendar:<id>), coloured by calendar or priority, and the dated records of the apps that
    registered them (not for a resource's calendar)."""
    user = acting_user(request)
    tz = reader_zone(user)
    try:
        start = parse_wall(request.GET.get("start"), tz, "start")
        end = parse_wall(request.GET.get("end"), tz, "end")
        check_range(start, end)
        calendar, people, teams, dated = _whose(user, request.GET.get("filter") or "me")
    except ServiceError as error:
        return json_error(error)
    colour_by = "priority" if request.GET.get("colour") == "priority" else "calendar"
    found = queries.occurrences_for(user, start, end, calendar=calendar, people=people, teams=teams)
    found = [o for o in found if o.event.status != EventStatus.CANCELLED][:MAX_EVENTS]
    writable: dict[int, bool] = {}
    for occurrence in found:
        event = occurrence.event
        series = event.master if event.master_id and event.master is not None else event
        if series.calendar_id not in writable:
            writable[series.calendar_id] = queries.may_write(user, series.calendar)
    events = [_event_json(o, tz=tz, colour_by=colour_by, writable=writable) for o in found]
    if dated and request.GET.get("dated", "1") != "0":
        first, last = local(start, tz).date(), local(end, tz).date() + timedelta(days=1)
        for source in dated_sources():
            label = str(source.label)
            events += [_dated_json(entry, label) for entry in source.entries(user, first, last, people)]
    return JsonResponse(events, safe=False)


@guarded_view(Permission.EDIT_EVENTS)
@require_POST
def event_move(request: HttpRequest, pk: int) -> JsonResponse:
    """A drag (new `start`) or a resize (new `end` too) of an event or one occurrence (`occurrence`;
    `scope` this, following or all; a drag moves only the occurrence unless told). 409 with the
    clashing events; a person's clash is moved anyway with `confirm=1`."""
    user = acting_user(request)
    tz = reader_zone(user)
    try:
        event = queries.get_event_for_user(user, pk)
        series = event.master if event.master_id and event.master is not None else event
        all_day = request.POST.get("all_day") == "1"
        if all_day:
            # a day on the calendar: midnight in the event's own zone
            own = ZoneInfo(series.time_zone)
            start = place(_midnight(parse_day(request.POST.get("start"), "start")), own)
            end_text = request.POST.get("end")
            end = place(_midnight(parse_day(end_text, "end")), own) if end_text else None
        else:
            start = parse_wall(request.POST.get("start"), tz, "start")
            end = parse_wall(request.POST.get("end"), tz, "end") if request.POST.get("end") else None
        occurrence = _instant_or_none(request.POST.get("occurrence"))
        scope = request.POST.get("scope") or ("this" if occurrence else "all")
        version = int_or_none(request.POST.get("version"))
        confirm = request.POST.get("confirm") == "1"
        if end is None and all_day == series.all_day:
            services.move_event(
                event,
                by=user,
                version=version,
                start=start,
                scope=scope,
                occurrence=occurrence,
                confirm_conflicts=confirm,
            )
        else:
            data: dict[str, Any] = {"start": start, "all_day": all_day}
            if end is not None:
                data["end"] = end
            elif not all_day:
                data["end"] = start + timedelta(hours=1)
            services.update_event(
                event,
                by=user,
                version=version,
                data=data,
                scope=scope,
                occurrence=occurrence,
                confirm_conflicts=confirm,
            )
    except ServiceError as error:
        return json_error(error)
    return JsonResponse({"detail": _("Moved.")})


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def _instant_or_none(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return parse_instant(text.strip()[:40])
    except ValueError as error:
        raise InvalidInput(_("Say which occurrence."), field="occurrence") from error


@guarded_view(None)
@require_POST
def dated_move(request: HttpRequest, source: str, pk: int) -> JsonResponse:
    """A dated record dragged to another day: its date changes through the app that owns it."""
    user = acting_user(request)
    found = dated_source(source)
    if found is None:
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    try:
        found.move(user, pk, parse_day(request.POST.get("day"), "day"))
    except ServiceError as error:
        return json_error(error)
    return JsonResponse({"detail": _("Moved.")})
