"""Changing and cancelling one occurrence, this and the following ones, or the whole series."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.agenda import queries, services
from tandem.agenda.models import Event
from tandem.core.errors import InvalidInput, StaleVersion

from .conftest import BERLIN, at

pytestmark = pytest.mark.django_db


def listed(user: User, begin: datetime, end: datetime) -> list[tuple[str, str]]:
    return [
        (o.start.astimezone(BERLIN).strftime("%m-%d %H:%M"), o.event.title)
        for o in queries.occurrences_for(user, begin.astimezone(UTC), end.astimezone(UTC))
    ]


@pytest.fixture
def daily(member: User, calendar_of: Any, schedule: Callable[..., Event]) -> Event:
    return schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 5, 4, 9),
        at(BERLIN, 2026, 5, 4, 9, 30),
        title="Stand-up",
        rrule="FREQ=DAILY;COUNT=5",
    )


def test_this_makes_an_override_with_the_series_uid(member: User, daily: Event) -> None:
    override = services.update_event(
        daily,
        by=member,
        version=daily.version,
        scope="this",
        occurrence=at(BERLIN, 2026, 5, 6, 9),
        data={
            "title": "Stand-up (long)",
            "start": at(BERLIN, 2026, 5, 6, 11),
            "end": at(BERLIN, 2026, 5, 6, 12),
        },
    )
    assert override.master_id == daily.pk and override.uid == daily.uid
    assert override.recurrence_id == at(BERLIN, 2026, 5, 6, 9)
    assert listed(member, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 1)) == [
        ("05-04 09:00", "Stand-up"),
        ("05-05 09:00", "Stand-up"),
        ("05-06 11:00", "Stand-up (long)"),
        ("05-07 09:00", "Stand-up"),
        ("05-08 09:00", "Stand-up"),
    ]
    assert HistoryEntry.objects.filter(
        target_type="event", target_id=daily.pk, verb="changed occurrence"
    ).exists()


def test_this_twice_changes_the_same_override(member: User, daily: Event) -> None:
    for title in ("A", "B"):
        daily.refresh_from_db()
        services.update_event(
            daily,
            by=member,
            version=daily.version,
            scope="this",
            occurrence=at(BERLIN, 2026, 5, 6, 9),
            data={"title": title},
        )
    assert list(Event.objects.filter(master=daily).values_list("title", flat=True)) == ["B"]


def test_stale_version_is_refused(member: User, daily: Event) -> None:
    with pytest.raises(StaleVersion):
        services.update_event(daily, by=member, version=daily.version + 5, data={"title": "x"})


def test_no_occurrence_then_is_refused(member: User, daily: Event) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.update_event(
            daily,
            by=member,
            version=daily.version,
            scope="this",
            occurrence=at(BERLIN, 2026, 5, 6, 10),
            data={"title": "x"},
        )
    assert refused.value.field == "occurrence"


def test_all_keeps_exceptions_when_the_series_moves(member: User, daily: Event) -> None:
    services.update_event(
        daily,
        by=member,
        version=daily.version,
        scope="this",
        occurrence=at(BERLIN, 2026, 5, 6, 9),
        data={"title": "Special"},
    )
    daily.refresh_from_db()
    services.delete_event(daily, by=member, scope="this", occurrence=at(BERLIN, 2026, 5, 7, 9))
    daily.refresh_from_db()
    # the whole series moves an hour later, and its rule is re-applied
    services.update_event(
        daily,
        by=member,
        version=daily.version,
        scope="all",
        data={"start": at(BERLIN, 2026, 5, 4, 10), "rrule": "FREQ=DAILY;COUNT=5"},
    )
    assert listed(member, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 1)) == [
        ("05-04 10:00", "Stand-up"),
        ("05-05 10:00", "Stand-up"),
        ("05-06 10:00", "Special"),
        ("05-08 10:00", "Stand-up"),
    ]


def test_following_splits_the_series(member: User, daily: Event) -> None:
    services.update_event(
        daily,
        by=member,
        version=daily.version,
        scope="this",
        occurrence=at(BERLIN, 2026, 5, 8, 9),
        data={"title": "Last one"},
    )
    daily.refresh_from_db()
    later = services.update_event(
        daily,
        by=member,
        version=daily.version,
        scope="following",
        occurrence=at(BERLIN, 2026, 5, 6, 9),
        data={"title": "Sync", "start": at(BERLIN, 2026, 5, 6, 14)},
    )
    daily.refresh_from_db()
    assert (
        later.uid != daily.uid and daily.rrule == "FREQ=DAILY;COUNT=2" and later.rrule == "FREQ=DAILY;COUNT=3"
    )
    # the override after the split moved to the new series, with its time moved as the series did
    override = Event.objects.get(master=later)
    assert override.uid == later.uid and override.recurrence_id == at(BERLIN, 2026, 5, 8, 14)
    assert listed(member, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 1)) == [
        ("05-04 09:00", "Stand-up"),
        ("05-05 09:00", "Stand-up"),
        ("05-06 14:00", "Sync"),
        ("05-07 14:00", "Sync"),
        ("05-08 14:00", "Last one"),
    ]


def test_following_on_an_until_series(member: User, calendar_of: Any, schedule: Callable[..., Event]) -> None:
    event = schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 5, 4, 9),
        at(BERLIN, 2026, 5, 4, 10),
        rrule="FREQ=WEEKLY;UNTIL=20260601T235959Z",
    )
    services.delete_event(event, by=member, scope="following", occurrence=at(BERLIN, 2026, 5, 18, 9))
    assert [day for day, _title in listed(member, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 7, 1))] == [
        "05-04 09:00",
        "05-11 09:00",
    ]


def test_cancel_this_adds_an_exdate_and_all_removes_everything(member: User, daily: Event) -> None:
    services.delete_event(daily, by=member, scope="this", occurrence=at(BERLIN, 2026, 5, 5, 9))
    assert len(listed(member, at(BERLIN, 2026, 5, 1), at(BERLIN, 2026, 6, 1))) == 4
    services.delete_event(daily, by=member, scope="all")
    assert not Event.objects.exists()
    assert HistoryEntry.objects.filter(target_type="event", verb="cancelled event").exists()


def test_editing_all_with_a_broken_rule_changes_nothing(member: User, daily: Event) -> None:
    with pytest.raises(InvalidInput):
        services.update_event(
            daily, by=member, version=daily.version, data={"title": "New", "rrule": "FREQ=OFTEN"}
        )
    daily.refresh_from_db()
    assert daily.title == "Stand-up"


def test_respond_to_one_occurrence(
    member: User, manager: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    event = schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 5, 4, 9),
        at(BERLIN, 2026, 5, 4, 10),
        rrule="FREQ=DAILY;COUNT=3",
        attendees=[member],
    )
    override = services.respond(event, by=member, response="declined", occurrence=at(BERLIN, 2026, 5, 5, 9))
    assert override.master_id == event.pk
    assert override.attendees.get(user=member).response == "declined"
    assert event.attendees.get(user=member).response == "needs_action"


def test_moving_an_all_day_event_onto_a_dst_sunday_keeps_one_day(
    member: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    event = schedule(
        member, calendar_of(member), at(BERLIN, 2026, 3, 22), at(BERLIN, 2026, 3, 22), all_day=True
    )
    moved = services.move_event(event, by=member, version=event.version, start=at(BERLIN, 2026, 3, 29))
    assert (moved.start, moved.end) == (at(BERLIN, 2026, 3, 29), at(BERLIN, 2026, 3, 30))
    moved = services.move_event(moved, by=member, version=moved.version, start=at(BERLIN, 2026, 4, 5))
    assert (moved.start, moved.end) == (at(BERLIN, 2026, 4, 5), at(BERLIN, 2026, 4, 6))
