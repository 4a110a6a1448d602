"""iCalendar (RFC 5545): Tandem's events as VEVENTs (feeds, CalDAV) and .ics files read back into
the data agenda's services take (import, CalDAV).

Writing: a series is one master VEVENT (RRULE, RDATE, EXDATE in the event's own IANA zone) and one
VEVENT per overridden occurrence sharing its UID (RECURRENCE-ID); a calendar carries a VTIMEZONE for
every zone it uses. Output is deterministic (DTSTAMP is the row's last change), so a feed's ETag
only changes when an event does.

Who appears on an event (`with_people`): Tandem users always, as `mailto:` their work address with
their name — a feed is read by its owner (a user, a team's members, those who see a resource), who
may see the event and its attendees in Tandem anyway. People of the customer base and addresses from
a sync only when `with_people` is true (CalDAV sync to the user's own account); feeds leave them
out: a feed's URL is a bearer secret pasted into third-party services, and customers' addresses are
not theirs to hold.

Reading: every VEVENT is data. Texts stay text (never markup), addresses never name a Tandem user
(attendees are not imported), a TZID becomes an IANA zone (Windows names through CLDR's table, an
unknown one with its own VTIMEZONE keeps its instants), floating times and all-day dates take the
Tandem calendar's zone. One unreadable event is reported (`Parsed.error`) and never stops the rest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, available_timezones

import icalendar
import x_wr_timezone
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from icalendar.timezone.tzid import tzids_from_tzinfo
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from tandem.agenda import services
from tandem.agenda.models import Calendar, Event, EventStatus
from tandem.agenda.recurrence import iso, local, normalise_rule, occurrence_at, parse_instant, place
from tandem.core.errors import InvalidInput, ServiceError

if TYPE_CHECKING:
    from tandem.accounts.models import User

PRODID = "-//Tandem//Tandem CRM//EN"
MAX_TEXT = 20_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_STATUSES = {
    "CONFIRMED": EventStatus.CONFIRMED,
    "TENTATIVE": EventStatus.TENTATIVE,
    "CANCELLED": EventStatus.CANCELLED,
}
_ZONES: set[str] = set()


def _known_zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones() | {"UTC"})
    return _ZONES


# --- Writing ---------------------------------------------------------------------------------------


def _when(instant: datetime, tz: ZoneInfo, *, all_day: bool) -> date | datetime:
    """A stored UTC instant as an iCalendar value: a date for an all-day event, else a time in the
    event's zone (UTC: written with Z)."""
    if all_day:
        return local(instant, tz).date()
    return instant.astimezone(tz)


def _export_rule(series: Event, tz: ZoneInfo) -> icalendar.vRecur:
    """The stored rule with UNTIL as RFC 5545 wants it beside this DTSTART: a date for an all-day
    series, a UTC time for a timed one (Tandem also keeps a bare date: the whole of that day, or a
    wall-clock time in the event's zone)."""
    parts = dict(piece.split("=", 1) for piece in series.rrule.split(";"))
    until = parts.get("UNTIL")
    if until:
        day = datetime.strptime(until[:8], "%Y%m%d")  # noqa: DTZ007 (a wall-clock date)
        if series.all_day:
            if until.endswith("Z"):
                moment = datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
                day = local(moment, tz)
            parts["UNTIL"] = f"{day:%Y%m%d}"
        elif not until.endswith("Z"):
            wall = (
                datetime.strptime(until, "%Y%m%dT%H%M%S")  # noqa: DTZ007
                if "T" in until
                else datetime.combine(day.date(), time(23, 59, 59))
            )
            parts["UNTIL"] = f"{place(wall, tz):%Y%m%dT%H%M%SZ}"
    return icalendar.vRecur.from_ical(";".join(f"{k}={v}" for k, v in parts.items()))


def _address(email: str) -> str:
    return f"mailto:{email}"


def _people(component: icalendar.Event, event: Event, *, with_people: bool) -> None:
    organizer = event.organizer
    if organizer is not None and organizer.email and not getattr(organizer, "is_system", False):
        component.add("organizer", _address(organizer.email), parameters={"CN": organizer.display_name})
    partstat = {
        "needs_action": "NEEDS-ACTION",
        "accepted": "ACCEPTED",
        "tentative": "TENTATIVE",
        "declined": "DECLINED",
    }
    for attendee in event.attendees.all():
        params = {"PARTSTAT": partstat.get(attendee.response, "NEEDS-ACTION"), "ROLE": "REQ-PARTICIPANT"}
        if attendee.user_id is not None:
            user = attendee.user
            if user is None or not user.email:
                continue
            component.add("attendee", _address(user.email), parameters={"CN": user.display_name, **params})
        elif not with_people:
            continue
        elif attendee.person_id is not None:
            person = attendee.person
            primary = next(iter(person.emails.all()), None) if person is not None else None
            email = attendee.email or (primary.email if primary is not None else "")
            if email:
                component.add("attendee", _address(email), parameters={"CN": str(person), **params})
        elif attendee.email:
            component.add("attendee", _address(attendee.email), parameters=params)


def _component(event: Event, tz: ZoneInfo, *, with_people: bool) -> icalendar.Event:
    """One row's VEVENT: the fields every VEVENT of a series carries."""
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", event.updated_at.astimezone(UTC))
    component.add("created", event.created_at.astimezone(UTC))
    component.add("last-modified", event.updated_at.astimezone(UTC))
    component.add("sequence", event.sequence)
    component.add("dtstart", _when(event.start, tz, all_day=event.all_day))
    component.add("dtend", _when(event.end, tz, all_day=event.all_day))
    component.add("summary", event.title)
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.video_url:
        component.add("url", event.video_url)
        component.add("conference", event.video_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    if event.priority:
        component.add("priority", event.priority)  # Tandem keeps RFC 5545's 1 (highest) … 9
    component.add("status", event.status.upper())
    component.add("transp", "OPAQUE" if event.busy else "TRANSPARENT")
    _people(component, event, with_people=with_people)
    return component


def vevents_of(series: Event, *, with_people: bool = True) -> list[icalendar.Event]:
    """The VEVENTs of a single event or a series: the master, then one per overridden occurrence
    (by original start), sharing the UID. Prefetch `overrides`, `attendees__user`,
    `attendees__person` (and the same under `overrides__`) and `organizer` for many series."""
    if series.master_id:
        raise ValueError("vevents_of takes a series or single event, not an override")
    tz = ZoneInfo(series.time_zone)
    master = _component(series, tz, with_people=with_people)
    if series.rrule:
        master.add("rrule", _export_rule(series, tz))
    if series.rdates:
        master.add(
            "rdate", [_when(parse_instant(text), tz, all_day=series.all_day) for text in series.rdates]
        )
    if series.exdates:
        master.add(
            "exdate", [_when(parse_instant(text), tz, all_day=series.all_day) for text in series.exdates]
        )
    found = [master]
    overrides = sorted(series.overrides.all(), key=lambda row: (row.recurrence_id, row.pk))
    for override in overrides:
        component = _component(override, ZoneInfo(override.time_zone), with_people=with_people)
        assert override.recurrence_id is not None
        component.add("recurrence-id", _when(override.recurrence_id, tz, all_day=series.all_day))
        found.append(component)
    return found


def calendar_bytes(series_list: Iterable[Event], *, name: str) -> bytes:
    """A VCALENDAR with these series' VEVENTs and a VTIMEZONE for each zone they use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    first = date.max
    for series in series_list:
        first = min(first, series.start.date())
        for component in vevents_of(series, with_people=False):
            calendar.add_component(component)
    if calendar.get_used_tzids():
        calendar.add_missing_timezones(first_date=min(first, date(1970, 1, 1)) - timedelta(days=366))
    return calendar.to_ical()


# --- Reading ---------------------------------------------------------------------------------------


@dataclass
class Parsed:
    """The VEVENTs of one UID, as data for agenda's services. `master`: the event or series (None
    with `error`, or when the file has only overridden occurrences); `overrides`: each occurrence
    changed on its own, with `recurrence_id` (a UTC instant, or a naive wall-clock time in the
    series' zone for floating and all-day series); `error`: why this UID cannot be imported;
    `problems`: occurrences left out (the rest of the UID imports)."""

    uid: str
    master: dict[str, Any] | None = None
    overrides: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    problems: list[str] = field(default_factory=list)
    summary: str = ""


class _Unreadable(Exception):
    """One VEVENT cannot be read; the message names the problem."""


def _text(component: icalendar.Component, name: str, *, limit: int = MAX_TEXT) -> str:
    value = component.get(name)
    if value is None:
        return ""
    if isinstance(value, list):
        value = value[0] if value else ""
    text = _CONTROL.sub("", str(value)).replace("\r\n", "\n").strip()
    return text[:limit]


def _zone_name(value: datetime, tzid: str | None, fallback: str | None) -> str | None:
    """The IANA zone of an aware time from a file (None: floating)."""
    tz: tzinfo | None = value.tzinfo
    if tz is None:
        return None
    key = getattr(tz, "key", None)
    if key in _known_zones():
        return str(key)
    for name in (tzid or "").strip().strip('"'), *tzids_from_tzinfo(tz):
        if name in _known_zones():
            return name
        if name in WINDOWS_TO_OLSON:
            return WINDOWS_TO_OLSON[name]
        # "/mozilla.org/20050126_1/Europe/Berlin", "/citadel.org/…/Europe/Berlin"
        pieces = name.split("/")
        for start in range(1, len(pieces)):
            tail = "/".join(pieces[start:])
            if tail in _known_zones():
                return tail
    # a zone of the file's own making: keep its instants; repeat in a zone that matches it
    offsets = [tz.utcoffset(value), tz.utcoffset(value + timedelta(days=182))]
    if (
        fallback
        and [
            ZoneInfo(fallback).utcoffset(value.replace(tzinfo=None) + d)
            for d in (timedelta(0), timedelta(days=182))
        ]
        == offsets
    ):
        return fallback
    if (
        offsets[0] == offsets[1]
        and offsets[0] is not None
        and offsets[0] % timedelta(hours=1) == timedelta(0)
    ):
        hours = int(offsets[0] / timedelta(hours=1))
        return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"
    return "UTC"


def _moment(prop: Any, *, what: str, fallback: str | None) -> tuple[datetime, str | None, bool]:
    """A DTSTART-like value: (a datetime — aware UTC, or naive wall-clock for floating times and
    dates —, its IANA zone or None, whether it is a date)."""
    if isinstance(prop, list):
        raise _Unreadable(_("The event has more than one %(what)s.") % {"what": what})
    value = getattr(prop, "dt", prop)
    tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            if tzid:
                raise _Unreadable(
                    _("%(what)s names the time zone “%(zone)s”, which neither Tandem nor the file defines.")
                    % {"what": what, "zone": str(tzid)[:64]}
                )
            return value.replace(microsecond=0), None, False
        zone = _zone_name(value, tzid, fallback)
        return value.astimezone(UTC).replace(microsecond=0), zone, False
    if isinstance(value, date):
        return datetime.combine(value, time()), None, True
    if isinstance(value, tuple) and value and isinstance(value[0], datetime | date):  # a PERIOD
        return _moment(value[0], what=what, fallback=fallback)
    raise _Unreadable(_("%(what)s is not a date or time.") % {"what": what})


def _wall(moment: datetime, zone: str | None, series_zone: str | None, *, all_day: bool) -> datetime:
    """A time from the file as the series will read it: an all-day series' dates as naive
    midnights, other aware times in UTC."""
    if all_day:
        if moment.tzinfo is not None:
            # Outlook writes an all-day occurrence's id as midnight in its zone: keep that day
            moment = moment.astimezone(ZoneInfo(zone or series_zone or "UTC")).replace(tzinfo=None)
        return datetime.combine(moment.date(), time())
    return moment


def _dates(
    component: icalendar.Component, name: str, *, zone: str | None, all_day: bool, fallback: str | None
) -> list[datetime]:
    values = component.get(name)
    if values is None:
        return []
    found: list[datetime] = []
    for prop in values if isinstance(values, list) else [values]:
        for item in getattr(prop, "dts", [prop]):
            moment, its_zone, _day = _moment(item, what=name, fallback=fallback)
            if moment.tzinfo is None and not all_day and zone is not None:
                # a floating EXDATE beside a zoned DTSTART: read it in the DTSTART's zone
                moment = place(moment, ZoneInfo(zone))
            found.append(_wall(moment, its_zone, zone, all_day=all_day))
    return sorted(set(found))


def _import_rule(component: icalendar.Component, *, all_day: bool) -> str:
    rules = component.get("rrule")
    if rules is None:
        return ""
    if isinstance(rules, list):
        if len(rules) > 1:
            raise _Unreadable(
                _("The event has %(count)s repeat rules; Tandem keeps one.") % {"count": len(rules)}
            )
        rules = rules[0]
    parts = dict(rules)
    text_parts: list[str] = []
    for key, values in parts.items():
        if key == "UNTIL":
            moment = values[0] if isinstance(values, list) else values
            if isinstance(moment, datetime):
                if all_day:
                    text = f"{moment:%Y%m%d}"
                elif moment.tzinfo is not None:
                    text = f"{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
                else:
                    text = f"{moment:%Y%m%dT%H%M%S}"
            elif isinstance(moment, date):
                text = f"{moment:%Y%m%d}"
            else:
                raise _Unreadable(_("The repeat rule's UNTIL cannot be read."))
            text_parts.append(f"UNTIL={text}")
        else:
            one = icalendar.vRecur({key: values}).to_ical().decode()
            text_parts.append(one)
    rule = ";".join(text_parts)
    try:
        return normalise_rule(rule)
    except InvalidInput as error:
        raise _Unreadable(error.message) from error


def _url(component: icalendar.Component) -> str:
    for name in ("url", "conference", "x-google-conference"):
        text = _text(component, name, limit=501)
        if (
            text.startswith(("https://", "http://"))
            and len(text) <= 500
            and not any(c.isspace() for c in text)
        ):
            try:
                URLValidator(schemes=["http", "https"])(text)
            except ValidationError:
                continue
            return text
    return ""


def _event_data(
    component: icalendar.Component, *, fallback: str | None, series_zone: str | None = None
) -> dict[str, Any]:
    """One VEVENT as the data create_event / update_event take."""
    start_prop = component.get("dtstart")
    if start_prop is None:
        raise _Unreadable(_("The event has no start (DTSTART)."))
    start, zone, all_day = _moment(start_prop, what="DTSTART", fallback=fallback)
    if start.tzinfo is None and not all_day and fallback:
        zone = fallback
        start = place(start, ZoneInfo(fallback))
    end_prop = component.get("dtend")
    duration = component.get("duration")
    if end_prop is not None:
        end, end_zone, end_is_day = _moment(end_prop, what="DTEND", fallback=fallback)
        if end.tzinfo is None and not end_is_day and start.tzinfo is not None:
            end = place(end, ZoneInfo(zone or "UTC"))
        elif end.tzinfo is not None and start.tzinfo is None and not all_day:
            end = local(end, ZoneInfo(end_zone or "UTC"))  # a floating start: its end on the same clock
        if all_day and not end_is_day:
            end = datetime.combine(
                (end if end.tzinfo is None else end.astimezone(ZoneInfo(end_zone or "UTC"))).date(), time()
            )
        elif end_is_day and not all_day:
            raise _Unreadable(_("The event starts at a time (DTSTART) but ends on a date (DTEND)."))
    elif duration is not None:
        length = getattr(duration, "dt", None)
        if not isinstance(length, timedelta) or length < timedelta(0):
            raise _Unreadable(_("The event's length (DURATION) cannot be read."))
        if all_day:
            end = start + timedelta(days=max(length.days, 1))
        elif start.tzinfo is not None and zone:
            # a nominal duration (days) is wall-clock days in the event's zone
            tz = ZoneInfo(zone)
            end = place(local(start, tz) + length, tz)
        else:
            end = start + length
    else:
        # RFC 5545 3.6.1: a day-long event for a date, an instant for a time
        end = start + timedelta(days=1) if all_day else start
    if end < start:
        raise _Unreadable(_("The event ends (DTEND) before it starts (DTSTART)."))
    status = _STATUSES.get(_text(component, "status").upper(), EventStatus.CONFIRMED)
    transp = _text(component, "transp").upper()
    try:
        priority = int(component.get("priority", 0))
    except (TypeError, ValueError):
        priority = 0
    data: dict[str, Any] = {
        "title": _text(component, "summary", limit=300) or _("(no title)"),
        "description": _text(component, "description"),
        "location": _text(component, "location", limit=300),
        "video_url": _url(component),
        "start": start,
        "end": end,
        "all_day": all_day,
        "busy": transp != "TRANSPARENT" if transp else not all_day,
        "status": str(status),
        "priority": min(max(priority, 0), 9),
    }
    if zone:
        data["time_zone"] = zone
    return data


def _series_data(component: icalendar.Component, *, fallback: str | None) -> dict[str, Any]:
    data = _event_data(component, fallback=fallback)
    zone, all_day = data.get("time_zone"), data["all_day"]
    data["rrule"] = _import_rule(component, all_day=all_day)
    data["rdates"] = _dates(component, "rdate", zone=zone, all_day=all_day, fallback=fallback)
    data["exdates"] = _dates(component, "exdate", zone=zone, all_day=all_day, fallback=fallback)
    return data


def _uid_of(component: icalendar.Component) -> str:
    uid = _text(component, "uid", limit=1000)
    if uid and len(uid) <= 255:
        return uid
    # no UID (or one too long to keep): one made from what the event is, the same on every import
    seed = (
        uid
        or f"{component.get('dtstart').to_ical() if component.get('dtstart') else b''!r}|{_text(component, 'summary')}"
    )
    return f"{hashlib.sha256(seed.encode()).hexdigest()[:32]}@import.tandem"


def _calendars(data: bytes) -> list[icalendar.Calendar]:
    if not isinstance(data, bytes | bytearray):
        raise InvalidInput(_("The file is not an iCalendar (.ics) file."), field="file")
    head = bytes(data[:2048]).lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise InvalidInput(
            _("The file is not an iCalendar (.ics) file: it does not begin with BEGIN:VCALENDAR."),
            field="file",
        )
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError:
        text = bytes(data).decode("latin-1")
    if "END:VCALENDAR" not in text.upper():
        raise InvalidInput(
            _("The iCalendar file is cut short: it has no END:VCALENDAR. Export it again."), field="file"
        )
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as error:  # any parser failure: a file that cannot be read
        raise InvalidInput(
            _("The iCalendar file cannot be read: %(problem)s") % {"problem": str(error)[:200]}, field="file"
        ) from error
    found = [each for each in calendars if each.name == "VCALENDAR"]
    if not found:
        raise InvalidInput(_("The file is not an iCalendar (.ics) file."), field="file")
    standard = []
    for each in found:
        try:
            standard.append(x_wr_timezone.to_standard(each) if each.get("X-WR-TIMEZONE") else each)
        except Exception:  # an unknown X-WR-TIMEZONE: times as written
            standard.append(each)
    return standard


def read(data: bytes) -> list[Parsed]:
    """The events of an .ics file, one `Parsed` per UID in the order they first appear. Raises
    InvalidInput when the bytes are not iCalendar at all."""
    groups: dict[str, list[icalendar.Component]] = {}
    fallbacks: dict[str, str | None] = {}
    for calendar in _calendars(data):
        fallback = _text(calendar, "x-wr-timezone", limit=64) or None
        if fallback and fallback not in _known_zones():
            fallback = WINDOWS_TO_OLSON.get(fallback)
        for component in calendar.walk("VEVENT"):
            uid = _uid_of(component)
            groups.setdefault(uid, []).append(component)
            fallbacks.setdefault(uid, fallback)
    return [_parse_group(uid, components, fallbacks[uid]) for uid, components in groups.items()]


def _broken(error: Exception) -> str:
    return _("The event cannot be read: %(problem)s") % {"problem": str(error)[:200] or type(error).__name__}


def _sequence(component: icalendar.Component) -> int:
    try:
        return int(component.get("sequence", 0))
    except (TypeError, ValueError):
        return 0


def _parse_group(uid: str, components: list[icalendar.Component], fallback: str | None) -> Parsed:
    parsed = Parsed(uid=uid)
    masters = [c for c in components if c.get("recurrence-id") is None]
    changed = [c for c in components if c.get("recurrence-id") is not None]
    parsed.summary = _text((masters or changed)[0], "summary", limit=120)
    if not masters and len(changed) == 1:
        masters, changed = changed, []  # an invitation to one occurrence: an event of its own
    if not masters:
        parsed.error = _("The file has changed occurrences of this series but not the series itself.")
        return parsed
    master = max(masters, key=_sequence)  # the same event twice: the latest version
    try:
        parsed.master = _series_data(master, fallback=fallback)
    except _Unreadable as error:
        parsed.error = str(error)
        return parsed
    except (ValueError, TypeError, KeyError, OverflowError) as error:  # a broken property
        parsed.error = _broken(error)
        return parsed
    zone, all_day = parsed.master.get("time_zone"), parsed.master["all_day"]
    cancelled: set[datetime] = set()
    by_id: dict[datetime, dict[str, Any]] = {}
    for component in sorted(changed, key=_sequence):
        try:
            rid_value, rid_zone, _day = _moment(
                component.get("recurrence-id"), what="RECURRENCE-ID", fallback=fallback
            )
            if rid_value.tzinfo is None and not all_day and zone is not None and _day is False:
                rid_value = place(rid_value, ZoneInfo(zone))
            recurrence_id = _wall(rid_value, rid_zone, zone, all_day=all_day)
            if _text(component, "status").upper() == "CANCELLED":
                cancelled.add(recurrence_id)
                by_id.pop(recurrence_id, None)
                continue
            data = _event_data(component, fallback=fallback)
        except _Unreadable as error:
            parsed.problems.append(str(error))
            continue
        except (ValueError, TypeError, KeyError, OverflowError) as error:
            parsed.problems.append(_broken(error))
            continue
        cancelled.discard(recurrence_id)
        by_id[recurrence_id] = {"recurrence_id": recurrence_id, **data}
    parsed.overrides = [by_id[key] for key in sorted(by_id, key=_sort_key)]
    if cancelled:
        parsed.master["exdates"] = sorted({*parsed.master["exdates"], *cancelled}, key=_sort_key)
    return parsed


def _sort_key(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- Applying --------------------------------------------------------------------------------------


def _instant_in(value: datetime, series: Event) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else place(value, ZoneInfo(series.time_zone))


def _differs(event: Event, data: dict[str, Any]) -> bool:
    """Whether `data` would change `event` (an import that changes nothing writes nothing)."""
    return bool(services.changes_of(event, data))


_WHEN = ("start", "end", "time_zone", "all_day")


def _update_series(series: Event, data: dict[str, Any], *, by: User) -> Event:
    """Update a series from a file. When it moved, the move goes first on its own: the service
    shifts its EXDATEs and overrides with it, and the file's EXDATEs (already at the new times)
    are then set as they are."""
    when = {name: data[name] for name in _WHEN if name in data}
    if series.recurring and services.changes_of(series, when).keys() & {"start", "time_zone"}:
        series = services.update_event(
            series, by=by, version=None, data=when, scope="all", confirm_conflicts=True
        )
    if _differs(series, data):
        series = services.update_event(
            series, by=by, version=None, data=data, scope="all", confirm_conflicts=True
        )
    return series


def apply(calendar: Calendar, parsed: Parsed, *, by: User) -> str:
    """Put one UID of a file on `calendar`: "created", "updated" or "unchanged". Upserts by
    (calendar, UID) through agenda's services: the series first, then each overridden occurrence
    (scope "this"). Overrides already in Tandem and not in the file stay; person conflicts are
    confirmed (the events are someone's existing calendar); imports never book resources (a clash
    on a resource's own calendar is refused like any booking). Occurrences that cannot be placed are
    added to `parsed.problems`."""
    if parsed.master is None:
        raise InvalidInput(parsed.error or _("This event cannot be read."), field="file")
    result = "unchanged"
    with transaction.atomic():
        series = Event.objects.filter(calendar=calendar, uid=parsed.uid, master=None).first()
        if series is None:
            series = services.create_event(
                by=by, calendar=calendar, data=dict(parsed.master), confirm_conflicts=True, uid=parsed.uid
            )
            result = "created"
        elif _differs(series, parsed.master):
            series = _update_series(series, dict(parsed.master), by=by)
            result = "updated"
        for override in parsed.overrides:
            data = {k: v for k, v in override.items() if k != "recurrence_id"}
            moment = _instant_in(override["recurrence_id"], series)
            existing = Event.objects.filter(master=series, recurrence_id=moment).first()
            if existing is not None:
                if not _differs(existing, data):
                    continue
            elif iso(moment) in series.exdates or occurrence_at(series, moment) is None:
                parsed.problems.append(
                    _(
                        "The changed occurrence of %(moment)s is not an occurrence of the series; it was left out."
                    )
                    % {"moment": iso(moment)}
                )
                continue
            services.update_event(
                series,
                by=by,
                version=None,
                data=data,
                scope="this",
                occurrence=moment,
                confirm_conflicts=True,
            )
            series.refresh_from_db()
            if result == "unchanged":
                result = "updated"
    return result


def error_message(error: Exception) -> str:
    """What a person reads when one event cannot be imported."""
    if isinstance(error, ServiceError):
        return error.message
    return _("The event cannot be read.")


__all__: Sequence[str] = ["Parsed", "apply", "calendar_bytes", "error_message", "read", "vevents_of"]
