"""/api/v1/rituals: the list, the review, minutes and their conversion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import User
from tandem.agenda.recurrence import iso
from tandem.rituals.models import Ritual
from tandem.work import services as work
from tests.conftest import bearer
from tests.rituals.conftest import first_occurrence, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_token_for: Callable[[User], str]) -> Callable[[User], Any]:
    def make(user: User) -> Any:
        client = Client()
        token = api_token_for(user)

        def call(method: str, path: str, body: Any = None) -> Any:
            return getattr(client, method)(
                f"/api/v1{path}", data=body, content_type="application/json", headers=bearer(token)
            )

        return call

    return make


def test_list_and_review(api: Any, finance_run: Ritual, manager: User, member: User) -> None:
    blocker = make_item(
        manager, finance_run.board, "Send invoice", due_date=timezone.localdate() - timedelta(days=1)
    )
    blocked = make_item(manager, finance_run.board, "Chase")
    work.link_items(blocker, blocked, kind="blocks", by=manager)
    as_manager = api(manager)
    assert [r["id"] for r in as_manager("get", "/rituals").json()] == [finance_run.pk]
    answer = as_manager("get", f"/rituals/{finance_run.pk}/review").json()
    assert [i["id"] for i in answer["items"]] == [blocker.pk, blocked.pk]
    assert answer["items"][0]["overdue"] is True and answer["items"][0]["blocks"][0]["id"] == blocked.pk
    assert answer["items"][1]["blocked"] is True and answer["items"][1]["blocked_by"][0]["state"] == "open"
    assert answer["occurrence"] is not None
    # an outsider of the private board sees nothing
    assert api(member)("get", "/rituals").json() == []
    assert api(member)("get", f"/rituals/{finance_run.pk}/review").status_code == 404


def test_minutes_and_convert(api: Any, board_meeting: Ritual, admin_user: User, member: User) -> None:
    call = api(admin_user)
    moment = iso(first_occurrence(board_meeting))
    text = f"- [ ] Budget @{member.handle} due 2026-12-20\n- [ ] Oops @nobody due 2026-12-20"
    put = call(
        "put", f"/rituals/{board_meeting.pk}/minutes", {"occurrence": moment, "text": text, "version": 0}
    )
    assert put.status_code == 200 and put.json()["version"] == 1
    stale = call(
        "put", f"/rituals/{board_meeting.pk}/minutes", {"occurrence": moment, "text": "x", "version": 0}
    )
    assert stale.status_code == 409 and stale.json()["current_version"] == 1
    bad = call("post", f"/rituals/{board_meeting.pk}/minutes/convert", {"occurrence": moment})
    assert bad.status_code == 422 and bad.json()["lines"][0]["line"] == 2
    fixed = text.split("\n")[0]
    call("put", f"/rituals/{board_meeting.pk}/minutes", {"occurrence": moment, "text": fixed, "version": 1})
    done = call("post", f"/rituals/{board_meeting.pk}/minutes/convert", {"occurrence": moment})
    assert done.status_code == 200
    created = done.json()["created"]
    assert len(created) == 1 and created[0]["title"].startswith("Acme Board Meeting action: ")
    again = call("post", f"/rituals/{board_meeting.pk}/minutes/convert", {"occurrence": moment}).json()
    assert again["created"] == [] and [i["id"] for i in again["existing"]] == [created[0]["id"]]
