"""Feeds: a person's home feed holds what others did to what they own, are assigned to, watch or
were mentioned in — not their own doing, not other people's work; a board's feed its items; a
team's feed the items on its boards; the new-work feed every item created (for one customer, when
asked); pages, outsiders and bad input as for timelines."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.feeds import feeds
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
    everything = titles(feeds.new_work(viewer=None))
    assert any("Support for Acme" in t for t in everything) and any(
        "Deal with Globex" in t for t in everything
    )
    assert all(e.verb == "created" for _d, entries in feeds.new_work(viewer=None).days for e in entries)
    for_acme = client.get("/feeds/new-work/", {"organization": acme.pk}).content.decode()
    assert "Support for Acme" in for_acme and "Deal with Globex" not in for_acme


def test_feed_pages_errors_and_outsiders(member, manager, support):
    for n in range(35):
        work.create_item(by=manager, board=support, data={"title": f"Ticket {n}"})
    client = login(member)
    first = feeds.new_work(viewer=None)
    more = client.get(
        "/feeds/new-work/", {"before": first.more}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in more and "Ticket 4" in more and "Ticket 34" not in more
    assert client.get("/feeds/board/", {"board": "999999"}).status_code == 404
    assert client.get("/feeds/team/", {"team": "x"}).status_code == 404
    assert client.get("/feeds/new-work/", {"organization": "999999"}).status_code == 404
    assert client.get("/feeds/nonsense/").status_code == 404
    assert Client().get("/feeds/home/").status_code == 302


def _all_pages(scope, not_by=None, verbs=()) -> list[int]:
    """Every row of a timeline, five at a time, following the cursors."""
    from tandem.feeds import queries

    seen: list[int] = []
    page = queries.timeline(scope, viewer=None, limit=5, not_by=not_by, verbs=verbs)
    while True:
        seen += [entry.pk for _day, entries in page.days for entry in entries]
        if page.more is None:
            return seen
        page = queries.timeline(
            scope, viewer=None, before=queries.parse_cursor(page.more), limit=5, not_by=not_by, verbs=verbs
        )


@pytest.fixture
def busy_member(member, manager, support, make_org, make_person):
    """Bob watches, is assigned to and owns records others change, with rows of the same instant
    (a page may end inside them) and rows of other people's records in between."""
    from django.utils import timezone

    from tandem.activity.models import HistoryEntry
    from tandem.contacts import services as contacts

    acme = make_org("Acme", owner=member, by=manager)
    for n in range(12):
        item = work.create_item(
            by=manager if n % 3 else member,
            board=support,
            data={
                "title": f"Ticket {n}",
                "assignees": [member] if n % 2 else [],
                "organizations": [acme] if n % 2 == 0 else [],
            },
        )
        work.update_item(item, by=manager, version=None, data={"title": f"Ticket {n}, renamed"})
        work.create_item(by=manager, board=support, data={"title": f"Someone else's {n}"})
    for n in range(4):
        make_org(f"Bob's customer {n}", owner=member, by=manager)
        person = make_person(f"Ann{n}", "Smith", owner=member, by=manager)
        contacts.add_membership(person, acme, by=manager, job_title="Buyer")
        make_org(f"Mona's customer {n}", by=manager)
    contacts.update_organization(acme, by=manager, version=None, data={"industry": "Rockets"})
    same_moment = timezone.now()
    HistoryEntry.objects.filter(pk__in=list(HistoryEntry.objects.values_list("pk", flat=True)[::3])).update(
        at=same_moment
    )
    return member, acme


@pytest.mark.parametrize("scope_of", ["home", "customer", "new_work"])
def test_large_and_small_parts_read_the_same_rows(busy_member, monkeypatch, scope_of):
    """Each part read through its records' own history (IN) and by walking the newest history of
    its type (EXISTS): the same rows in the same order, page after page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.feeds import queries

    member, acme = busy_member
    scope, not_by, verbs = {
        "home": (feeds.home_scope(member), member, ()),
        "customer": (feeds.customer_scope(acme), None, ()),
        "new_work": (feeds.new_work_scope(acme), None, feeds.NEW_WORK_VERBS),
    }[scope_of]
    found = {}
    for large_part, walked in ((10**9, False), (0, True)):
        monkeypatch.setattr(queries, "LARGE_PART", large_part)
        with CaptureQueriesContext(connection) as captured:
            found[walked] = _all_pages(scope, not_by=not_by, verbs=verbs)
        # the parts given as subqueries (a part given as a list of ids is always read record by record)
        part_queries = [
            q["sql"] for q in captured.captured_queries if 'FROM "activity_historyentry"' in q["sql"]
        ]
        subquery_parts = [sql for sql in part_queries if '"U0"' in sql]
        assert subquery_parts and all(_walked(sql) == walked for sql in subquery_parts)
    assert found[True] == found[False]
    assert len(found[True]) >= 6 and len(set(found[True])) == len(found[True])


def _walked(sql: str) -> bool:
    """Whether a part's query walks the newest history of its type (EXISTS) or reads its records'
    own history (IN on SQLite, = ANY(ARRAY(...)) on PostgreSQL)."""
    small = " IN (SELECT" in sql or "= ANY((ARRAY(SELECT" in sql
    assert ("EXISTS" in sql) != small
    return "EXISTS" in sql


def test_a_part_is_large_past_its_records_or_their_rows(
    member, manager, support, monkeypatch, django_assert_num_queries
):
    """More than LARGE_PART records, or more than LARGE_PART_ROWS history rows of them: walked;
    else read record by record. One query sizes every part, then one query per part."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tandem.activity.models import HistoryEntry
    from tandem.feeds import queries

    monkeypatch.setattr(queries, "LARGE_PART", 3)
    items = [
        work.create_item(by=manager, board=support, data={"title": f"Ticket {n}", "assignees": [member]})
        for n in range(3)
    ]
    scope = feeds.home_scope(member)

    def assignees_part_walked() -> bool:
        # the home feed's own timeline, read as a viewer who sees every board (no private-board clause)
        with django_assert_num_queries(len(scope) + 1), CaptureQueriesContext(connection) as captured:
            queries.timeline(scope, viewer=None, not_by=member)
        return _walked(captured.captured_queries[2]["sql"])  # after the sizes and the watched items

    rows = HistoryEntry.objects.filter(target_type="item", target_id__in=[i.pk for i in items]).count()
    monkeypatch.setattr(queries, "LARGE_PART_ROWS", rows)
    assert not assignees_part_walked()  # 3 records, `rows` rows
    work.update_item(items[0], by=manager, version=None, data={"title": "Ticket 0, renamed"})
    assert assignees_part_walked()  # one row more than LARGE_PART_ROWS
    monkeypatch.setattr(queries, "LARGE_PART_ROWS", 10**9)
    assert not assignees_part_walked()
    work.create_item(by=manager, board=support, data={"title": "The fourth", "assignees": [member]})
    assert assignees_part_walked()  # a record more than LARGE_PART
    shown = titles(feeds.home(member))
    assert any("The fourth" in t for t in shown) and any("Ticket 0, renamed" in t for t in shown)
