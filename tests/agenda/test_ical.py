"""tandem.agenda.ical: Tandem's events as VEVENTs (checked by icalendar and an independent expansion
with recurring-ical-events), .ics files read into service data, and applied by UID."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from tandem.accounts.models import User
from tandem.agenda import ical, queries, services
from tandem.agenda.models import Calendar, Event
from tandem.core.errors import InvalidInput
from tests.agenda.conftest import BERLIN, NEW_YORK, at

pytestmark = pytest.mark.django_db
ICS = Path(__file__).parent / "ics"
UTC_ZONE = ZoneInfo("UTC")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def mine(member: User, calendar_of: Any) -> Calendar:
    return calendar_of(member, "Bob's", time_zone="Europe/Berlin")


@pytest.fixture
def weekly(member: User, mine: Calendar, schedule: Callable[..., Event], make_person: Any) -> Event:
    """A weekly Berlin meeting across the change to summer time: one occurrence left out, one moved."""
    series = schedule(
        member,
        mine,
        at(BERLIN, 2026, 3, 17, 9),
        at(BERLIN, 2026, 3, 17, 10),
        title="Planning <b>weekly</b>",
        description="Agenda:\n1. numbers; 2. <script>x</script>",
        location="Room 1, floor 2",
        video_url="https://meet.example.com/abc",
        priority=3,
        rrule="FREQ=WEEKLY;UNTIL=20260505",
        attendees=[member],
        people=[make_person("Carla", "Customer", emails=[{"email": "carla@example.com"}])],
    )
    services.delete_event(series, by=member, scope="this", occurrence=at(BERLIN, 2026, 3, 24, 9))
    services.move_event(
        series, by=member, version=None, start=at(BERLIN, 2026, 4, 2, 14), scope="this",
        occurrence=at(BERLIN, 2026, 3, 31, 9),
    )  # fmt: skip
    return Event.objects.get(pk=series.pk)


def tandem_occurrences(
    user: User, calendar: Calendar, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    return [(o.start, o.end) for o in queries.occurrences_for(user, start, end, calendar=calendar)]


def expanded(
    data: bytes, start: datetime, end: datetime, *, day_zone: ZoneInfo = UTC_ZONE
) -> list[tuple[datetime, datetime]]:
    """The occurrences recurring-ical-events finds in a file, as UTC spans (an all-day one from
    midnight to midnight in `day_zone`, the zone Tandem keeps it in)."""
    found = []
    for component in recurring_ical_events.of(icalendar.Calendar.from_ical(data)).between(start, end):
        spans = []
        for moment in (component.start, component.end):
            if not isinstance(moment, datetime):
                moment = datetime.combine(moment, time(), tzinfo=day_zone)
            spans.append(moment.astimezone(UTC))
        found.append((spans[0], spans[1]))
    return sorted(found)


def test_a_series_is_a_master_and_its_overrides(weekly: Event) -> None:
    master, moved = ical.vevents_of(weekly)
    assert master["UID"] == moved["UID"] == weekly.uid
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master["DTSTART"].dt == datetime(2026, 3, 17, 9, tzinfo=BERLIN)
    # UNTIL as a UTC time beside a zoned DTSTART (RFC 5545 3.3.10): the end of 5 May in Berlin
    assert master["RRULE"]["UNTIL"] == [utc(2026, 5, 5, 21, 59, 59)]
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2026, 3, 24, 9, tzinfo=BERLIN)]
    assert moved["RECURRENCE-ID"].dt == datetime(2026, 3, 31, 9, tzinfo=BERLIN)
    assert moved["DTSTART"].dt == datetime(2026, 4, 2, 14, tzinfo=BERLIN)
    assert str(master["SUMMARY"]) == "Planning <b>weekly</b>" and master["PRIORITY"] == 3
    assert str(master["URL"]) == "https://meet.example.com/abc"
    assert master["TRANSP"] == "OPAQUE" and master["STATUS"] == "CONFIRMED"
    assert master["SEQUENCE"] == weekly.sequence
    attendees = [str(a) for a in master["ATTENDEE"]]
    assert f"mailto:{weekly.organizer.email}" == str(master["ORGANIZER"])  # type: ignore[union-attr]
    assert "mailto:carla@example.com" in attendees
    # a feed leaves customer-base people out
    assert "ATTENDEE" not in ical.vevents_of(weekly, with_people=False)[
        0
    ] or "mailto:carla@example.com" not in [
        str(a) for a in ical.vevents_of(weekly, with_people=False)[0]["ATTENDEE"]
    ]


def test_calendar_bytes_is_valid_and_expands_as_tandem_does(
    member: User, mine: Calendar, weekly: Event, schedule: Callable[..., Event]
) -> None:
    schedule(
        member, mine, at(NEW_YORK, 2026, 3, 20), at(NEW_YORK, 2026, 3, 22), title="Trip", all_day=True,
        time_zone="America/New_York", rrule="FREQ=MONTHLY;COUNT=3",
    )  # fmt: skip
    schedule(member, mine, at(NEW_YORK, 2026, 4, 8, 16), at(NEW_YORK, 2026, 4, 8, 17), title="NY call")
    series = Event.objects.filter(calendar=mine, master=None)
    data = ical.calendar_bytes(series, name="Bob's calendar")
    parsed = icalendar.Calendar.from_ical(data)
    assert parsed["VERSION"] == "2.0" and str(parsed["X-WR-CALNAME"]) == "Bob's calendar"
    assert {tz["TZID"] for tz in parsed.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York"}
    assert parsed.get_missing_tzids() == set()
    trip = next(c for c in parsed.walk("VEVENT") if c["SUMMARY"] == "Trip")
    assert trip["DTSTART"].dt == date(2026, 3, 20) and trip["DTEND"].dt == date(2026, 3, 22)
    start, end = utc(2026, 3, 1), utc(2026, 7, 1)
    ours = tandem_occurrences(member, mine, start, end)
    assert len(ours) == 7 + 3 + 1
    assert expanded(data, start, end, day_zone=NEW_YORK) == sorted(ours)
    # the same rows give the same bytes (stable UIDs, DTSTAMP from the last change)
    assert ical.calendar_bytes(series, name="Bob's calendar") == data


def test_not_icalendar_is_refused() -> None:
    for data, words in (
        (b"%PDF-1.4 not a calendar", "not an iCalendar"),
        (b"", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n", "cut short"),
    ):
        with pytest.raises(InvalidInput) as error:
            ical.read(data)
        assert words in error.value.message


def test_outlook_windows_zone_and_exdate() -> None:
    (found,) = ical.read((ICS / "rie-issue_27_t1.ics").read_bytes())
    master = found.master
    assert master is not None and found.error is None
    assert master["time_zone"] == "Europe/Berlin"
    assert master["start"] == utc(2020, 4, 26, 12) and master["rrule"] == "FREQ=DAILY;UNTIL=20200429T000000"
    assert master["exdates"] == [utc(2020, 4, 27, 12)]
    (pacific,) = ical.read((ICS / "icalendar-timezone_same_start.ics").read_bytes())
    assert pacific.master is not None and pacific.master["time_zone"] == "America/Los_Angeles"


def test_outlook_all_day_series_with_moved_occurrences() -> None:
    parsed = ical.read((ICS / "rie-issue_28_rrule_with_UTC_endinginZ.ics").read_bytes())
    with_overrides = next(p for p in parsed if p.overrides)
    assert with_overrides.master is not None and with_overrides.master["all_day"] is True
    assert "UNTIL=20200916" in with_overrides.master["rrule"]
    # Outlook names an all-day occurrence by midnight in its zone: the day is kept, as a date
    assert with_overrides.overrides[0]["recurrence_id"] == datetime(2020, 4, 16)  # noqa: DTZ001


def test_google_x_wr_timezone_and_missing_parts() -> None:
    parsed = ical.read((ICS / "rie-x_wr_timezone_simple_events_issue_59.ics").read_bytes())
    # Google writes UTC times and names the calendar's zone in X-WR-TIMEZONE: the events take it
    assert [p.master["time_zone"] for p in parsed if p.master] == ["America/New_York"] * 2
    broken = {
        p.uid: p.error
        for p in ical.read((ICS / "icalendar-issue_722_missing_VTIMEZONE_custom.ics").read_bytes())
    }
    assert "CUSTOM_tzid" in (next(iter(broken.values())) or "")


def test_apply_creates_then_leaves_alone_then_updates(member: User, mine: Calendar) -> None:
    data = (ICS / "rie-issue_62_moved_event.ics").read_bytes()
    (parsed,) = ical.read(data)
    assert ical.apply(mine, parsed, by=member) == "created"
    series = Event.objects.get(calendar=mine, uid=parsed.uid, master=None)
    assert series.overrides.count() == 1
    (again,) = ical.read(data)
    assert ical.apply(mine, again, by=member) == "unchanged"
    assert Event.objects.filter(calendar=mine).count() == 2
    assert again.master is not None
    again.master["title"] = "Renamed"
    assert ical.apply(mine, again, by=member) == "updated"
    series.refresh_from_db()
    assert series.title == "Renamed" and series.overrides.count() == 1
