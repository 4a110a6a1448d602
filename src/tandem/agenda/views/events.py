"""The event pages: an event's (or one occurrence's) page with its attendees' answers, the form
that schedules or changes one (with the free/busy strip of the chosen people and resources, a
resource's clash refused and a person's clash shown for a "save anyway"), cancelling, answering."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import User
from tandem.accounts.queries import directory
from tandem.accounts.roles import Permission
from tandem.agenda import queries, repeat, services
from tandem.agenda.forms import EventForm, initial_for
from tandem.agenda.models import Calendar, CalendarKind, Event, Response
from tandem.agenda.recurrence import iso, local, occurrence_at, parse_instant, place, zone
from tandem.agenda.views.common import reader_zone
from tandem.contacts.models import Organization, Person
from tandem.core.errors import Conflict, InvalidInput, NotFound, ServiceError, StaleVersion
from tandem.core.numbers import id_or_none
from tandem.core.panels import panels_for
from tandem.core.views import go
from tandem.work.queries import items_visible_to

MAX_STRIP_ROWS = 20


# --- Which event and occurrence ---------------------------------------------------------------------


@dataclass
class Shown:
    """The row shown (a single event, a series, or an override), its series, and the occurrence."""

    event: Event
    series: Event
    start: datetime
    end: datetime
    occurrence: datetime | None  # the original start of the occurrence, for a series


def _occurrence_param(request: HttpRequest) -> datetime | None:
    text = (request.GET.get("occurrence") or request.POST.get("occurrence") or "").strip()[:40]
    if not text:
        return None
    try:
        return parse_instant(text)
    except ValueError:
        raise Http404(_("Not found.")) from None


def _full(pk: int) -> Event:
    return (
        Event.objects.select_related("calendar", "organizer", "master")
        .prefetch_related("attendees__user", "attendees__person", "bookings__resource", "links")
        .get(pk=pk)
    )


def _shown(user: User, pk: int, occurrence: datetime | None) -> Shown:
    found = queries.get_event_for_user(user, pk)
    event = _full(found.pk)
    series = _full(event.master_id) if event.master_id else event
    if event.master_id:
        return Shown(event, series, event.start, event.end, event.recurrence_id)
    if occurrence is None or not series.recurring:
        return Shown(event, series, event.start, event.end, None)
    override = Event.objects.filter(master=series, recurrence_id=occurrence).first()
    if override is not None:
        return Shown(_full(override.pk), series, override.start, override.end, occurrence)
    span = None if iso(occurrence) in series.exdates else occurrence_at(series, occurrence)
    if span is None:
        raise Http404(_("Not found."))
    return Shown(event, series, span[0], span[1], occurrence)


# --- The event's page ---------------------------------------------------------------------------------


@dataclass
class LinkedRecord:
    kind: str
    title: str
    url: str | None  # None: the reader may not see it


def _linked(user: User, event: Event) -> list[LinkedRecord]:
    links = list(event.links.all())
    item_ids = [x.item_id for x in links if x.item_id]
    items = {i.pk: i for i in items_visible_to(user).filter(pk__in=item_ids)} if item_ids else {}
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(pk__in=[x.organization_id for x in links if x.organization_id])
    }
    people = {p.pk: p for p in Person.objects.filter(pk__in=[x.person_id for x in links if x.person_id])}
    may_see_customers = user.can(Permission.VIEW_CUSTOMERS)
    found = []
    for link in links:
        if link.item_id:
            item = items.get(link.item_id)
            found.append(
                LinkedRecord(_("Work item"), f"{item.reference} {item.title}", item.get_absolute_url())
                if item
                else LinkedRecord(_("Work item"), _("a private item"), None)
            )
        elif link.organization_id and link.organization_id in orgs:
            org = orgs[link.organization_id]
            url = reverse("organization-detail", args=[org.pk]) if may_see_customers else None
            found.append(LinkedRecord(_("Organization"), org.name, url))
        elif link.person_id and link.person_id in people:
            person = people[link.person_id]
            url = reverse("person-detail", args=[person.pk]) if may_see_customers else None
            found.append(LinkedRecord(_("Person"), person.full_name, url))
    return found


@guarded_view(None)
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    shown = _shown(user, pk, _occurrence_param(request))
    event, series = shown.event, shown.series
    mine = next((a for a in event.attendees.all() if a.user_id == user.pk), None)
    reader, own = reader_zone(user), ZoneInfo(event.time_zone)
    context = {
        "nav": "calendar",
        "event": event,
        "series": series,
        "start": shown.start.astimezone(reader),
        "end": shown.end.astimezone(reader),
        # wall-clock times of the event's own zone, naive: the date filters would show an aware
        # time in the reader's zone
        "own_start": local(shown.start, own),
        "own_end": local(shown.end, own),
        "last_day": (local(shown.end, own) - timedelta(days=1)) if event.all_day else None,
        "other_zone": str(reader) != event.time_zone,
        "reader_zone": str(reader),
        "occurrence": iso(shown.occurrence) if shown.occurrence else "",
        "recurring": series.recurring,
        "repeats": repeat.describe(series.rrule) if series.rrule else "",
        "attendees": list(event.attendees.all()),
        "resources": [b.resource for b in event.bookings.all()],
        "linked": _linked(user, event),
        "my_answer": mine,
        "responses": Response,
        "may_write": queries.may_write(user, series.calendar),
        "scopes": [
            ("this", _("Only this occurrence")),
            ("following", _("This and the following")),
            ("all", _("All occurrences")),
        ],
        "panels": panels_for("event", request, event),
        "edit_url": _with_occurrence(reverse("agenda:event-edit", args=[series.pk]), shown.occurrence),
    }
    return render(request, "agenda/event_detail.html", context)


def _with_occurrence(url: str, occurrence: datetime | None) -> str:
    return f"{url}?{urlencode({'occurrence': iso(occurrence)})}" if occurrence else url


@guarded_view(Permission.EDIT_EVENTS)
@require_POST
def event_respond(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    event = queries.get_event_for_user(user, pk)
    try:
        services.respond(event, by=user, response=request.POST.get("response", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your answer is saved."))
    return go(request, _with_occurrence(reverse("agenda:event", args=[pk]), _occurrence_param(request)))


@guarded_view(Permission.EDIT_EVENTS)
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    event = queries.get_event_for_user(user, pk)
    occurrence = _occurrence_param(request)
    scope = request.POST.get("scope") or "all"
    try:
        services.delete_event(event, by=user, scope=scope, occurrence=occurrence)
    except ServiceError as error:
        messages.error(request, error.message)
        return go(request, _with_occurrence(reverse("agenda:event", args=[pk]), occurrence))
    messages.success(request, _("Event cancelled."))
    return go(request, reverse("agenda:calendar"))


# --- The form ---------------------------------------------------------------------------------------------


def _prefill(request: HttpRequest, user: User, tz: ZoneInfo) -> dict[str, Any]:
    """A new event's values from the query string: a day or time clicked on the calendar, and the
    record it is about (item, organization, person) when made from that record's page."""
    initial: dict[str, Any] = {"time_zone": str(tz), "repeat": "none", "interval": 1, "ends": "never"}
    # the reader's own calendar when they have one (a GET writes nothing: it is made on saving)
    own = queries.visible_calendars(user).filter(kind=CalendarKind.PERSONAL, owner=user).first()
    initial["calendar"] = own.pk if own is not None and user.can(Permission.EDIT_EVENTS) else None
    calendar = id_or_none(request.GET.get("calendar"))
    if calendar is not None:
        initial["calendar"] = calendar
    text = (request.GET.get("start") or "")[:40]
    start: datetime | None = None
    if text:
        try:
            start = datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
        except ValueError:
            start = None
    if start is None:
        now = local(datetime.now(UTC), tz)
        start = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    initial["all_day"] = request.GET.get("all_day") == "1" or len(text) == 10
    initial["start"] = start
    initial["end"] = start if initial["all_day"] else start + timedelta(hours=1)
    for name, key in (("item", "items"), ("organization", "organizations"), ("person", "linked_people")):
        pk = id_or_none(request.GET.get(name))
        if pk is not None:
            initial[key] = [pk]
    if initial.get("items") and not items_visible_to(user).filter(pk=initial["items"][0]).exists():
        del initial["items"]
    resource = id_or_none(request.GET.get("resource"))
    if resource is not None:
        initial["resources"] = [resource]
    return initial


def _conflicts(error: Conflict) -> list[dict[str, Any]]:
    return list(error.extra.get("conflicts", []))


def _clashes_shown(rows: list[dict[str, Any]], tz: ZoneInfo) -> list[dict[str, Any]]:
    """The clashes as the form lists them: title (or "Busy"), times in the reader's zone, a link."""
    shown = []
    for row in rows:
        start = parse_instant(row["occurrence_start"]).astimezone(tz)
        end = parse_instant(row["occurrence_end"]).astimezone(tz)
        url = None
        if row.get("id"):
            url = reverse("agenda:event", args=[row["id"]])
            if row.get("occurrence"):
                url += "?" + urlencode({"occurrence": row["occurrence"]})
        shown.append({"title": row["title"], "start": start, "end": end, "url": url})
    return shown


@guarded_view(Permission.EDIT_EVENTS)
def event_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    tz = reader_zone(user)
    form = EventForm(request.POST or None, user=user, initial=_prefill(request, user, tz))
    context: dict[str, Any] = {"nav": "calendar", "form": form, "creating": True}
    if request.method == "POST" and form.is_valid():
        try:
            data = form.service_data()
            event = services.create_event(
                by=user,
                calendar=form.cleaned_data["calendar"] or services.personal_calendar(user),
                data=data,
                confirm_conflicts=form.cleaned_data["confirm_conflicts"],
            )
        except Conflict as error:
            _show_conflict(form, error, context, tz)
        except ServiceError as error:
            form.add_service_error(_field_of(error))
        else:
            messages.success(request, _("Event scheduled."))
            return go(request, reverse("agenda:event", args=[event.pk]))
    return render(request, "agenda/event_form.html", context)


def _field_of(error: ServiceError) -> ServiceError:
    """A service's field name as the form's ("rrule" for a rule the chooser made, "start"...)."""
    if error.field in ("rdates", "exdates"):
        error.field = "rrule"
    return error


def _show_conflict(form: EventForm, error: Conflict, context: dict[str, Any], tz: ZoneInfo) -> None:
    if isinstance(error, StaleVersion):
        form.add_error(None, error.message)
        return
    context["clashes"] = _clashes_shown(_conflicts(error), tz)
    context["confirmable"] = bool(error.extra.get("confirmable"))
    if not context["confirmable"]:
        form.add_error(
            "resources", _("A room or resource is already booked then; choose another time or resource.")
        )


@guarded_view(Permission.EDIT_EVENTS)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    tz = reader_zone(user)
    shown = _shown(user, pk, _occurrence_param(request))
    series = shown.series
    if not queries.may_write(user, series.calendar):
        raise NotFound(_("There is no such calendar or event."))
    of_series = shown.occurrence is not None and series.recurring
    initial = initial_for(shown.event, start=shown.start, end=shown.end, tz=ZoneInfo(shown.event.time_zone))
    initial["scope"] = "this"
    form = EventForm(request.POST or None, user=user, initial=initial, recurring_occurrence=of_series)
    context: dict[str, Any] = {
        "nav": "calendar",
        "form": form,
        "creating": False,
        "event": shown.event,
        "series": series,
        "occurrence": iso(shown.occurrence) if shown.occurrence else "",
        "version": series.version,
    }
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data.get("scope") or ("this" if of_series else "all")
        version = id_or_none(request.POST.get("version"))
        try:
            data = form.service_data(series_fields=not (of_series and scope == "this"))
            calendar: Calendar = form.cleaned_data["calendar"]
            if calendar.pk != series.calendar_id:
                data["calendar"] = calendar
            if of_series and scope == "all":
                _shift_to_series(data, shown, series)
            changed = services.update_event(
                series if not shown.event.master_id else shown.event,
                by=user,
                version=version,
                data=data,
                scope=scope if of_series else "all",
                occurrence=shown.occurrence if of_series else None,
                confirm_conflicts=form.cleaned_data["confirm_conflicts"],
            )
        except Conflict as error:
            _show_conflict(form, error, context, tz)
        except ServiceError as error:
            form.add_service_error(_field_of(error))
        else:
            messages.success(request, _("Event saved."))
            target = changed.master_id or changed.pk
            moment = changed.recurrence_id if changed.master_id else None
            return go(request, _with_occurrence(reverse("agenda:event", args=[target]), moment))
    return render(request, "agenda/event_form.html", context)


def _shift_to_series(data: dict[str, Any], shown: Shown, series: Event) -> None:
    """An edit of "all occurrences" made on one of them: the series' start and end move by as much
    as this occurrence's did (on the wall clock of the event's zone), not to this occurrence's day."""
    tz = zone(data.get("time_zone") or series.time_zone)
    old_start, old_end = local(shown.start, tz), local(shown.end, tz)
    data["start"] = local(series.start, tz) + (data["start"] - old_start)
    data["end"] = local(series.end, tz) + (data["end"] - old_end)


# --- Free/busy strip ------------------------------------------------------------------------------------------


@dataclass
class StripRow:
    label: str
    kind: str  # "user" or "resource"
    cells: list[str] = field(default_factory=list)  # "busy", "chosen", "clash" or ""
    spans: list[tuple[datetime, datetime]] = field(default_factory=list)
    busy_text: list[tuple[datetime, datetime]] = field(default_factory=list)  # wall-clock, for reading


def _ids(values: list[str]) -> list[int]:
    found = [pk for pk in (id_or_none(v) for v in values[:MAX_STRIP_ROWS]) if pk is not None]
    return list(dict.fromkeys(found))


@guarded_view(Permission.VIEW_PEOPLE_DIRECTORY)
@require_GET
def free_busy_strip(request: HttpRequest) -> HttpResponse:
    """The busy times of the chosen people (and oneself) and resources on the chosen day, in half
    hours from 06:00 to 22:00 (wider when something falls outside), the chosen time marked."""
    user = acting_user(request)
    try:
        tz = zone(request.GET.get("time_zone") or user.time_zone)
    except InvalidInput:
        tz = reader_zone(user)
    chosen_start = chosen_end = None
    try:
        chosen_start = datetime.fromisoformat((request.GET.get("start") or "")[:40]).replace(tzinfo=None)
        chosen_end = datetime.fromisoformat((request.GET.get("end") or "")[:40]).replace(tzinfo=None)
    except ValueError:
        pass
    if chosen_start is None:
        return render(request, "agenda/partials/free_busy.html", {"rows": [], "no_day": True})
    if request.GET.get("all_day") in ("on", "1", "true") and chosen_end is not None:
        chosen_start = datetime.combine(chosen_start.date(), time())
        chosen_end = datetime.combine(chosen_end.date(), time()) + timedelta(days=1)
    day = datetime.combine(chosen_start.date(), time())
    begins, ends = place(day, tz), place(day + timedelta(days=1), tz)
    users = list(
        directory(user)
        .filter(pk__in=[user.pk, *_ids(request.GET.getlist("attendees"))])
        .order_by("full_name")
    )
    users.sort(key=lambda u: u.pk != user.pk)
    resources = list(
        Calendar.objects.filter(
            kind=CalendarKind.RESOURCE, archived_at=None, pk__in=_ids(request.GET.getlist("resources"))
        ).order_by("name")
    )
    busy = queries.free_busy(
        users=[u.pk for u in users], resources=[r.pk for r in resources], start=begins, end=ends
    )
    rows = [StripRow(u.display_name, "user", spans=busy.users[u.pk]) for u in users] + [
        StripRow(r.name, "resource", spans=busy.resources[r.pk]) for r in resources
    ]
    chosen = (place(chosen_start, tz), place(chosen_end or chosen_start, tz))
    first, last = 12, 44  # half hours: 06:00 .. 22:00
    for row in rows:
        for start, end in row.spans:
            first = min(first, int((local(start, tz) - day).total_seconds() // 1800))
            last = max(last, -(-int((local(end, tz) - day).total_seconds()) // 1800))
    if chosen[0] < ends and chosen[1] > begins:
        first = min(first, max(0, int((local(chosen[0], tz) - day).total_seconds() // 1800)))
        last = max(last, min(48, -(-int((local(chosen[1], tz) - day).total_seconds()) // 1800)))
    first, last = max(0, first), min(48, last)
    slots = [
        (place(day + timedelta(minutes=30 * n), tz), place(day + timedelta(minutes=30 * (n + 1)), tz))
        for n in range(first, last)
    ]
    for row in rows:
        for slot_start, slot_end in slots:
            is_busy = any(s < slot_end and e > slot_start for s, e in row.spans)
            is_chosen = chosen[0] < slot_end and chosen[1] > slot_start
            row.cells.append(
                "clash" if is_busy and is_chosen else "busy" if is_busy else "chosen" if is_chosen else ""
            )
    for row in rows:
        row.busy_text = [(local(s, tz), local(e, tz)) for s, e in row.spans]
    context = {
        "rows": rows,
        "day": day.date(),
        "zone": str(tz),
        "hours": [local(slots[i][0], tz) if n % 8 == 0 else None for i, n in enumerate(range(first, last))],
    }
    return render(request, "agenda/partials/free_busy.html", context)
