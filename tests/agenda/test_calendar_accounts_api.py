"""/api/v1/calendar-accounts and /calendar/accounts/: connect (checked with a real Radicale server),
list, change, sync now, disconnect. Only the owner sees an account; the password is never answered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.agenda.models import Calendar, CalendarAccount, Event
from tests.agenda.radicale_server import PASSWORD, RadicaleServer
from tests.api.conftest import assert_error, error_fields
from tests.conftest import login, make_user

pytestmark = pytest.mark.django_db

EVENT = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Phone//EN\r\nBEGIN:VEVENT\r\nUID:api@phone\r\n"
    "DTSTAMP:20260101T000000Z\r\nDTSTART:20260310T090000Z\r\nDTEND:20260310T100000Z\r\n"
    "SUMMARY:From the phone\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def alice(db: None) -> Any:
    return make_user("alice@example.com", "member", full_name="Alice")


@pytest.fixture
def mine(alice: Any, calendar_of: Callable[..., Calendar]) -> Calendar:
    return calendar_of(alice)


def body(url: str, calendar: Calendar, **extra: Any) -> dict[str, Any]:
    return {"url": url, "username": "alice", "password": PASSWORD, "calendar": calendar.pk} | extra


def test_connect_list_sync_change_and_disconnect(
    api_as: Any, alice: Any, mine: Calendar, radicale: RadicaleServer
) -> None:
    url = radicale.make_calendar("alice")
    radicale.put("alice", url + "api.ics", EVENT)
    api = api_as(alice)

    created = api.post("/calendar-accounts", body(url, mine))
    assert created.status_code == 201, created.content
    answer = created.json()
    assert answer["remote_url"] == url and answer["status"] == "never" and answer["calendar"] == mine.pk
    assert "password" not in answer and PASSWORD not in created.content.decode()
    pk = answer["id"]

    listed = api.get("/calendar-accounts").json()
    assert [a["id"] for a in listed] == [pk]
    assert PASSWORD not in str(listed)

    synced = api.post(f"/calendar-accounts/{pk}/sync")
    assert synced.status_code == 200
    assert synced.json() | {"problems": []} == {
        "pulled_created": 1,
        "pulled_updated": 0,
        "pulled_deleted": 0,
        "pushed_created": 0,
        "pushed_updated": 0,
        "pushed_deleted": 0,
        "conflicts": 0,
        "errors": 0,
        "problems": [],
        "status": "ok",
        "last_error": "",
    }
    assert Event.objects.filter(calendar=mine, uid="api@phone").exists()
    assert api.get(f"/calendar-accounts/{pk}").json()["last_synced_at"] is not None

    paused = api.patch(f"/calendar-accounts/{pk}", {"enabled": False}, headers={"If-Match": created["ETag"]})
    assert paused.status_code == 200, paused.content
    assert paused.json()["enabled"] is False and paused.json()["version"] == 2

    wrong = api.patch(f"/calendar-accounts/{pk}", {"password": "nope", "version": 2})
    assert_error(wrong, 422, "invalid")
    assert error_fields(wrong) == {"password"}

    assert api.delete(f"/calendar-accounts/{pk}").status_code == 204
    assert not CalendarAccount.objects.exists()
    assert Event.objects.filter(uid="api@phone").exists(), "the events stay"


def test_bad_input_is_a_clear_422(
    api_as: Any, alice: Any, mine: Calendar, radicale: RadicaleServer, admin_user: Any
) -> None:
    api = api_as(alice)
    url = radicale.make_calendar("alice")
    cases = [
        (body("not a url", mine), "url"),
        (body(url, mine, password="wrong"), "password"),
        (body(f"{radicale.base}/alice/nothing-here/", mine), "url"),
        (body(url, mine) | {"calendar": 999_999}, "calendar"),
        ({**body(url, mine), "extra": 1}, "extra"),
    ]
    for payload, field in cases:
        response = api.post("/calendar-accounts", payload)
        assert response.status_code == 422, (field, response.content)
        assert field in error_fields(response) or field == "extra", (field, response.json())
    # a calendar one may see but not write
    theirs = Calendar.objects.create(name="Admin's", kind="personal", owner=admin_user)
    response = api.post("/calendar-accounts", body(url, theirs))
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"calendar"}
    assert not CalendarAccount.objects.exists()


def test_only_the_owner_sees_an_account(
    api_as: Any, alice: Any, mine: Calendar, radicale: RadicaleServer, member: Any, admin_user: Any
) -> None:
    url = radicale.make_calendar("alice")
    pk = api_as(alice).post("/calendar-accounts", body(url, mine)).json()["id"]
    for outsider in (member, admin_user):
        api = api_as(outsider)
        assert api.get("/calendar-accounts").json() == []
        assert api.get(f"/calendar-accounts/{pk}").status_code == 404
        assert api.post(f"/calendar-accounts/{pk}/sync").status_code == 404
        assert api.patch(f"/calendar-accounts/{pk}", {"enabled": False, "version": 1}).status_code == 404
        assert api.delete(f"/calendar-accounts/{pk}").status_code == 404
    assert api_as(None).get("/calendar-accounts").status_code == 401
    assert CalendarAccount.objects.get(pk=pk).enabled


def test_the_page_lists_connects_syncs_and_disconnects(
    alice: Any, mine: Calendar, radicale: RadicaleServer, member: Any
) -> None:
    url = radicale.make_calendar("alice")
    radicale.put("alice", url + "api.ics", EVENT)
    client = login(alice)
    page = client.get("/calendar/accounts/")
    assert page.status_code == 200
    assert "No calendar connected yet" in page.content.decode()

    refused = client.post(
        "/calendar/accounts/connect/",
        {"url": url, "username": "alice", "password": "nope", "calendar": mine.pk},
    )
    assert refused.status_code == 422
    assert "The server refused the username or password." in refused.content.decode()
    assert "nope" not in refused.content.decode()

    done = client.post(
        "/calendar/accounts/connect/",
        {"url": url, "username": "alice", "password": PASSWORD, "calendar": mine.pk},
    )
    assert done.status_code == 302
    account = CalendarAccount.objects.get()
    synced = client.post(f"/calendar/accounts/{account.pk}/sync/", follow=True)
    text = synced.content.decode()
    assert "Synced: 1 from the server" in text
    assert "Synced" in text and url in text
    assert PASSWORD not in text

    # another user cannot reach it
    other = login(member)
    assert other.post(f"/calendar/accounts/{account.pk}/sync/").status_code == 404
    assert other.post(f"/calendar/accounts/{account.pk}/disconnect/").status_code == 404
    assert url not in other.get("/calendar/accounts/").content.decode()

    assert client.post(f"/calendar/accounts/{account.pk}/disconnect/").status_code == 302
    assert not CalendarAccount.objects.exists()


def test_the_admin_shows_an_account_without_its_password(
    alice: Any, mine: Calendar, radicale: RadicaleServer, admin_user: Any
) -> None:
    url = radicale.make_calendar("alice")
    account = CalendarAccount.objects.create(
        user=alice,
        calendar=mine,
        url=url,
        remote_url=url,
        username="alice",
        password_encrypted="gAAAA-secret-token",
    )
    client = login(admin_user)
    listed = client.get("/admin/agenda/calendaraccount/")
    assert listed.status_code == 200 and url in listed.content.decode()
    page = client.get(f"/admin/agenda/calendaraccount/{account.pk}/change/")
    assert page.status_code == 200
    assert "gAAAA-secret-token" not in page.content.decode()
