"""The calendar's pages: the calendar and its JSON feed (visibility of private calendars and of
items on private boards, filters, colours, dated records and their moves), the event page, the
form (bad input, a resource's clash refused, a person's clash confirmed), drags, and the panels on
the customer and item pages. Owner, teammate and outsider as the style guide asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import Team, User
from tandem.agenda.models import Calendar, CalendarKind, Event
from tandem.notifications.links import target_url
from tandem.work import services as work
from tandem.work.models import Item
from tests.agenda.conftest import BERLIN
from tests.conftest import join_team_of, login, make_user

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)  # a Tuesday


def feed(client: Client, **params: str) -> Any:
    query = {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z", "filter": "everyone", **params}
    return client.get("/calendar/occurrences.json?" + urlencode(query))


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()}


@pytest.fixture
def berlin_member(member: User) -> User:
    member.time_zone = "Europe/Berlin"
    member.save(update_fields=["time_zone"])
    return member


@pytest.fixture
def mine(berlin_member: User, calendar_of: Callable[..., Calendar]) -> Calendar:
    return calendar_of(berlin_member, "Bob's", time_zone="Europe/Berlin")


def test_calendar_page_and_sidebar_link(client_for: Callable[[User], Client], member: User) -> None:
    page = client_for(member).get("/calendar/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="calendar-link"' in html and 'id="calendar"' in html and "data-events-url" in html
    assert "vendor/fullcalendar-7.1.5/global.js" in html and "<script>" not in html
    assert Client().get("/calendar/").status_code == 302  # signed out: to the login page


def test_calendar_page_leads_to_feeds_connected_calendars_and_import(
    client_for: Callable[[User], Client], member: User, calendar_of: Callable[..., Calendar], admin_user: User
) -> None:
    mine = calendar_of(member)
    room = Calendar.objects.create(kind=CalendarKind.RESOURCE, name="Room Kilimanjaro")
    page = client_for(member).get("/calendar/").content.decode()
    assert 'href="/calendar/feeds/"' in page and 'href="/calendar/accounts/"' in page
    assert f'href="/calendar/{mine.pk}/import/"' in page
    assert f'href="/calendar/{room.pk}/import/"' not in page  # a member may not put events on a room


def test_feed_shows_wall_clock_times_in_the_readers_zone(
    client_for: Callable[[User], Client], berlin_member: User, mine: Calendar, schedule: Callable[..., Event]
) -> None:
    schedule(
        berlin_member, mine, datetime(2026, 3, 10, 9, tzinfo=BERLIN), datetime(2026, 3, 10, 10, tzinfo=BERLIN)
    )
    rows = feed(client_for(berlin_member), filter="me").json()
    assert [(r["title"], r["start"], r["end"]) for r in rows] == [
        ("Meeting", "2026-03-10T09:00:00", "2026-03-10T10:00:00")
    ]
    assert rows[0]["editable"] is True and rows[0]["url"] == f"/calendar/events/{Event.objects.get().pk}/"


def test_private_calendar_never_leaks(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    admin_user: User,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    secret = calendar_of(berlin_member, "Bob private", private=True)
    schedule(
        berlin_member,
        secret,
        datetime(2026, 3, 10, 9, tzinfo=BERLIN),
        datetime(2026, 3, 10, 10, tzinfo=BERLIN),
        title="Secret",
    )
    assert "Secret" in titles(feed(client_for(berlin_member)))
    assert "Secret" not in titles(feed(client_for(manager)))  # an outsider, filter everyone
    assert feed(client_for(manager), filter=f"calendar:{secret.pk}").status_code == 404
    assert "Secret" in titles(feed(client_for(admin_user)))
    event = Event.objects.get(title="Secret")
    assert client_for(manager).get(f"/calendar/events/{event.pk}/").status_code == 404
    assert client_for(berlin_member).get(f"/calendar/events/{event.pk}/").status_code == 200


def test_filters_me_team_resource(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    admin_user: User,
    room: Calendar,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    team = Team.objects.create(name="Sales", slug="sales-team")
    berlin_member.teams.add(team)
    mate = make_user("mate@tandem.test", "member")
    mate.teams.add(team)
    outsider_calendar = calendar_of(manager, "Mona's")
    mate_calendar = calendar_of(mate, "Mate's")
    at = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    schedule(mate, mate_calendar, at, at + timedelta(hours=1), title="Mate's call")
    schedule(manager, outsider_calendar, at, at + timedelta(hours=1), title="Mona's call", resources=[room])
    client = client_for(berlin_member)
    assert titles(feed(client, filter="me")) == set()
    assert titles(feed(client, filter="team")) == {"Mate's call"}
    assert titles(feed(client, filter="everyone")) == {"Mate's call", "Mona's call"}
    assert titles(feed(client, filter=f"resource:{room.pk}")) == {"Mona's call"}
    assert feed(client, filter=f"resource:{mate_calendar.pk}").status_code == 404
    assert feed(client, filter="nonsense").status_code == 422
    assert feed(client, start="yesterday").status_code == 422
    assert feed(client, end="2028-01-01T00:00:00Z").status_code == 422  # more than 400 days


def test_colour_by_priority(
    client_for: Callable[[User], Client], berlin_member: User, mine: Calendar, schedule: Callable[..., Event]
) -> None:
    at = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    schedule(berlin_member, mine, at, at + timedelta(hours=1), priority=1)
    client = client_for(berlin_member)
    assert feed(client).json()[0]["color"] == mine.colour
    assert feed(client, colour="priority").json()[0]["color"] == "#b02a37"


def test_due_dates_and_expected_closes_respect_private_boards(
    client_for: Callable[[User], Client], berlin_member: User, manager: User, admin_user: User
) -> None:
    open_board = work.create_board(by=manager, data={"name": "Open board"})
    hidden_board = work.create_board(by=manager, data={"name": "Hidden board"})
    join_team_of(manager, hidden_board, private=True)
    work.create_item(
        by=manager, board=open_board, data={"title": "Ship it", "due_date": DAY, "assignees": [berlin_member]}
    )
    work.create_item(by=manager, board=hidden_board, data={"title": "Secret plan", "due_date": DAY})
    seen = titles(feed(client_for(berlin_member)))
    assert "Due: Ship it" in seen and not any("Secret plan" in t for t in seen)
    assert "Due: Secret plan" in titles(feed(client_for(manager)))
    assert titles(feed(client_for(berlin_member), filter="me")) == {"Due: Ship it"}
    assert "Due: Ship it" not in titles(feed(client_for(berlin_member), dated="0"))


def test_dragging_a_due_date_changes_it_through_work(
    client_for: Callable[[User], Client], berlin_member: User, manager: User
) -> None:
    board = work.create_board(by=manager, data={"name": "Board"})
    item = work.create_item(by=manager, board=board, data={"title": "Ship it", "due_date": DAY})
    client = client_for(berlin_member)
    moved = client.post(f"/calendar/dated/item-due/{item.pk}/move/", {"day": "2026-03-12"})
    assert moved.status_code == 200, moved.content
    assert Item.objects.get(pk=item.pk).due_date == date(2026, 3, 12)
    assert client.post(f"/calendar/dated/item-due/{item.pk}/move/", {"day": "soon"}).status_code == 422
    assert client.post(f"/calendar/dated/nothing/{item.pk}/move/", {"day": "2026-03-12"}).status_code == 404
    hidden = work.create_board(by=manager, data={"name": "Hidden"})
    join_team_of(manager, hidden, private=True)
    secret = work.create_item(by=manager, board=hidden, data={"title": "Secret", "due_date": DAY})
    assert (
        client.post(f"/calendar/dated/item-due/{secret.pk}/move/", {"day": "2026-03-12"}).status_code == 404
    )
    assert Item.objects.get(pk=secret.pk).due_date == DAY


def test_drag_moves_an_event_and_a_person_clash_needs_confirming(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    mine: Calendar,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    at = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    event = schedule(berlin_member, mine, at, at + timedelta(hours=1), title="Call")
    schedule(
        manager,
        calendar_of(manager),
        at + timedelta(hours=2),
        at + timedelta(hours=3),
        title="Busy",
        attendees=[berlin_member],
    )
    client = client_for(berlin_member)
    clash = client.post(
        f"/calendar/events/{event.pk}/move/", {"start": "2026-03-10T11:00:00Z", "version": event.version}
    )
    assert clash.status_code == 409 and clash.json()["confirmable"] is True
    assert clash.json()["conflicts"][0]["title"] == "Busy"
    moved = client.post(
        f"/calendar/events/{event.pk}/move/",
        {"start": "2026-03-10T11:00:00Z", "version": event.version, "confirm": "1"},
    )
    assert moved.status_code == 200, moved.content
    event.refresh_from_db()
    assert (event.start.astimezone(BERLIN).hour, event.end.astimezone(BERLIN).hour) == (11, 12)
    resized = client.post(
        f"/calendar/events/{event.pk}/move/",
        {
            "start": "2026-03-10T11:00:00",
            "end": "2026-03-10T11:30:00",
            "version": event.version,
            "confirm": "1",
        },
    )
    assert resized.status_code == 200
    event.refresh_from_db()
    assert event.end - event.start == timedelta(minutes=30)
    stale = client.post(f"/calendar/events/{event.pk}/move/", {"start": "2026-03-10T08:00:00", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert client_for(make_user("eve@tandem.test", "member")).post(
        f"/calendar/events/{event.pk}/move/", {"start": "2026-03-10T08:00:00"}
    ).status_code in (403, 404)


def test_drag_one_occurrence_of_a_series(
    client_for: Callable[[User], Client], berlin_member: User, mine: Calendar, schedule: Callable[..., Event]
) -> None:
    at = datetime(2026, 3, 9, 9, tzinfo=BERLIN)
    series = schedule(
        berlin_member, mine, at, at + timedelta(hours=1), title="Stand-up", rrule="FREQ=DAILY;COUNT=5"
    )
    client = client_for(berlin_member)
    rows = [r for r in feed(client).json() if r["title"] == "Stand-up"]
    assert len(rows) == 5 and rows[1]["extendedProps"]["recurring"] is True
    second = rows[1]["extendedProps"]
    moved = client.post(
        second["moveUrl"],
        {"start": "2026-03-10T14:00:00", "occurrence": second["occurrence"], "version": second["version"]},
    )
    assert moved.status_code == 200, moved.content
    starts = sorted(r["start"] for r in feed(client).json() if r["title"] == "Stand-up")
    assert "2026-03-10T14:00:00" in starts and "2026-03-11T09:00:00" in starts and len(starts) == 5
    assert Event.objects.filter(master=series).count() == 1


def form_data(calendar: Calendar, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Planning",
        "calendar": calendar.pk,
        "start": "2026-03-10T09:00",
        "end": "2026-03-10T10:00",
        "time_zone": "Europe/Berlin",
        "priority": "0",
        "repeat": "none",
        "interval": "1",
        "ends": "never",
        **extra,
    }


def test_form_schedules_with_a_weekly_repeat_and_links(
    client_for: Callable[[User], Client],
    berlin_member: User,
    mine: Calendar,
    make_org: Callable[..., Any],
    room: Calendar,
) -> None:
    org = make_org("Northwind")
    client = client_for(berlin_member)
    new = client.get(f"/calendar/events/new/?organization={org.pk}&start=2026-03-10T09:00:00")
    assert new.status_code == 200 and f'value="{org.pk}" selected' in new.content.decode()
    done = client.post(
        "/calendar/events/new/",
        form_data(
            mine,
            repeat="weekly",
            weekdays=["TU", "TH"],
            ends="count",
            count="4",
            organizations=[org.pk],
            resources=[room.pk],
            reminders=["10"],
        ),
    )
    assert done.status_code == 302, done.content.decode()[:3000]
    event = Event.objects.get(title="Planning")
    assert event.rrule == "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4" and event.reminders == [10]
    assert list(event.links.values_list("organization_id", flat=True)) == [org.pk]
    page = client.get(done["Location"]).content.decode()
    assert (
        "Every week on Tuesday, Thursday, 4 times" in page and "Room Everest" in page and "Northwind" in page
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"end": "2026-03-10T08:00"}, "end", "The end must not be before the start."),
        ({"start": "tomorrow"}, "start", "Enter a valid date/time."),
        ({"repeat": "custom", "rrule": "FREQ=HOURLY"}, "rrule", "A repeat rule needs FREQ"),
        ({"repeat": "weekly", "ends": "until"}, "until", "Say on which day the repeats end."),
        ({"video_url": "javascript:alert(1)"}, "video_url", "Enter a web address"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice."),
    ],
)
def test_form_bad_input_is_a_message_not_a_500(
    client_for: Callable[[User], Client],
    berlin_member: User,
    mine: Calendar,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    page = client_for(berlin_member).post("/calendar/events/new/", form_data(mine, **changes))
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Event.objects.exists()


def test_form_refuses_a_booked_room_and_asks_about_a_busy_person(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    mine: Calendar,
    room: Calendar,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    at = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    schedule(
        manager,
        calendar_of(manager),
        at,
        at + timedelta(hours=1),
        title="Board review",
        resources=[room],
        attendees=[manager],
    )
    client = client_for(berlin_member)
    refused = client.post("/calendar/events/new/", form_data(mine, resources=[room.pk]))
    html = refused.content.decode()
    assert refused.status_code == 200 and "Board review" in html and 'id="save-anyway"' not in html
    warned = client.post("/calendar/events/new/", form_data(mine, attendees=[manager.pk]))
    html = warned.content.decode()
    assert (
        "Board review" in html
        and 'id="save-anyway"' in html
        and not Event.objects.filter(title="Planning").exists()
    )
    saved = client.post(
        "/calendar/events/new/", form_data(mine, attendees=[manager.pk], confirm_conflicts="1")
    )
    assert saved.status_code == 302 and Event.objects.filter(title="Planning").exists()


def test_edit_one_occurrence_and_delete_following(
    client_for: Callable[[User], Client], berlin_member: User, mine: Calendar, schedule: Callable[..., Event]
) -> None:
    at = datetime(2026, 3, 9, 9, tzinfo=BERLIN)
    series = schedule(
        berlin_member, mine, at, at + timedelta(hours=1), title="Stand-up", rrule="FREQ=DAILY;COUNT=5"
    )
    client = client_for(berlin_member)
    occurrence = "2026-03-10T08:00:00Z"
    page = client.get(f"/calendar/events/{series.pk}/?occurrence={occurrence}")
    assert page.status_code == 200 and 'name="scope"' in page.content.decode()
    assert client.get(f"/calendar/events/{series.pk}/?occurrence=2026-03-10T08:30:00Z").status_code == 404
    edit = client.get(f"/calendar/events/{series.pk}/edit/?occurrence={occurrence}")
    assert edit.status_code == 200 and 'value="2026-03-10T09:00"' in edit.content.decode()
    saved = client.post(
        f"/calendar/events/{series.pk}/edit/?occurrence={occurrence}",
        form_data(
            mine,
            title="Long stand-up",
            end="2026-03-10T11:00",
            scope="this",
            version=series.version,
            occurrence=occurrence,
        ),
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    override = Event.objects.get(master=series)
    assert override.title == "Long stand-up" and Event.objects.get(pk=series.pk).title == "Stand-up"
    deleted = client.post(
        f"/calendar/events/{series.pk}/delete/", {"scope": "following", "occurrence": "2026-03-12T08:00:00Z"}
    )
    assert deleted.status_code == 302
    assert len([r for r in feed(client).json() if "tand-up" in r["title"]]) == 3


def test_answering_an_invitation(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    at = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    event = schedule(
        manager, calendar_of(manager, private=True), at, at + timedelta(hours=1), attendees=[berlin_member]
    )
    client = client_for(berlin_member)
    page = client.get(f"/calendar/events/{event.pk}/").content.decode()
    assert 'id="my-answer"' in page and 'id="edit-event"' not in page  # invited, may not change it
    client.post(f"/calendar/events/{event.pk}/respond/", {"response": "declined"})
    assert event.attendees.get(user=berlin_member).response == "declined"
    assert client.get(f"/calendar/events/{event.pk}/edit/").status_code == 404


def test_free_busy_strip_shows_a_colleagues_busy_time(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    at = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    schedule(manager, calendar_of(manager), at, at + timedelta(hours=1), title="Secret title")
    strip = client_for(berlin_member).get(
        "/calendar/freebusy/?"
        + urlencode(
            {
                "start": "2026-03-10T09:00",
                "end": "2026-03-10T10:00",
                "time_zone": "Europe/Berlin",
                "attendees": manager.pk,
            }
        )
    )
    html = strip.content.decode()
    assert strip.status_code == 200 and "Mona Manager" in html and "busy 09:00\u201310:00" in html
    assert "fb-clash" in html and "Secret title" not in html
    assert client_for(berlin_member).get("/calendar/freebusy/?start=nonsense&attendees=x").status_code == 200


def test_events_panels_on_customer_and_item_pages(
    client_for: Callable[[User], Client],
    berlin_member: User,
    manager: User,
    mine: Calendar,
    make_org: Callable[..., Any],
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    org = make_org("Contoso")
    board = work.create_board(by=manager, data={"name": "Board"})
    item = work.create_item(by=manager, board=board, data={"title": "Deal"})
    soon = timezone.now() + timedelta(days=2)
    schedule(
        berlin_member,
        mine,
        soon,
        soon + timedelta(hours=1),
        title="Visit Contoso",
        organizations=[org],
        items=[item],
    )
    schedule(
        manager,
        calendar_of(manager, private=True),
        soon,
        soon + timedelta(hours=1),
        title="Hidden visit",
        organizations=[org],
    )
    client = client_for(berlin_member)
    customer = client.get(f"/organizations/{org.pk}/").content.decode()
    assert 'id="events"' in customer and "Visit Contoso" in customer and "Hidden visit" not in customer
    assert (
        f"/calendar/events/new/?organization={org.pk}" in customer
        and "No events yet" not in customer.split('id="events"')[1][:2000]
    )
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "Visit Contoso" in page and f"/calendar/events/new/?item={item.pk}" in page


def test_reminder_notifications_lead_to_the_event() -> None:
    assert target_url("event", 7) == "/calendar/events/7/"


def test_pick_items_by_number_or_title(
    client_for: Callable[[User], Client], berlin_member: User, manager: User
) -> None:
    board = work.create_board(by=manager, data={"name": "Board"})
    item = work.create_item(by=manager, board=board, data={"title": "Renewal Contoso"})
    hidden = work.create_board(by=manager, data={"name": "Hidden"})
    join_team_of(manager, hidden, private=True)
    work.create_item(by=manager, board=hidden, data={"title": "Renewal secret"})
    found = client_for(berlin_member).get("/pick/item/?q=renewal").json()["results"]
    assert found == [{"value": item.pk, "text": f"#{item.pk} Renewal Contoso"}]


def test_demo_calendar_has_something_to_show(db: None) -> None:
    call_command("seed_demo", verbosity=0)
    assert Calendar.objects.filter(kind=CalendarKind.RESOURCE).count() >= 1
    assert Event.objects.exclude(rrule="").exists() and Event.objects.count() >= 5
    sara = User.objects.get(email="sara@demo.example")
    assert feed(
        login(sara),
        start=(timezone.localdate() - timedelta(days=7)).isoformat() + "T00:00:00",
        end=(timezone.localdate() + timedelta(days=21)).isoformat() + "T00:00:00",
        filter="me",
    ).json()


def test_event_page_shows_the_events_own_zone(
    client_for: Callable[[User], Client],
    manager: User,
    calendar_of: Callable[..., Calendar],
    schedule: Callable[..., Event],
) -> None:
    at = datetime(2026, 3, 10, 14, tzinfo=BERLIN)
    event = schedule(manager, calendar_of(manager), at, at + timedelta(minutes=90))
    page = client_for(manager).get(f"/calendar/events/{event.pk}/").content.decode()  # the reader is in UTC
    assert "13:00" in page.split('id="event-when"')[1][:600]
    assert "14:00 \u2013 15:30" in page.split('id="event-own-zone"')[1][:400]


def test_the_new_event_page_writes_nothing_and_saving_makes_the_readers_own_calendar(
    client_for: Callable[[User], Client], member: User
) -> None:
    from tandem.activity.models import HistoryEntry

    client = client_for(member)
    before = (Calendar.objects.count(), HistoryEntry.objects.count())
    page = client.get("/calendar/events/new/")
    assert page.status_code == 200 and "My calendar" in page.content.decode()
    assert (Calendar.objects.count(), HistoryEntry.objects.count()) == before
    answer = client.post(
        "/calendar/events/new/",
        {"title": "First of mine", "calendar": "", "start": "2026-12-14T10:00", "end": "2026-12-14T11:00",
         "time_zone": "Europe/Berlin", "repeat": "none", "interval": "1", "ends": "never", "priority": "0"},
    )  # fmt: skip
    assert answer.status_code == 302, answer.context["form"].errors if answer.context else answer.status_code
    event = Event.objects.get(title="First of mine")
    assert event.calendar.kind == CalendarKind.PERSONAL and event.calendar.owner_id == member.pk
