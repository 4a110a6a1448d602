"""Feeds show a run of alike entries (the same person doing the same to the same kind of record
within minutes) as one line with a disclosure listing the first few; names and labels sit in <bdi>
so right-to-left pages keep them whole; a run is grouped within its page, so "Load more" still
continues where the page ended. The demo seeder's history (recorded as generated) stays out of the
home feed and the inbox, but not out of the records' own history."""

from __future__ import annotations

import re

import pytest

from tandem.activity.models import HistoryEntry
from tandem.activity.services import recording_generated
from tandem.contacts import services as contacts
from tandem.feeds import feeds, queries
from tandem.notifications import fanout
from tandem.notifications.models import Notification
from tandem.work import services as work
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(manager):
    return work.create_board(by=manager, data={"name": "Support"})


def runs(page: str) -> list[tuple[int, str]]:
    """Each grouped line: its count and its words."""
    found = re.findall(
        r'<li class="list-group-item px-0 feed-run" data-count="(\d+)">(.*?)</details>', page, re.S
    )
    return [(int(count), " ".join(re.sub(r"<[^>]+>", " ", body).split())) for count, body in found]


def test_a_run_on_the_home_feed_is_one_line_with_its_first_few_disclosed(member, manager):
    for n in range(12):
        contacts.create_person(
            by=manager,
            data={"first_name": "Person", "last_name": f"N{n:02d}", "owner": member},
            allow_duplicate=True,
        )
    page = login(member).get("/").content.decode().split('id="home-feed"')[1]
    ((count, words),) = runs(page)
    assert count == 12
    assert words.startswith("Mona Manager created 12 people Show which")
    assert "Person N11" in words and "Person N02" in words and "Person N01" not in words  # the newest ten
    assert "and 2 more" in words
    assert '<bdi class="fw-medium">Mona Manager</bdi>' in page and "<bdi>12 people</bdi>" in page
    assert "<details" in page and "<summary" in page


def test_board_feed_pages_group_within_each_page(member, manager, support):
    for n in range(35):
        work.create_item(by=manager, board=support, data={"title": f"Ticket {n}"})
    client = login(member)
    first = client.get("/feeds/board/", {"board": support.pk}).content.decode()
    assert [count for count, _words in runs(first)] == [queries.TIMELINE_PAGE]
    page = feeds.board_feed(support, viewer=member)
    assert page.more is not None
    more = client.get(
        "/feeds/board/", {"board": support.pk, "before": page.more}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in more and [count for count, _w in runs(more)] == [35 - queries.TIMELINE_PAGE]
    assert "Ticket 4" in more and "Ticket 5" not in more


def test_a_different_actor_or_verb_breaks_the_run_on_the_feed(member, manager, admin_user, support):
    work.create_item(by=manager, board=support, data={"title": "One"})
    work.create_item(by=manager, board=support, data={"title": "Two"})
    two = work.create_item(by=admin_user, board=support, data={"title": "Three"})
    work.update_item(two, by=admin_user, version=None, data={"title": "Three, renamed"})
    day_groups = feeds.board_feed(support, viewer=member).day_groups
    lines = [
        (g.entry.actor_id, g.entry.verb, g.entry.target_type, g.count)
        for _day, groups in day_groups
        for g in groups
    ]
    assert lines == [
        (admin_user.pk, "updated", "item", 1),
        (admin_user.pk, "created", "item", 1),
        (manager.pk, "created", "item", 2),
        (manager.pk, "created", "board", 1),  # the board itself: another kind of record
    ]


def test_a_records_own_timeline_lists_every_entry(member, manager, support):
    item = work.create_item(by=manager, board=support, data={"title": "Busy"})
    for n in range(3):
        work.update_item(item, by=manager, version=None, data={"title": f"Busy {n}"})
    page = login(member).get(f"/timeline/item/{item.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert runs(page) == [] and page.count('<li class="list-group-item px-0">') == 4


def test_history_recorded_as_generated_is_marked_and_no_news(member, manager, support):
    with recording_generated():
        seeded = work.create_item(by=manager, board=support, data={"title": "Seeded", "assignees": [member]})
        work.add_comment(seeded, by=manager, body=f"@{member.handle} seeded mention")
    real = work.create_item(by=manager, board=support, data={"title": "Real", "assignees": [member]})
    fanout.fan_out.call()
    assert set(
        HistoryEntry.objects.filter(target_type="item", target_id=seeded.pk).values_list(
            "generated", flat=True
        )
    ) == {True}
    assert not HistoryEntry.objects.get(target_type="item", target_id=real.pk, verb="created").generated
    home = [e.target_id for _d, entries in feeds.home(member).days for e in entries]
    assert seeded.pk not in home and real.pk in home
    assert set(Notification.objects.filter(user=member).values_list("target_id", flat=True)) == {real.pk}
    board = [e.target_id for _d, entries in feeds.board_feed(support, viewer=member).days for e in entries]
    assert seeded.pk in board  # the record's history is whole
    timeline = queries.timeline([("item", [seeded.pk])], viewer=member)
    assert {e.verb for _d, entries in timeline.days for e in entries} == {"created", "commented"}
