"""What keeps a month of a large calendar quick, without changing its answer: a series is expanded
from shortly before the range (not from its first occurrence years ago), and a range query finds
short rows by their start alone and long ones by their last end (Event.spans_long)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.accounts.models import User
from tandem.agenda import queries, services
from tandem.agenda.models import Calendar, Event
from tandem.agenda.recurrence import _ruleset, expand, local, place

from .conftest import BERLIN, NEW_YORK, at

ZONES = [BERLIN, NEW_YORK, ZoneInfo("Asia/Tehran"), ZoneInfo("Australia/Sydney"), ZoneInfo("UTC")]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def full_expansion(event: Event, start: datetime, end: datetime) -> list[datetime]:
    """The occurrences' starts as dateutil gives them walking the rule from its first occurrence."""
    tz = ZoneInfo(event.time_zone)
    length = local(event.end, tz) - local(event.start, tz)
    walls = _ruleset(event, tz).between(
        local(start, tz) - length - timedelta(days=1), local(end, tz), inc=True
    )
    return [place(wall, tz) for wall in walls if place(wall, tz) < end and place(wall + length, tz) > start]


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 5),
    days=st.lists(st.sampled_from(DAYS), max_size=3, unique=True),
    until_days=st.one_of(st.none(), st.integers(10, 4000)),
    first=st.datetimes(datetime(2015, 1, 1), datetime(2024, 12, 31)),  # noqa: DTZ001 - a wall clock
    range_after=st.integers(0, 3000),
    range_days=st.integers(1, 45),
)
def test_expanding_from_the_range_gives_what_walking_from_the_first_occurrence_gives(
    zone: ZoneInfo,
    freq: str,
    interval: int,
    days: list[str],
    until_days: int | None,
    first: datetime,
    range_after: int,
    range_days: int,
) -> None:
    rule = f"FREQ={freq};INTERVAL={interval}"
    if days:
        rule += ";BYDAY=" + ",".join(days)
    begins = first.replace(second=0, microsecond=0, tzinfo=zone)
    if until_days is not None:
        rule += f";UNTIL={(begins + timedelta(days=until_days)).astimezone(UTC):%Y%m%dT%H%M%SZ}"
    event = Event(
        pk=1, title="Series", start=begins.astimezone(UTC), end=(begins + timedelta(minutes=45)).astimezone(UTC),
        time_zone=str(zone), rrule=rule,
    )  # fmt: skip
    start = event.start + timedelta(days=range_after)
    end = start + timedelta(days=range_days)
    assert [o.start for o in expand(event, start, end)] == full_expansion(event, start, end)


def test_a_daily_series_years_old_expands_a_month_exactly() -> None:
    event = Event(
        pk=1, title="Stand-up", start=at(BERLIN, 2016, 3, 1, 9).astimezone(UTC),
        end=at(BERLIN, 2016, 3, 1, 9, 15).astimezone(UTC), time_zone="Europe/Berlin",
        rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR",
    )  # fmt: skip
    march = expand(event, at(BERLIN, 2026, 3, 1).astimezone(UTC), at(BERLIN, 2026, 4, 1).astimezone(UTC))
    assert len(march) == 22  # the working days of March 2026
    # 09:00 in Berlin on either side of the change to summer time (29 March 2026)
    assert {local(o.start, BERLIN).hour for o in march} == {9}
    assert march[0].start == at(BERLIN, 2026, 3, 2, 9).astimezone(UTC)


@pytest.mark.django_db
def test_long_and_short_rows_are_marked_on_every_save(
    admin_user: User, calendar_of: Callable[..., Calendar], schedule: Callable[..., Event]
) -> None:
    calendar = calendar_of(admin_user)
    meeting = schedule(
        admin_user, calendar, at(BERLIN, 2026, 5, 4, 9), at(BERLIN, 2026, 5, 4, 10), confirm_conflicts=True
    )
    fair = schedule(
        admin_user, calendar, at(BERLIN, 2026, 5, 1, 9), at(BERLIN, 2026, 6, 15, 18), confirm_conflicts=True
    )
    weekly = schedule(
        admin_user,
        calendar,
        at(BERLIN, 2026, 5, 5, 9),
        at(BERLIN, 2026, 5, 5, 10),
        rrule="FREQ=WEEKLY;COUNT=3",
        confirm_conflicts=True,
    )
    endless = schedule(
        admin_user,
        calendar,
        at(BERLIN, 2026, 5, 6, 9),
        at(BERLIN, 2026, 5, 6, 10),
        rrule="FREQ=WEEKLY",
        confirm_conflicts=True,
    )
    assert [e.spans_long for e in (meeting, fair, weekly, endless)] == [False, True, False, True]
    services.update_event(
        weekly,
        by=admin_user,
        version=weekly.version,
        data={"rrule": "FREQ=WEEKLY;COUNT=30"},
        scope="all",
        confirm_conflicts=True,
    )
    weekly.refresh_from_db()
    assert weekly.spans_long is True


@pytest.mark.django_db
def test_a_range_finds_short_long_and_endless_rows_and_nothing_else(
    admin_user: User, calendar_of: Callable[..., Calendar], schedule: Callable[..., Event]
) -> None:
    calendar = calendar_of(admin_user)
    june, july = at(BERLIN, 2026, 6, 1), at(BERLIN, 2026, 7, 1)
    inside = schedule(
        admin_user, calendar, at(BERLIN, 2026, 6, 10, 9), at(BERLIN, 2026, 6, 10, 10), confirm_conflicts=True
    )
    # starts 30 days before June and runs into it: short, found by its start
    overlapping = schedule(
        admin_user, calendar, at(BERLIN, 2026, 5, 2, 9), at(BERLIN, 2026, 6, 2, 9), confirm_conflicts=True
    )
    # a fair of 70 days from March: long, found by its end
    fair = schedule(
        admin_user, calendar, at(BERLIN, 2026, 3, 28, 9), at(BERLIN, 2026, 6, 6, 18), confirm_conflicts=True
    )
    endless = schedule(
        admin_user,
        calendar,
        at(BERLIN, 2020, 1, 6, 9),
        at(BERLIN, 2020, 1, 6, 10),
        rrule="FREQ=WEEKLY",
        confirm_conflicts=True,
    )
    schedule(
        admin_user, calendar, at(BERLIN, 2026, 5, 20, 9), at(BERLIN, 2026, 5, 20, 10), confirm_conflicts=True
    )  # before
    schedule(
        admin_user, calendar, at(BERLIN, 2026, 7, 1, 9), at(BERLIN, 2026, 7, 1, 10), confirm_conflicts=True
    )  # after
    schedule(
        admin_user, calendar, at(BERLIN, 2026, 1, 5, 9), at(BERLIN, 2026, 5, 29, 18), confirm_conflicts=True
    )  # long, ended
    found = queries.in_range(Event.objects.all(), june.astimezone(UTC), july.astimezone(UTC))
    assert set(found) == {inside, overlapping, fair, endless}
    weeks = queries.occurrences_for(admin_user, june.astimezone(UTC), july.astimezone(UTC))
    assert sum(1 for o in weeks if o.event == endless) == 5  # the Mondays of June 2026
