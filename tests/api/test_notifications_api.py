"""Notifications through the API: the inbox, marking read, the preferences."""

from __future__ import annotations

import pytest

from tandem.accounts.roles import Role
from tandem.notifications import fanout
from tandem.work import services as work
from tests.api.conftest import assert_error
from tests.conftest import make_user


@pytest.fixture
def pair(db, manager):
    ana = make_user("ana@tandem.test", Role.MEMBER, full_name="Ana Actor")
    ben = make_user("ben@tandem.test", Role.MEMBER, full_name="Ben Assignee")
    board = work.create_board(by=manager, data={"name": "Support"})
    return ana, ben, board


def test_the_inbox_pages_and_marks_read(api_as, pair):
    ana, ben, board = pair
    items = [
        work.create_item(by=ana, board=board, data={"title": f"Ticket {n}", "assignees": [ben]})
        for n in range(35)
    ]
    fanout.fan_out.call()
    api = api_as(ben)
    first = api.get("/notifications").json()
    assert first["unread"] == 35 and len(first["items"]) == 30 and first["next"]
    top = first["items"][0]
    assert top["kind"] == "assignment" and top["reason"] == "assignee" and top["read"] is False
    assert top["entry"]["verb"] == "created" and top["entry"]["actor"]["name"] == "Ana Actor"
    assert top["url"] == f"/items/{items[-1].pk}/"
    rest = api.get("/notifications", {"before": first["next"]}).json()
    assert len(rest["items"]) == 5 and rest["next"] is None
    assert {n["id"] for n in first["items"]}.isdisjoint(n["id"] for n in rest["items"])
    marked = api.post(f"/notifications/{top['id']}/read").json()
    assert marked["read"] is True and marked["read_at"]
    assert api.get("/notifications", {"unread": "true"}).json()["unread"] == 34
    assert api.post(f"/notifications/{top['id']}/read", {"read": False}).json()["read"] is False
    assert api.post("/notifications/read-all", {"up_to": top["id"] - 1}).json() == {"marked": 34}
    assert [n["id"] for n in api.get("/notifications", {"unread": "true"}).json()["items"]] == [top["id"]]


def test_others_notifications_are_not_found(api_as, pair, member):
    ana, ben, board = pair
    work.create_item(by=ana, board=board, data={"title": "Mine", "assignees": [ben]})
    fanout.fan_out.call()
    mine = api_as(ben).get("/notifications").json()["items"][0]["id"]
    assert_error(api_as(member).post(f"/notifications/{mine}/read"), 404, "not_found")
    assert api_as(member).get("/notifications").json() == {"items": [], "unread": 0, "next": None}


def test_preferences_read_and_change_with_clear_errors(api_as, pair):
    _ana, ben, _board = pair
    api = api_as(ben)
    assert api.get("/notifications/preferences").json()["assignment"] == "email"
    changed = api.patch("/notifications/preferences", {"comment": "digest", "status": "off"}).json()
    assert changed["comment"] == "digest" and changed["status"] == "off" and changed["assignment"] == "email"
    assert_error(api.patch("/notifications/preferences", {"comment": "pigeon"}), 422, "invalid")
    assert_error(api.patch("/notifications/preferences", {"nonsense": "app"}), 422, "invalid")
    assert api.get("/notifications/preferences").json()["comment"] == "digest"


def test_bad_cursors_and_bodies_are_refused(api_as, pair):
    _ana, ben, _board = pair
    api = api_as(ben)
    assert_error(api.get("/notifications", {"before": "soon"}), 422, "invalid")
    assert_error(api.post("/notifications/read-all", {"up_to": "all"}), 422, "invalid")
    assert api_as(None).get("/notifications").status_code == 401
