"""The calendar floors read the rows Tandem expands (same records), and the calendar generator gives
what it promises: deterministic events whose range columns read back as the services store them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from bench.floor import Database
from bench.scenarios import agenda as floors
from tandem.accounts.models import User
from tandem.agenda import queries
from tandem.agenda.models import Calendar, CalendarKind, Event, reaches_far
from tandem.agenda.recurrence import last_end
from tandem.demo.generate.agenda import TEAM_CALENDAR, generate_agenda

UNTIL = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def db_floor(db: None) -> Database:
    connection.ensure_connection()
    return Database("sqlite" if connection.vendor == "sqlite" else "postgres", connection.connection)


@pytest.fixture
def generated(db: None) -> dict[str, int]:
    return generate_agenda(1_500, team_size=12, seed="floors", until=UNTIL)


def span(start: datetime, end: datetime) -> dict[str, Any]:
    iso = {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "end": f"{end:%Y-%m-%dT%H:%M:%SZ}"}
    return floors._stored(iso)


MONTHS = [(datetime(2025, 11, 1, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC)),
          (datetime(2026, 12, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))]  # fmt: skip


@pytest.mark.parametrize(("start", "end"), MONTHS)
def test_month_floor_reads_the_rows_tandem_expands(
    generated: dict[str, int], db_floor: Database, admin_user: User, start: datetime, end: datetime
) -> None:
    team = Calendar.objects.get(kind=CalendarKind.TEAM, name=TEAM_CALENDAR)
    for calendar in (team, None):
        tandem_rows = queries.in_range(
            Event.objects.filter(calendar=calendar) if calendar else Event.objects.all(), start, end
        )
        floor = floors.month_floor(
            db_floor, {**span(start, end), "calendar": calendar.pk if calendar else None}
        )
        assert sorted(row["id"] for row in floor["rows"]) == sorted(tandem_rows.values_list("pk", flat=True))
        assert floor["rows"], "the month has events"
        shown = queries.occurrences_for(admin_user, start, end, calendar=calendar, details=False)
        assert {o.event.pk for o in shown} <= {row["id"] for row in floor["rows"]}


def test_freebusy_floor_reads_tandems_busy_rows(generated: dict[str, int], db_floor: Database) -> None:
    users = list(
        User.objects.filter(email__startswith="calendar-").order_by("pk").values_list("pk", flat=True)[:5]
    )
    start, end = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 7, tzinfo=UTC)
    tandem_rows = queries.busy_rows(users=users, resources=[], start=start, end=end)
    floor = floors.freebusy_floor(db_floor, {**span(start, end), "users": users})
    assert sorted(row["id"] for row in floor["rows"]) == sorted(tandem_rows.values_list("pk", flat=True))
    assert floor["rows"]


def test_generated_events_are_deterministic_and_carry_their_range_columns(generated: dict[str, int]) -> None:
    assert generated["events"] >= 1_500  # series count once; their moved occurrences come on top
    masters = Event.objects.filter(master__isnull=True)
    assert masters.count() == 1_500
    assert masters.exclude(rrule="").exists() and Event.objects.filter(master__isnull=False).exists()
    for event in masters.exclude(rrule="")[:50]:
        assert event.last_end == last_end(event)
        assert event.spans_long == reaches_far(event.start, event.last_end)
    first = list(masters.order_by("uid").values_list("uid", "start", "rrule")[:20])
    # a second run adds nothing; the same seed on a fresh team gives the same rows
    assert generate_agenda(1_500, team_size=12, seed="floors", until=UNTIL) == {}
    Event.objects.all().delete()
    generate_agenda(1_500, team_size=12, seed="floors", until=UNTIL)
    assert list(masters.order_by("uid").values_list("uid", "start", "rrule")[:20]) == first
    assert UNTIL - timedelta(days=8 * 366) <= masters.order_by("start").first().start  # type: ignore[union-attr]


def test_feed_floor_reads_the_series_of_tandems_feed(generated: dict[str, int], db_floor: Database) -> None:
    from tandem.agenda.services import create_feed

    holder = User.objects.filter(email__startswith="calendar-").order_by("pk").first()
    assert holder is not None
    now = datetime.now(UTC)
    token = create_feed(by=holder)
    tandem_rows = queries.feed_series(token, now=now)
    since = now - floors.FEED_PAST
    floor = floors.feed_floor(db_floor, {"user": holder.pk, "since": f"{since:%Y-%m-%d %H:%M:%S}+00:00"})
    assert sorted(row["id"] for row in floor["rows"]) == sorted(tandem_rows.values_list("pk", flat=True))
    assert floor["rows"]
