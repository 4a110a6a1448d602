"""Feeds through the API, a page at a time."""

from __future__ import annotations

import pytest

from tandem.work import services as work


@pytest.fixture
def support(manager, team):
    return work.create_board(by=manager, data={"name": "Support", "team": team})


def test_feeds_through_the_api(api_as, member, manager, support):
    work.create_item(by=manager, board=support, data={"title": "Printer", "assignees": [member]})
    api = api_as(member)
    home = api.get("/feeds/home").json()
    assert [e["target_label"].split(" ", 1)[1] for e in home["items"]][:1] == ["Printer"]
    assert api.get(f"/feeds/boards/{support.pk}").json()["items"][0]["verb"] == "created"
    assert api.get("/feeds/new-work", {"before": "soon"}).status_code == 422
    assert api.get("/feeds/teams/999999").status_code == 404
