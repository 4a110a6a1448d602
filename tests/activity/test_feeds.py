"""Feeds: a person's home feed holds what others did to what they own, are assigned to, watch or
were mentioned in — not their own doing, not other people's work; a board's feed its items; a
team's feed the items on its boards; the new-work feed every item created (for one customer, when
asked); pages, outsiders and bad input as for timelines."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.activity import feeds
from tandem.work import services as work
from tests.conftest import login


def titles(page) -> list[str]:
    return [entry.target_label for _day, entries in page.days for entry in entries]


@pytest.fixture
def support(manager, team):
    return work.create_board(by=manager, data={"name": "Support", "team": team})


def test_home_feed_what_concerns_me(member, manager, guest, support, make_org):
    mine = work.create_item(
        by=manager, board=support, data={"title": "Assigned to Bob", "assignees": [member]}
    )
    mentioned = work.create_item(by=manager, board=support, data={"title": "Mentions Bob"})
    work.add_comment(mentioned, by=manager, body="@" + member.handle + " can you look?")
    work.create_item(by=manager, board=support, data={"title": "Not Bob's"})
    own = work.create_item(by=member, board=support, data={"title": "Bob's own"})
    work.update_item(mine, by=manager, version=None, data={"title": "Assigned to Bob, renamed"})
    acme = make_org("Acme", owner=member)
    from tandem.contacts import services as contacts

    contacts.update_organization(acme, by=manager, version=acme.version, data={"industry": "Rockets"})

    shown = titles(feeds.home(member))
    assert any("Assigned to Bob, renamed" in t for t in shown) and any("Mentions Bob" in t for t in shown)
    assert "Acme" in shown
    assert not any("Not Bob's" in t for t in shown)
    assert not any("Bob's own" in t for t in shown)  # what he did himself is not news to him
    page = login(member).get("/").content.decode()
    assert "Mentions Bob" in page.split('id="home-feed"')[1]
    assert own.watchers.filter(pk=member.pk).exists()  # he watches his own item, and still it is not there


def test_board_team_and_new_work_feeds(member, manager, support, team, make_org):
    acme, globex = make_org("Acme"), make_org("Globex")
    other_board = work.create_board(by=manager, data={"name": "Sales"})
    work.create_item(by=member, board=support, data={"title": "Support for Acme", "organizations": [acme]})
    work.create_item(
        by=member, board=other_board, data={"title": "Deal with Globex", "organizations": [globex]}
    )
    client = login(member)

    board = client.get("/feeds/board/", {"board": support.pk}).content.decode()
    assert "Support for Acme" in board and "Deal with Globex" not in board
    team_feed = client.get("/feeds/team/", {"team": team.pk}).content.decode()
    assert "Support for Acme" in team_feed and "Deal with Globex" not in team_feed
    everything = titles(feeds.new_work())
    assert any("Support for Acme" in t for t in everything) and any(
        "Deal with Globex" in t for t in everything
    )
    assert all(e.verb == "created" for _d, entries in feeds.new_work().days for e in entries)
    for_acme = client.get("/feeds/new-work/", {"organization": acme.pk}).content.decode()
    assert "Support for Acme" in for_acme and "Deal with Globex" not in for_acme


def test_feed_pages_errors_and_outsiders(member, manager, support):
    for n in range(35):
        work.create_item(by=manager, board=support, data={"title": f"Ticket {n}"})
    client = login(member)
    first = feeds.new_work()
    more = client.get(
        "/feeds/new-work/", {"before": first.more}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in more and "Ticket 4" in more and "Ticket 34" not in more
    assert client.get("/feeds/board/", {"board": "999999"}).status_code == 404
    assert client.get("/feeds/team/", {"team": "x"}).status_code == 404
    assert client.get("/feeds/new-work/", {"organization": "999999"}).status_code == 404
    assert client.get("/feeds/nonsense/").status_code == 404
    assert Client().get("/feeds/home/").status_code == 302
