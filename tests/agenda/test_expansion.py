"""Occurrences of recurring events: RRULE with COUNT and UNTIL, EXDATE, RDATE and overrides,
expanded in the event's own zone (pure functions over unsaved rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.agenda.models import Event
from tandem.agenda.recurrence import expand, iso, last_end, normalise_rule
from tandem.core.errors import InvalidInput

from .conftest import BERLIN, NEW_YORK, at


def series(start: datetime, minutes: int = 60, **fields: object) -> Event:
    return Event(
        pk=1,
        title="Stand-up",
        start=start.astimezone(UTC),
        end=(start + timedelta(minutes=minutes)).astimezone(UTC),
        time_zone=str(start.tzinfo),
        **fields,
    )


def starts(event: Event, begin: datetime, end: datetime, **kw: object) -> list[datetime]:
    return [o.start for o in expand(event, begin.astimezone(UTC), end.astimezone(UTC), **kw)]  # type: ignore[arg-type]


def test_daily_with_count_stops_after_count() -> None:
    event = series(at(BERLIN, 2026, 5, 4, 9), rrule="FREQ=DAILY;COUNT=5")
    found = starts(event, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 1))
    assert [s.astimezone(BERLIN).day for s in found] == [4, 5, 6, 7, 8]
    assert last_end(event) == at(BERLIN, 2026, 5, 8, 10).astimezone(UTC)


def test_weekly_with_exdate_and_rdate() -> None:
    skipped = at(BERLIN, 2026, 5, 11, 9).astimezone(UTC)
    extra = at(BERLIN, 2026, 5, 13, 15).astimezone(UTC)
    event = series(
        at(BERLIN, 2026, 5, 4, 9),
        rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
        exdates=[iso(skipped)],
        rdates=[iso(extra)],
    )
    found = [s.astimezone(BERLIN) for s in starts(event, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 30))]
    assert [(s.day, s.hour) for s in found] == [(4, 9), (13, 15), (18, 9), (25, 9)]


def test_until_in_utc_includes_the_last_occurrence() -> None:
    event = series(at(NEW_YORK, 2026, 6, 1, 9), rrule="FREQ=DAILY;UNTIL=20260603T130000Z")
    found = starts(event, at(NEW_YORK, 2026, 5, 1), at(NEW_YORK, 2026, 7, 1))
    assert [s.astimezone(NEW_YORK).day for s in found] == [1, 2, 3]
    assert last_end(event) == at(NEW_YORK, 2026, 6, 3, 10).astimezone(UTC)


def test_until_as_a_date_means_that_whole_day() -> None:
    event = series(at(BERLIN, 2026, 6, 1, 18), rrule="FREQ=DAILY;UNTIL=20260603")
    assert len(starts(event, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 7, 1))) == 3


def test_overridden_occurrence_is_left_to_its_override() -> None:
    event = series(at(BERLIN, 2026, 5, 4, 9), rrule="FREQ=DAILY;COUNT=3")
    moved = at(BERLIN, 2026, 5, 5, 9).astimezone(UTC)
    found = starts(event, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 1), overridden=[moved])
    assert moved not in found and len(found) == 2


def test_endless_series_has_no_last_end_and_expands_only_the_range() -> None:
    event = series(at(BERLIN, 2020, 1, 6, 9), rrule="FREQ=WEEKLY")
    assert last_end(event) is None
    found = starts(event, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 5, 31))
    assert [s.astimezone(BERLIN).day for s in found] == [4, 11, 18, 25]


def test_weekly_meeting_stays_at_nine_local_across_berlin_dst() -> None:
    # Berlin goes to summer time on Sunday 2026-03-29
    event = series(at(BERLIN, 2026, 3, 23, 9), rrule="FREQ=DAILY;COUNT=10")
    found = starts(event, at(BERLIN, 2026, 3, 20), at(BERLIN, 2026, 4, 10))
    assert {s.astimezone(BERLIN).hour for s in found} == {9}
    utc_hours = [(s.day, s.hour) for s in found]
    assert (28, 8) in utc_hours and (29, 7) in utc_hours  # 09:00 CET, then 09:00 CEST


def test_new_york_dst_week() -> None:
    # New York goes to daylight time on Sunday 2026-03-08
    event = series(at(NEW_YORK, 2026, 3, 2, 9), minutes=30, rrule="FREQ=WEEKLY;BYDAY=MO,WE,FR")
    found = starts(event, at(NEW_YORK, 2026, 3, 1), at(NEW_YORK, 2026, 3, 15))
    assert [s.astimezone(NEW_YORK).hour for s in found] == [9] * 6
    assert [s.hour for s in found] == [14, 14, 14, 13, 13, 13]


def test_time_in_the_gap_takes_the_offset_before_it() -> None:
    event = series(at(BERLIN, 2026, 3, 27, 2, 30), rrule="FREQ=DAILY;COUNT=3")
    found = starts(event, at(BERLIN, 2026, 3, 26), at(BERLIN, 2026, 3, 31))
    assert [s.astimezone(BERLIN).strftime("%d %H:%M") for s in found] == ["27 02:30", "28 02:30", "29 03:30"]


def test_all_day_series_keeps_whole_local_days_across_dst() -> None:
    start = at(BERLIN, 2026, 3, 28)
    event = Event(
        pk=1,
        title="Offsite",
        start=start.astimezone(UTC),
        end=(start + timedelta(days=1)).astimezone(UTC),
        time_zone="Europe/Berlin",
        all_day=True,
        rrule="FREQ=DAILY;COUNT=3",
    )
    found = expand(event, at(BERLIN, 2026, 3, 27).astimezone(UTC), at(BERLIN, 2026, 4, 2).astimezone(UTC))
    assert [(o.end - o.start) for o in found] == [
        timedelta(hours=24),
        timedelta(hours=23),
        timedelta(hours=24),
    ]
    assert all(o.start.astimezone(BERLIN).hour == 0 for o in found)


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=SECONDLY",
        "FREQ=MINUTELY",
        "FREQ=HOURLY",
        "FREQ=WEEKLY;COUNT=0",
        "BYDAY=MO",
        "FREQ=DAILY;BYHOUR=3",
        "FREQ=DAILY;COUNT=2;UNTIL=20260101",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=DAILY;UNTIL=tomorrow",
        "nonsense",
        "FREQ=DAILY\nRRULE:FREQ=DAILY",
    ],
)
def test_broken_or_unsupported_rules_are_refused_with_a_message(rule: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalise_rule(rule)
    assert refused.value.field == "rrule" and refused.value.message


def test_rule_is_normalised() -> None:
    assert normalise_rule("RRULE:freq=weekly;byday=mo,we;") == "FREQ=WEEKLY;BYDAY=MO,WE"
