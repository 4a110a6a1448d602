"""/api/v1/calendars, /events and /freebusy: answer shapes, conflicts, scopes, visibility and bad
input (422 with a message, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts.models import Team, User
from tandem.agenda.models import Calendar, Event
from tests.api.conftest import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(member: User, calendar_of: Any) -> Calendar:
    return calendar_of(member, "Bob's", time_zone="Europe/Berlin")


def post_event(api: Any, calendar: Calendar, **body: Any) -> Any:
    return api.post("/events", {"calendar": calendar.pk, "title": "Call", **body})


def test_calendar_crud(api_as: Callable[..., Any], manager: User, member: User) -> None:
    team = Team.objects.create(name="Finance", slug="finance")
    api = api_as(manager)
    made = api.post("/calendars", {"name": "Finance", "kind": "team", "team": team.pk, "colour": "#00aa00"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (
        body["team"] == {"id": team.pk, "name": "Finance"}
        and body["kind"] == "team"
        and made["ETag"] == '"1"'
    )
    changed = api.patch(f"/calendars/{body['id']}", {"name": "Finance team", "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    assert_error(api.patch(f"/calendars/{body['id']}", {"name": "x"}), 428, "precondition_required")
    assert [c["name"] for c in api.get("/calendars").json()["items"]] == ["Finance team"]
    # a member may not make team calendars or resources
    assert_error(api_as(member).post("/calendars", {"name": "Room", "kind": "resource"}), 403, "forbidden")
    assert api.delete(f"/calendars/{body['id']}").status_code == 204
    assert_error(api.get(f"/calendars/{body['id']}"), 404, "not_found")


def test_create_event_and_list_occurrences(api_as: Callable[..., Any], member: User, mine: Calendar) -> None:
    api = api_as(member)
    made = post_event(
        api,
        mine,
        title="Stand-up",
        start="2026-03-27T09:00:00",
        end="2026-03-27T09:15:00",
        time_zone="Europe/Berlin",
        rrule="FREQ=DAILY;COUNT=4",
        reminders=[10],
    )
    assert made.status_code == 201, made.content
    event = made.json()
    assert event["start"] == "2026-03-27T08:00:00Z" and event["recurring"] is True and event["uid"]
    listed = api.get("/events", {"start": "2026-03-26T00:00:00Z", "end": "2026-04-05T00:00:00Z"})
    assert listed.status_code == 200
    page = listed.json()
    assert page["count"] == 4
    first = page["items"][0]
    assert {
        "id",
        "occurrence_start",
        "occurrence_end",
        "title",
        "all_day",
        "recurring",
        "occurrence",
        "version",
    } <= set(first)
    # 09:00 in Berlin on each day, across the change to summer time on the 29th
    assert [o["occurrence_start"] for o in page["items"]] == [
        "2026-03-27T08:00:00Z",
        "2026-03-28T08:00:00Z",
        "2026-03-29T07:00:00Z",
        "2026-03-30T07:00:00Z",
    ]
    assert all(o["id"] == event["id"] and o["recurring"] for o in page["items"])


def test_edit_one_occurrence_then_following_through_the_api(
    api_as: Callable[..., Any], member: User, mine: Calendar
) -> None:
    api = api_as(member)
    event = post_event(
        api, mine, start="2026-05-04T09:00:00", end="2026-05-04T10:00:00", rrule="FREQ=DAILY;COUNT=5"
    ).json()
    one = api.patch(
        f"/events/{event['id']}",
        {
            "version": event["version"],
            "scope": "this",
            "occurrence": "2026-05-05T07:00:00Z",
            "title": "Moved",
            "start": "2026-05-05T15:00:00",
        },
    )
    assert one.status_code == 200, one.content
    assert one.json()["master"] == event["id"] and one.json()["recurrence_id"] == "2026-05-05T07:00:00Z"
    current = api.get(f"/events/{event['id']}")
    version = int(current["ETag"].strip('"'))
    split = api.patch(
        f"/events/{event['id']}",
        {"scope": "following", "occurrence": "2026-05-07T07:00:00Z", "title": "Later"},
        headers={"If-Match": f'"{version}"'},
    )
    assert split.status_code == 200, split.content
    items = api.get("/events", {"start": "2026-05-01T00:00:00Z", "end": "2026-06-01T00:00:00Z"}).json()[
        "items"
    ]
    assert [(o["occurrence_start"][5:16], o["title"]) for o in items] == [
        ("05-04T07:00", "Call"),
        ("05-05T13:00", "Moved"),
        ("05-06T07:00", "Call"),
        ("05-07T07:00", "Later"),
        ("05-08T07:00", "Later"),
    ]
    # a stale If-Match is a failed precondition
    assert_error(
        api.patch(f"/events/{event['id']}", {"title": "x"}, headers={"If-Match": f'"{version}"'}),
        412,
        "precondition_failed",
    )
    deleted = api.delete(f"/events/{event['id']}?scope=this&occurrence=2026-05-06T07:00:00Z")
    assert deleted.status_code == 204
    assert (
        len(
            api.get("/events", {"start": "2026-05-01T00:00:00Z", "end": "2026-06-01T00:00:00Z"}).json()[
                "items"
            ]
        )
        == 4
    )


def test_resource_conflict_is_409_with_the_clashing_occurrences(
    api_as: Callable[..., Any], member: User, manager: User, mine: Calendar, room: Calendar, calendar_of: Any
) -> None:
    weekly = post_event(
        api_as(member),
        mine,
        start="2026-03-02T09:00:00",
        end="2026-03-02T10:00:00",
        rrule="FREQ=WEEKLY",
        resources=[room.pk],
    ).json()
    theirs = calendar_of(manager, time_zone="Europe/Berlin")
    refused = post_event(
        api_as(manager),
        theirs,
        start="2026-04-06T09:30:00",
        end="2026-04-06T10:30:00",
        resources=[room.pk],
        confirm_conflicts=True,
    )
    body = assert_error(refused, 409, "conflict")
    assert body["confirmable"] is False
    assert body["conflicts"] == [
        {
            "id": weekly["id"],
            "occurrence": "2026-04-06T07:00:00Z",
            "title": "Call",
            "calendar": mine.pk,
            "occurrence_start": "2026-04-06T07:00:00Z",
            "occurrence_end": "2026-04-06T08:00:00Z",
            "users": [],
            "resources": [room.pk],
            "private": False,
        }
    ]


def test_person_conflict_warns_then_confirmed(
    api_as: Callable[..., Any], member: User, manager: User, mine: Calendar, calendar_of: Any
) -> None:
    post_event(api_as(member), mine, start="2026-05-04T09:00:00", end="2026-05-04T10:00:00")
    theirs = calendar_of(manager, time_zone="Europe/Berlin")
    warned = assert_error(
        post_event(
            api_as(manager),
            theirs,
            start="2026-05-04T09:30:00",
            end="2026-05-04T10:30:00",
            attendees=[member.pk],
        ),
        409,
        "conflict",
    )
    assert warned["confirmable"] is True and warned["conflicts"][0]["users"] == [member.pk]
    made = post_event(
        api_as(manager),
        theirs,
        start="2026-05-04T09:30:00",
        end="2026-05-04T10:30:00",
        attendees=[member.pk],
        confirm_conflicts=True,
    )
    assert made.status_code == 201
    answered = api_as(member).post(f"/events/{made.json()['id']}/respond", {"response": "accepted"})
    assert answered.status_code == 200
    assert [a["response"] for a in answered.json()["attendees"] if a["user"] == member.pk] == ["accepted"]


def test_freebusy(
    api_as: Callable[..., Any], member: User, manager: User, mine: Calendar, room: Calendar
) -> None:
    post_event(
        api_as(member),
        mine,
        start="2026-05-04T09:00:00",
        end="2026-05-04T10:00:00",
        rrule="FREQ=DAILY;COUNT=2",
        resources=[room.pk],
    )
    post_event(
        api_as(member), mine, start="2026-05-04T09:30:00", end="2026-05-04T11:00:00", confirm_conflicts=True
    )
    answer = api_as(manager).get(
        "/freebusy",
        {
            "start": "2026-05-04T00:00:00Z",
            "end": "2026-05-06T00:00:00Z",
            "users": f"{member.pk},{manager.pk}",
            "resources": str(room.pk),
        },
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["users"] == [
        {
            "id": member.pk,
            "busy": [
                {"start": "2026-05-04T07:00:00Z", "end": "2026-05-04T09:00:00Z"},
                {"start": "2026-05-05T07:00:00Z", "end": "2026-05-05T08:00:00Z"},
            ],
        },
        {"id": manager.pk, "busy": []},
    ]
    assert body["resources"] == [
        {
            "id": room.pk,
            "busy": [
                {"start": "2026-05-04T07:00:00Z", "end": "2026-05-04T08:00:00Z"},
                {"start": "2026-05-05T07:00:00Z", "end": "2026-05-05T08:00:00Z"},
            ],
        }
    ]


def test_private_calendar_is_seen_by_its_owner_attendees_and_admins_only(
    api_as: Callable[..., Any], member: User, manager: User, guest: User, admin_user: User, calendar_of: Any
) -> None:
    secret = calendar_of(member, "Private", private=True, time_zone="Europe/Berlin")
    event = post_event(
        api_as(member), secret, title="Interview", start="2026-05-04T09:00:00", end="2026-05-04T10:00:00"
    ).json()
    invited = post_event(
        api_as(member),
        secret,
        title="With Mona",
        start="2026-05-05T09:00:00",
        end="2026-05-05T10:00:00",
        attendees=[manager.pk],
    ).json()
    window = {"start": "2026-05-01T00:00:00Z", "end": "2026-06-01T00:00:00Z"}
    assert [o["title"] for o in api_as(member).get("/events", window).json()["items"]] == [
        "Interview",
        "With Mona",
    ]
    assert [o["title"] for o in api_as(admin_user).get("/events", window).json()["items"]] == [
        "Interview",
        "With Mona",
    ]
    assert [o["title"] for o in api_as(manager).get("/events", window).json()["items"]] == ["With Mona"]
    assert api_as(guest).get("/events", window).json()["items"] == []
    assert_error(api_as(manager).get(f"/events/{event['id']}"), 404, "not_found")
    assert api_as(manager).get(f"/events/{invited['id']}").status_code == 200
    assert_error(api_as(manager).get(f"/calendars/{secret.pk}"), 404, "not_found")
    assert_error(api_as(manager).get("/events", {**window, "calendar": secret.pk}), 422, "invalid")
    # nobody writes to another's calendar; a guest writes nothing
    public = calendar_of(member, "Public")
    assert_error(post_event(api_as(manager), public, start="2026-05-04T09:00:00Z"), 403, "forbidden")
    assert_error(post_event(api_as(guest), public, start="2026-05-04T09:00:00Z"), 403, "forbidden")
    assert_error(api_as(None).get("/events", window), 401, "not_authenticated")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rrule": "FREQ=SOMETIMES"}, "rrule"),
        ({"rrule": "FREQ=DAILY;BYDAY=XX"}, "rrule"),
        ({"end": "2026-05-04T08:00:00"}, "end"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"start": "0001-01-01T00:00:00+14:00"}, "start"),
        ({"reminders": [-5]}, "reminders.0"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"attendees": [999999]}, "attendees"),
        ({"resources": [1]}, "resources"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_event_input_is_422(
    api_as: Callable[..., Any], member: User, mine: Calendar, body: dict[str, Any], field: str
) -> None:
    answer = post_event(
        api_as(member), mine, **{"start": "2026-05-04T09:00:00", "end": "2026-05-04T10:00:00", **body}
    )
    error = assert_error(answer, 422, "invalid")
    assert field in [e["field"] for e in error.get("errors", [])], error
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-05-04T00:00:00Z", "end": "2026-05-01T00:00:00Z"}, "end"),
        ({"start": "2020-01-01T00:00:00Z", "end": "2030-01-01T00:00:00Z"}, "end"),
        ({"start": "yesterday", "end": "2026-05-01T00:00:00Z"}, "start"),
    ],
)
def test_bad_ranges_are_422(
    api_as: Callable[..., Any], member: User, params: dict[str, str], field: str
) -> None:
    error = assert_error(api_as(member).get("/events", params), 422, "invalid")
    assert field in [e["field"] for e in error.get("errors", [])]


def test_bad_freebusy_ids_are_422(api_as: Callable[..., Any], member: User) -> None:
    window = {"start": "2026-05-04T00:00:00Z", "end": "2026-05-05T00:00:00Z"}
    assert_error(api_as(member).get("/freebusy", {**window, "users": "1,x"}), 422, "invalid")
    assert_error(api_as(member).get("/freebusy", {**window, "users": "99999999999999999999"}), 422, "invalid")
    assert_error(api_as(member).get("/freebusy", {**window, "resources": str(member.pk)}), 422, "invalid")


def test_listing_costs_the_same_for_many_events(
    api_as: Callable[..., Any],
    member: User,
    manager: User,
    mine: Calendar,
    room: Calendar,
    django_assert_max_num_queries: Any,
) -> None:
    api = api_as(member)
    window = {"start": "2026-05-01T00:00:00Z", "end": "2026-06-01T00:00:00Z"}
    for day in range(1, 21):
        post_event(
            api,
            mine,
            start=f"2026-05-{day:02d}T09:00:00",
            end=f"2026-05-{day:02d}T10:00:00",
            attendees=[manager.pk],
            resources=[room.pk],
            confirm_conflicts=True,
        )
    post_event(api, mine, start="2026-05-01T12:00:00", rrule="FREQ=DAILY", attendees=[manager.pk])
    api.get("/events", window)  # warm: the token's user, the session
    with django_assert_max_num_queries(12):
        page = api.get("/events", window).json()
    assert page["count"] == 20 + 31


def test_attendee_filter_and_all_day(
    api_as: Callable[..., Any], member: User, manager: User, mine: Calendar
) -> None:
    api = api_as(member)
    post_event(api, mine, title="Offsite", start="2026-03-29", all_day=True, attendees=[manager.pk])
    post_event(api, mine, title="Alone", start="2026-03-30T10:00:00")
    window = {"start": "2026-03-28T00:00:00Z", "end": "2026-04-01T00:00:00Z"}
    items = api.get("/events", {**window, "attendee": manager.pk}).json()["items"]
    assert [(o["title"], o["all_day"], o["occurrence_start"], o["occurrence_end"]) for o in items] == [
        ("Offsite", True, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z")
    ]
    assert [o["title"] for o in api.get("/events", {**window, "attendee": member.pk}).json()["items"]] == [
        "Offsite",
        "Alone",
    ]
