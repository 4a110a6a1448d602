"""Secret iCalendar feeds: the feed round-trips (icalendar + recurring-ical-events find Tandem's
occurrences), has VTIMEZONEs and stable UIDs, caches, honours visibility, and dies on revocation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import Team, User
from tandem.activity.models import HistoryEntry
from tandem.agenda import queries, services
from tandem.agenda.models import Calendar, CalendarKind, Event, FeedToken
from tandem.core.errors import NotFound
from tests.agenda.conftest import BERLIN, NEW_YORK, at

pytestmark = pytest.mark.django_db


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def path(token: FeedToken) -> str:
    return reverse("calendar-feed", args=[token.secret])


@pytest.fixture
def mine(member: User, calendar_of: Any) -> Calendar:
    return calendar_of(member, "Bob's", time_zone="Europe/Berlin")


@pytest.fixture
def busy_week(
    member: User, manager: User, mine: Calendar, schedule: Callable[..., Event], calendar_of: Any
) -> Event:
    series = schedule(
        member, mine, at(BERLIN, 2027, 3, 17, 9), at(BERLIN, 2027, 3, 17, 10), title="Planning",
        rrule="FREQ=WEEKLY;COUNT=8",
    )  # fmt: skip
    services.move_event(
        series, by=member, version=None, start=at(BERLIN, 2027, 3, 26, 15), scope="this",
        occurrence=at(BERLIN, 2027, 3, 24, 9),
    )  # fmt: skip
    services.delete_event(series, by=member, scope="this", occurrence=at(BERLIN, 2027, 4, 7, 9))
    # an event of someone else's calendar Bob is invited to, in another zone
    schedule(
        manager, calendar_of(manager, "Mia's", time_zone="America/New_York"), at(NEW_YORK, 2027, 3, 20, 11),
        at(NEW_YORK, 2027, 3, 20, 12), title="Customer call", attendees=[member, manager],
    )  # fmt: skip
    schedule(member, mine, at(BERLIN, 2027, 4, 1), at(BERLIN, 2027, 4, 2), title="Offsite", all_day=True)
    return Event.objects.get(pk=series.pk)


def test_the_feed_round_trips(member: User, busy_week: Event, settings: Any) -> None:
    token = services.create_feed(by=member)
    answer = Client().get(path(token))
    assert answer.status_code == 200 and answer["Content-Type"] == "text/calendar; charset=utf-8"
    data = answer.content
    calendar = icalendar.Calendar.from_ical(data)
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Europe/Berlin", "America/New_York"}
    assert calendar.get_missing_tzids() == set()
    assert any(c.get("RRULE") for c in calendar.walk("VEVENT"))  # series are sent whole, not expanded
    start, end = utc(2027, 3, 1), utc(2027, 6, 1)
    theirs = sorted(
        (
            c.start.astimezone(UTC)
            if isinstance(c.start, datetime)
            else datetime.combine(c.start, datetime.min.time(), BERLIN).astimezone(UTC)
        )
        for c in recurring_ical_events.of(calendar).between(start, end)
    )
    ours = sorted(o.start for o in queries.occurrences_for(member, start, end, attendee=member.pk))
    assert len(ours) == 7 + 1 + 1 and theirs == ours
    # UIDs are stable across requests; an unchanged feed answers 304
    again = Client().get(path(token))
    assert again.content == data
    assert Client().get(path(token), headers={"If-None-Match": answer["ETag"]}).status_code == 304
    assert answer["Last-Modified"]


def test_a_team_and_a_resource_feed(
    member: User, manager: User, room: Calendar, schedule: Callable[..., Event], calendar_of: Any
) -> None:
    team = Team.objects.create(name="Sales", slug="sales")
    team.members.add(member)
    team_calendar = services.create_calendar(
        by=manager, kind=CalendarKind.TEAM, team=team, data={"name": "Sales"}
    )
    schedule(manager, team_calendar, at(BERLIN, 2027, 5, 4, 9), at(BERLIN, 2027, 5, 4, 10), title="Pipeline")
    schedule(
        manager, calendar_of(manager), at(BERLIN, 2027, 5, 5, 9), at(BERLIN, 2027, 5, 5, 10), title="Room booked",
        resources=[room],
    )  # fmt: skip
    for calendar, title in ((team_calendar, b"Pipeline"), (room, b"Room booked")):
        token = services.create_feed(by=member, calendar=calendar)
        answer = Client().get(path(token))
        assert answer.status_code == 200 and b"SUMMARY:" + title in answer.content


def test_revoking_and_a_new_address(member: User, busy_week: Event) -> None:
    token = services.create_feed(by=member)
    old = path(token)
    assert Client().get(old).status_code == 200
    services.rotate_feed(token, by=member)
    assert Client().get(old).status_code == 404
    assert Client().get(path(token)).status_code == 200
    services.revoke_feed(token, by=member)
    assert Client().get(path(token)).status_code == 404
    verbs = list(HistoryEntry.objects.filter(target_type="calendar feed").values_list("verb", flat=True))
    assert sorted(verbs) == ["changed feed", "made feed", "revoked feed"]


def test_unknown_secrets_and_deactivated_holders_answer_404(member: User, busy_week: Event) -> None:
    token = services.create_feed(by=member)
    assert Client().get(reverse("calendar-feed", args=["0" * 64])).status_code == 404
    assert Client().get(reverse("calendar-feed", args=[token.secret[:-1] + "x"])).status_code == 404
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Client().get(path(token)).status_code == 404


def test_a_feed_shows_only_what_its_holder_may_see(
    member: User,
    manager: User,
    guest: User,
    admin_user: User,
    schedule: Callable[..., Event],
    calendar_of: Any,
) -> None:
    secret = calendar_of(manager, "Mia's private", private=True)
    schedule(manager, secret, at(BERLIN, 2027, 5, 4, 9), at(BERLIN, 2027, 5, 4, 10), title="Private")
    team = Team.objects.create(name="Board", slug="board")
    team.members.add(member)
    board = services.create_calendar(by=admin_user, kind=CalendarKind.TEAM, team=team, data={"name": "Board"})
    schedule(admin_user, board, at(BERLIN, 2027, 5, 6, 9), at(BERLIN, 2027, 5, 6, 10), title="Board only")
    # a private calendar's events are in no feed of someone who cannot see it
    mine = Client().get(path(services.create_feed(by=member)))
    assert b"Private" not in mine.content
    with pytest.raises(NotFound):  # a calendar the guest cannot see
        services.create_feed(by=guest, calendar=secret)
    # the team feed dies when its holder leaves the team calendar's reach
    token = services.create_feed(by=member, calendar=board)
    assert b"Board only" in Client().get(path(token)).content
    board.private = True
    board.save(update_fields=["private"])
    team.members.remove(member)
    assert Client().get(path(token)).status_code == 404
    # archived: 404
    team.members.add(member)
    board.archived_at = board.created_at
    board.save(update_fields=["archived_at"])
    assert Client().get(path(token)).status_code == 404


def test_feeds_page(client_for: Callable[[User], Any], member: User) -> None:
    client = client_for(member)
    page = client.get(reverse("agenda:feeds"))
    assert page.status_code == 200 and "Google Calendar" in page.content.decode()
    assert client.post(reverse("agenda:feed-create")).status_code == 302
    token = FeedToken.objects.get(user=member)
    assert token.secret in client.get(reverse("agenda:feeds")).content.decode()
    assert client.post(reverse("agenda:feed-rotate", args=[token.pk])).status_code == 302
    assert client.post(reverse("agenda:feed-revoke", args=[token.pk])).status_code == 302
    assert not FeedToken.objects.filter(user=member).exists()


def test_another_users_feed_cannot_be_changed(
    client_for: Callable[[User], Any], member: User, manager: User
) -> None:
    token = services.create_feed(by=manager)
    client = client_for(member)
    assert client.post(reverse("agenda:feed-revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("agenda:feed-rotate", args=[token.pk])).status_code == 404
    assert token.secret not in client.get(reverse("agenda:feeds")).content.decode()
    assert FeedToken.objects.filter(pk=token.pk).exists()


def test_a_feed_is_rendered_once_per_ttl_and_checked_on_every_request(
    member: User, busy_week: Event, mine: Calendar, schedule: Callable[..., Event], settings: Any
) -> None:
    from django.core.cache import cache

    settings.TANDEM_FEED_TTL = 300
    token = services.create_feed(by=member)
    first = Client().get(path(token))
    schedule(member, mine, at(BERLIN, 2026, 12, 9, 15), at(BERLIN, 2026, 12, 9, 16), title="Added later")
    cached = Client().get(path(token))
    assert cached.content == first.content and cached["ETag"] == first["ETag"]
    assert b"Added later" not in cached.content
    cache.clear()  # the time to live is over
    fresh = Client().get(path(token))
    assert b"Added later" in fresh.content and fresh["ETag"] != first["ETag"]
    # who holds it is checked on every request, rendered or not
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Client().get(path(token)).status_code == 404
    member.is_active = True
    member.save(update_fields=["is_active"])
    settings.TANDEM_FEED_TTL = 0
    schedule(member, mine, at(BERLIN, 2026, 12, 10, 15), at(BERLIN, 2026, 12, 10, 16), title="Seen at once")
    assert b"Seen at once" in Client().get(path(token)).content
