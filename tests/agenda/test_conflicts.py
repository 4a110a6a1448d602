"""Double booking: a resource refuses, a person warns until confirmed; recurrences, time zones,
DST weeks and all-day events included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.agenda import services
from tandem.agenda.models import Event
from tandem.core.errors import Conflict

from .conftest import BERLIN, NEW_YORK, at

pytestmark = pytest.mark.django_db


def test_resource_double_booking_is_refused_with_the_clash(
    member: User, manager: User, calendar_of: Any, room: Any, schedule: Callable[..., Event]
) -> None:
    first = schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 5, 4, 10),
        at(BERLIN, 2026, 5, 4, 11),
        resources=[room],
        title="Board prep",
    )
    with pytest.raises(Conflict) as refused:
        schedule(
            manager,
            calendar_of(manager),
            at(BERLIN, 2026, 5, 4, 10, 30),
            at(BERLIN, 2026, 5, 4, 12),
            resources=[room],
            confirm_conflicts=True,
        )
    conflicts = refused.value.extra["conflicts"]
    assert refused.value.extra["confirmable"] is False
    assert [(c["id"], c["resources"], c["occurrence_start"]) for c in conflicts] == [
        (first.pk, [room.pk], "2026-05-04T08:00:00Z")
    ]
    assert Event.objects.count() == 1


def test_touching_events_do_not_clash(
    member: User, manager: User, calendar_of: Any, room: Any, schedule: Callable[..., Event]
) -> None:
    schedule(
        member, calendar_of(member), at(BERLIN, 2026, 5, 4, 10), at(BERLIN, 2026, 5, 4, 11), resources=[room]
    )
    schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 5, 4, 11),
        at(BERLIN, 2026, 5, 4, 12),
        resources=[room],
    )
    assert Event.objects.count() == 2


def test_person_clash_is_a_warning_that_needs_confirming(
    member: User, manager: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    schedule(
        member, calendar_of(member), at(BERLIN, 2026, 5, 4, 10), at(BERLIN, 2026, 5, 4, 11), title="Dentist"
    )
    with pytest.raises(Conflict) as warned:
        schedule(
            manager,
            calendar_of(manager),
            at(BERLIN, 2026, 5, 4, 10, 30),
            at(BERLIN, 2026, 5, 4, 11, 30),
            attendees=[member],
        )
    assert warned.value.extra["confirmable"] is True
    # the manager cannot see the member's private... (public by default) calendar's title; users are named
    assert warned.value.extra["conflicts"][0]["users"] == [member.pk]
    made = schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 5, 4, 10, 30),
        at(BERLIN, 2026, 5, 4, 11, 30),
        attendees=[member],
        confirm_conflicts=True,
    )
    assert made.pk


def test_private_calendar_clash_shows_only_busy(
    member: User, manager: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    schedule(
        member,
        calendar_of(member, private=True),
        at(BERLIN, 2026, 5, 4, 10),
        at(BERLIN, 2026, 5, 4, 11),
        title="Secret interview",
    )
    with pytest.raises(Conflict) as warned:
        schedule(
            manager,
            calendar_of(manager),
            at(BERLIN, 2026, 5, 4, 10),
            at(BERLIN, 2026, 5, 4, 11),
            attendees=[member],
        )
    clash = warned.value.extra["conflicts"][0]
    assert clash["private"] is True and clash["id"] is None and "Secret" not in str(clash)


def test_declined_attendee_is_not_busy(
    member: User, manager: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    event = schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 5, 4, 10),
        at(BERLIN, 2026, 5, 4, 11),
        attendees=[member],
    )
    services.respond(event, by=member, response="declined")
    schedule(member, calendar_of(member), at(BERLIN, 2026, 5, 4, 10), at(BERLIN, 2026, 5, 4, 11))


def test_single_event_clashes_with_a_later_occurrence_of_a_series(
    member: User, manager: User, calendar_of: Any, room: Any, schedule: Callable[..., Event]
) -> None:
    weekly = schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 3, 2, 9),
        at(BERLIN, 2026, 3, 2, 10),
        rrule="FREQ=WEEKLY;BYDAY=MO",
        resources=[room],
    )
    # five weeks later, after Berlin's DST change, the series is at 09:00 CEST = 07:00 UTC
    with pytest.raises(Conflict) as refused:
        schedule(
            manager,
            calendar_of(manager),
            at(BERLIN, 2026, 4, 6, 9, 30),
            at(BERLIN, 2026, 4, 6, 10),
            resources=[room],
        )
    clash = refused.value.extra["conflicts"][0]
    assert clash["id"] == weekly.pk and clash["occurrence_start"] == "2026-04-06T07:00:00Z"
    # 08:00-09:00 local the same day is free
    schedule(
        manager, calendar_of(manager), at(BERLIN, 2026, 4, 6, 8), at(BERLIN, 2026, 4, 6, 9), resources=[room]
    )


def test_series_in_two_zones_clash_only_after_new_york_changes_first(
    member: User, manager: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    # 09:00 New York is 15:00 Berlin, except from 2026-03-08 (New York on daylight time) until
    # 03-29 (Berlin on summer time): then it is 14:00 Berlin, when the member's daily call is
    schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 3, 2, 14),
        at(BERLIN, 2026, 3, 2, 14, 30),
        rrule="FREQ=DAILY;COUNT=40",
    )
    with pytest.raises(Conflict) as warned:
        schedule(
            manager,
            calendar_of(manager),
            at(NEW_YORK, 2026, 3, 2, 9),
            at(NEW_YORK, 2026, 3, 2, 9, 30),
            rrule="FREQ=DAILY;COUNT=40",
            attendees=[member],
        )
    days = sorted(c["occurrence_start"][:10] for c in warned.value.extra["conflicts"])
    assert days[0] == "2026-03-08" and days[-1] == "2026-03-28" and len(days) == 21


def test_all_day_booking_of_a_room_blocks_the_day(
    member: User, manager: User, calendar_of: Any, room: Any, schedule: Callable[..., Event]
) -> None:
    schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 3, 29),
        at(BERLIN, 2026, 3, 29),
        all_day=True,
        resources=[room],
        title="Workshop",
    )
    with pytest.raises(Conflict):
        schedule(
            manager,
            calendar_of(manager),
            at(BERLIN, 2026, 3, 29, 23, 30),
            at(BERLIN, 2026, 3, 30, 0, 30),
            resources=[room],
        )
    # the next local day (after a 23-hour Sunday) is free
    schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 3, 30, 0),
        at(BERLIN, 2026, 3, 30, 1),
        resources=[room],
    )


def test_all_day_event_is_free_time_for_people_unless_marked_busy(
    member: User, manager: User, calendar_of: Any, schedule: Callable[..., Event]
) -> None:
    schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 5, 4),
        at(BERLIN, 2026, 5, 4),
        all_day=True,
        title="Birthday",
    )
    schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 5, 4, 10),
        at(BERLIN, 2026, 5, 4, 11),
        attendees=[member],
    )
    schedule(
        member,
        calendar_of(member),
        at(BERLIN, 2026, 5, 5),
        at(BERLIN, 2026, 5, 5),
        all_day=True,
        busy=True,
        title="Trade fair",
    )
    with pytest.raises(Conflict):
        schedule(
            manager,
            calendar_of(manager),
            at(BERLIN, 2026, 5, 5, 10),
            at(BERLIN, 2026, 5, 5, 11),
            attendees=[member],
        )


def test_moving_an_event_onto_a_booked_room_is_refused(
    member: User, manager: User, calendar_of: Any, room: Any, schedule: Callable[..., Event]
) -> None:
    schedule(
        member, calendar_of(member), at(BERLIN, 2026, 5, 4, 10), at(BERLIN, 2026, 5, 4, 11), resources=[room]
    )
    other = schedule(
        manager,
        calendar_of(manager),
        at(BERLIN, 2026, 5, 4, 12),
        at(BERLIN, 2026, 5, 4, 13),
        resources=[room],
    )
    with pytest.raises(Conflict):
        services.move_event(other, by=manager, version=other.version, start=at(BERLIN, 2026, 5, 4, 10, 15))
    other.refresh_from_db()
    assert other.start == at(BERLIN, 2026, 5, 4, 12)
