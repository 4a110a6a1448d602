"""Importing .ics files: real-world exports (Google, Outlook/Exchange, Thunderbird, DAVx5, …) give
the occurrences an independent expansion (recurring-ical-events) finds; importing again updates
and never duplicates; broken files and events are refused or reported with a clear message while
the rest imports; the API and the page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.agenda import queries, services
from tandem.agenda.models import Calendar, Event
from tandem.core.errors import InvalidInput, NotAllowed, NotFound
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db
ICS = Path(__file__).parent / "ics"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def mine(member: User, calendar_of: Any) -> Calendar:
    return calendar_of(member, "Bob's", time_zone="Europe/Berlin")


def independent_count(data: bytes, start: datetime, end: datetime, *, leave_out: set[str]) -> int:
    calendar = icalendar.Calendar.from_ical(data)
    return sum(
        1
        for component in recurring_ical_events.of(calendar).between(start, end)
        if str(component.get("UID", "")) not in leave_out
    )


# file, range start, range end, events left out (UIDs the file cannot give Tandem)
REAL_WORLD = [
    ("rie-daylight_saving_time.ics", utc(2019, 1, 1), utc(2019, 12, 31)),  # Google, moved occurrences
    ("rie-issue_62_moved_event.ics", utc(2021, 11, 1), utc(2022, 6, 1)),  # Google, RECURRENCE-ID
    ("rie-issue_62_moved_event_2.ics", utc(2021, 11, 1), utc(2022, 6, 1)),
    ("rie-issue_151_macos_linux_difference.ics", utc(2022, 1, 1), utc(2023, 1, 1)),  # Google
    ("rie-issue_48_dst.ics", utc(2019, 1, 1), utc(2020, 12, 31)),  # Google, across DST
    ("rie-x_wr_timezone_simple_events_issue_59.ics", utc(2021, 12, 1), utc(2022, 1, 31)),  # X-WR-TIMEZONE
    ("rie-issue_27_t1.ics", utc(2020, 4, 1), utc(2020, 5, 31)),  # Exchange, Windows VTIMEZONE, EXDATE
    ("rie-issue_28_rrule_with_UTC_endinginZ.ics", utc(2020, 3, 1), utc(2020, 12, 31)),  # Outlook all-day
    ("rie-Germany.ics", utc(2008, 1, 1), utc(2020, 12, 31)),  # Outlook 12
    ("icalendar-timezone_same_start.ics", utc(2017, 1, 1), utc(2017, 12, 31)),  # Exchange, Windows TZID
    ("rie-Germany_Holidays.ics", utc(2018, 1, 1), utc(2020, 12, 31)),  # all-day
    ("rie-issue_18_cancel_status.ics", utc(2019, 1, 1), utc(2019, 12, 31)),  # Thunderbird, CANCELLED
    ("rie-recurring_events_moved.ics", utc(2019, 1, 1), utc(2019, 12, 31)),  # Thunderbird, moved
    ("rie-issue_20_exdate_ignored.ics", utc(2019, 1, 1), utc(2020, 12, 31)),  # DAVx5, EXDATE list
    ("rie-each_week_but_two_deleted.ics", utc(2019, 1, 1), utc(2019, 12, 31)),  # SabreDAV, EXDATE
    ("rie-discourse_no_dtend.ics", utc(2019, 1, 1), utc(2030, 1, 1)),  # no DTEND
    ("rie-duration.ics", utc(2018, 1, 1), utc(2020, 12, 31)),  # DURATION
    ("rie-rdate.ics", utc(2015, 1, 1), utc(2020, 12, 31)),  # RDATE
    ("rie-issue_4_rrule_until.ics", utc(2019, 1, 1), utc(2019, 12, 31)),  # RRULE UNTIL
    ("rie-fablab_cottbus.ics", utc(2015, 1, 1), utc(2020, 12, 31)),  # iCalcreator
    ("rie-issue_61_time_zone_error.ics", utc(2021, 1, 1), utc(2022, 12, 31)),  # Confluence
    ("icalendar-timezoned.ics", utc(2012, 1, 1), utc(2012, 12, 31)),  # Plone
    ("icalendar-x_location.ics", utc(2010, 1, 1), utc(2030, 1, 1)),  # Google
    ("apple-sabre_allday_alarm.ics", utc(2012, 1, 1), utc(2012, 12, 31)),  # Apple, all-day with an alarm
    # Apple: monthly on several ordinal weekdays, RDATEs, an EXDATE and a moved occurrence, in Vienna
    ("apple-cyrus_monthly_rdate_exdate_override.ics", utc(2016, 9, 1), utc(2017, 9, 1)),
]


# Files with a RECURRENCE-ID that is no occurrence of its series (recurring-ical-events shows it as
# an extra occurrence; Tandem reports it and imports the rest of the series)
ORPHAN_OVERRIDES = {"apple-cyrus_monthly_rdate_exdate_override.ics": 1}


@pytest.mark.parametrize(("name", "start", "end"), REAL_WORLD, ids=[row[0] for row in REAL_WORLD])
def test_real_world_file_imports_with_the_occurrences_an_independent_expansion_finds(
    member: User, mine: Calendar, name: str, start: datetime, end: datetime
) -> None:
    data = (ICS / name).read_bytes()
    result = services.import_ics(mine, data, by=member)
    assert result.created > 0
    # a UID that could not be read is left out whole; a changed occurrence its series does not
    # have (an orphan RECURRENCE-ID) is left out alone, and named
    left_out = {error["uid"] for error in result.errors if "changed occurrence" not in error["message"]}
    orphans = [error for error in result.errors if "changed occurrence" in error["message"]]
    assert len(orphans) == ORPHAN_OVERRIDES.get(name, 0), result.errors
    ours = queries.occurrences_for(member, start, end, calendar=mine)
    expected = independent_count(data, start, end, leave_out=left_out) - len(orphans)
    assert len(ours) == expected, result.errors
    # importing the same file again changes nothing and duplicates nothing
    rows = Event.objects.filter(calendar=mine).count()
    again = services.import_ics(mine, data, by=member)
    assert (again.created, again.updated) == (0, 0)
    assert Event.objects.filter(calendar=mine).count() == rows
    assert len(queries.occurrences_for(member, start, end, calendar=mine)) == len(ours)


BROKEN_EVENTS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Broken events//EN\r
BEGIN:VEVENT\r
UID:good@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Berlin:20260302T090000\r
DTEND;TZID=Europe/Berlin:20260302T100000\r
RRULE:FREQ=WEEKLY;COUNT=4\r
SUMMARY:<img src=x onerror=alert(1)>Weekly\r
DESCRIPTION:<script>alert(1)</script>\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:no-start@example.com\r
DTSTAMP:20260101T000000Z\r
SUMMARY:No start\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:bad-rule@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART:20260302T090000Z\r
RRULE:FREQ=HOURLY;COUNT=3\r
SUMMARY:Every hour\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:bad-zone@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Mars/Olympus_Mons:20260302T090000\r
SUMMARY:On Mars\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:bad-date@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART:20261345T250000\r
SUMMARY:Bad date\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_broken_events_are_reported_and_the_rest_imports(member: User, mine: Calendar) -> None:
    result = services.import_ics(mine, BROKEN_EVENTS, by=member)
    assert (result.created, result.updated, result.skipped) == (1, 0, 4)
    messages = {error["uid"]: error["message"] for error in result.errors}
    assert "DTSTART" in messages["no-start@example.com"]
    assert "HOURLY" in messages["bad-rule@example.com"] or "FREQ" in messages["bad-rule@example.com"]
    assert "Mars/Olympus_Mons" in messages["bad-zone@example.com"]
    assert "DTSTART" in messages["bad-date@example.com"]
    good = Event.objects.get(calendar=mine, uid="good@example.com")
    # texts from outside are data: kept as written, never turned into markup
    assert good.title == "<img src=x onerror=alert(1)>Weekly"
    assert good.description == "<script>alert(1)</script>"
    entry = HistoryEntry.objects.filter(
        target_type="calendar", target_id=mine.pk, verb="imported events"
    ).get()
    assert entry.changes == {"created": 1, "updated": 0, "skipped": 4, "errors": 4}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 not a calendar", "not an iCalendar"),
        (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n", "not an iCalendar"),
        ((ICS / "rie-issue_62_moved_event.ics").read_bytes()[:700], "cut short"),
        (b"\x00\x01\x02", "not an iCalendar"),
    ],
    ids=["pdf", "vcard", "truncated", "binary"],
)
def test_a_file_that_is_not_icalendar_is_refused(
    member: User, mine: Calendar, data: bytes, words: str
) -> None:
    with pytest.raises(InvalidInput) as error:
        services.import_ics(mine, data, by=member)
    assert words in error.value.message
    assert not Event.objects.filter(calendar=mine).exists()


def test_reimport_applies_changes_and_keeps_overrides(member: User, mine: Calendar) -> None:
    first = BROKEN_EVENTS.split(b"BEGIN:VEVENT\r\nUID:no-start")[0] + b"END:VCALENDAR\r\n"
    moved = first.replace(
        b"END:VEVENT\r\n",
        b"END:VEVENT\r\nBEGIN:VEVENT\r\nUID:good@example.com\r\nDTSTAMP:20260101T000000Z\r\n"
        b"RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000\r\n"
        b"DTSTART;TZID=Europe/Berlin:20260310T140000\r\nDTEND;TZID=Europe/Berlin:20260310T150000\r\n"
        b"SUMMARY:Moved once\r\nEND:VEVENT\r\n",
    )
    assert services.import_ics(mine, moved, by=member).created == 1
    series = Event.objects.get(calendar=mine, uid="good@example.com", master=None)
    assert series.overrides.get().title == "Moved once"
    # the file changes: a new title, two more weeks, and the third week cancelled
    changed = moved.replace(b"COUNT=4", b"COUNT=6\r\nEXDATE;TZID=Europe/Berlin:20260316T090000").replace(
        b"SUMMARY:<img src=x onerror=alert(1)>Weekly", b"SUMMARY:Weekly review"
    )
    result = services.import_ics(mine, changed, by=member)
    assert (result.created, result.updated, result.skipped) == (0, 1, 0)
    series.refresh_from_db()
    assert series.title == "Weekly review" and series.rrule == "FREQ=WEEKLY;COUNT=6"
    assert series.overrides.get().title == "Moved once"  # re-applying the rule kept the override
    starts = [
        o.start for o in queries.occurrences_for(member, utc(2026, 3, 1), utc(2026, 5, 1), calendar=mine)
    ]
    assert len(starts) == 5 and utc(2026, 3, 16, 8) not in starts and utc(2026, 3, 10, 13) in starts
    assert Event.objects.filter(calendar=mine).count() == 2


def test_who_may_import(member: User, guest: User, manager: User, mine: Calendar, calendar_of: Any) -> None:
    with pytest.raises((NotFound, NotAllowed)):
        services.import_ics(mine, BROKEN_EVENTS, by=guest)
    with pytest.raises(NotAllowed):
        services.import_ics(mine, BROKEN_EVENTS, by=manager)  # sees Bob's public calendar, may not write
    assert not Event.objects.filter(calendar=mine).exists()


def test_import_api(api_as: Callable[..., Any], member: User, manager: User, mine: Calendar) -> None:
    api = api_as(member)
    answer = api.client.post(
        f"/api/v1/calendars/{mine.pk}/import",
        {"file": SimpleUploadedFile("export.ics", BROKEN_EVENTS, content_type="text/calendar")},
        headers=api._headers(None),
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["created"], body["updated"], body["skipped"]) == (1, 0, 4)
    assert {"uid": "no-start@example.com", "message": "The event has no start (DTSTART)."}.items() <= next(
        e for e in body["errors"] if e["uid"] == "no-start@example.com"
    ).items()
    not_ics = api.client.post(
        f"/api/v1/calendars/{mine.pk}/import",
        {"file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
        headers=api._headers(None),
    )
    assert_error(not_ics, 422, "invalid")
    other = api_as(manager).client.post(
        f"/api/v1/calendars/{mine.pk}/import",
        {"file": SimpleUploadedFile("export.ics", BROKEN_EVENTS)},
        headers=api_as(manager)._headers(None),
    )
    assert other.status_code == 403


def test_import_page(client_for: Callable[[User], Any], member: User, mine: Calendar) -> None:
    client = client_for(member)
    url = reverse("agenda:import", args=[mine.pk])
    assert client.get(url).status_code == 200
    page = client.post(url, {"file": SimpleUploadedFile("export.ics", BROKEN_EVENTS)})
    assert page.status_code == 200
    html = page.content.decode()
    assert "The event has no start (DTSTART)." in html and "Mars/Olympus_Mons" in html
    assert "&lt;img src=x onerror=alert(1)&gt;Weekly" not in html or "<img src=x" not in html
    refused = client.post(url, {"file": SimpleUploadedFile("notes.txt", b"hello")})
    assert refused.status_code == 422 and "not an iCalendar" in refused.content.decode()
