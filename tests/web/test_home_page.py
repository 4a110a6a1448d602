"""The home page says what to do today, card by card, in order: my open deals (with the pipeline's
value and weighted value per currency), what is due today or overdue (my work items, my deals' next
steps and activities), what waits for me (unread mentions and assignments), then the feed. Each card
has an empty state that says what to do; private boards stay hidden from those outside their team;
the page's queries do not grow with the rows."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.models import User
from tandem.notifications import fanout
from tandem.sales import services as sales
from tandem.sales.models import Pipeline
from tandem.sales.queries import open_deals_of
from tandem.work import services as work
from tandem.work.models import Board
from tests.conftest import join_team_of, login

pytestmark = pytest.mark.django_db

# Pinned: the session and the user (2); my due work items, the first few and their capped count
# (2); my deals' next steps and activities due, the same (4); my open deals, their grouped count
# and totals, the soonest few as ids (a narrow sort over the deal rows alone), then those few loaded
# (3); what waits for me, the same as the work items (2); the feed,
# its parts' sizes in one query and one query per part of the home scope (5). A card that lists all
# its rows counts them without a query, so an emptier page runs fewer.
HOME_QUERIES = 18


@pytest.fixture
def pipeline(manager: User, finance_board: Board) -> Pipeline:
    return sales.create_pipeline(
        by=manager,
        name="New business",
        finance_board=finance_board,
        stages=[{"name": "Lead", "probability": 10}, {"name": "Proposal", "probability": 60}],
    )


@pytest.fixture
def support(manager: User) -> Board:
    return work.create_board(by=manager, data={"name": "Support"})


def section(page: str, name: str) -> str:
    found = re.search(rf'<section[^>]*id="home-{name}".*?</section>', page, re.S)
    assert found, f"no {name} card"
    return found.group(0)


def text(markup: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", markup).split()))


def count_of(card: str) -> str:
    found = re.search(r'home-count">([^<]*)<', card)
    assert found
    return found.group(1)


def home(user: User) -> str:
    response = login(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_users_home_says_what_to_do_on_every_card(member):
    page = home(member)
    deals, due, waiting, feed = (section(page, n) for n in ("deals", "due", "waiting", "feed"))
    assert page.index('id="home-deals"') < page.index('id="home-due"') < page.index('id="home-waiting"')
    assert page.index('id="home-waiting"') < page.index('id="home-feed"')
    assert count_of(deals) == count_of(due) == count_of(waiting) == "0"
    assert "No deals yet — qualify a lead in Sales." in text(deals) and 'href="/leads/"' in deals
    assert "Nothing due today" in text(due) and 'href="/boards/"' in due
    assert "Nobody is waiting for you" in text(waiting) and 'href="/notifications/"' in waiting
    assert "Nothing has happened here yet." in text(feed)


def test_my_open_deals_with_totals_per_currency_the_soonest_first(member, manager, pipeline, make_org):
    today = timezone.localdate()
    acme = make_org("Acme Corp")
    made = [
        sales.create_deal(by=member, pipeline=pipeline, title=f"Deal {n}", data={
            "owner": member, "value": "1000", "organization": acme,
            "expected_close": today + timedelta(days=30 - n),
        })
        for n in range(6)
    ]  # fmt: skip
    sales.create_deal(by=member, pipeline=pipeline, title="Dollar deal",
                      data={"owner": member, "value": "200", "currency": "USD", "probability": "50"})  # fmt: skip
    sales.create_deal(
        by=manager, pipeline=pipeline, title="Mona's deal", data={"owner": manager, "value": "9"}
    )
    sales.lose(made[0], by=member, reason="Went elsewhere")

    owned = open_deals_of(member)
    assert owned.count == 6  # five in euros left open, one in dollars; not Mona's, not the lost one
    totals = {t.currency: (t.value, t.weighted) for t in owned.totals}
    assert totals == {
        "EUR": (Decimal("5000.00"), Decimal("500.00")),
        "USD": (Decimal("200.00"), Decimal("100.00")),
    }
    card = section(home(member), "deals")
    assert count_of(card) == "6"
    shown = re.findall(r"Deal \d", text(card))
    assert shown == ["Deal 5", "Deal 4", "Deal 3", "Deal 2", "Deal 1"]  # the soonest to close first
    assert "Dollar deal" not in card  # no expected close: after the dated ones, beyond the first five
    assert "5,000.00 EUR" in text(card) and "500.00 EUR" in text(card) and "200.00 USD" in text(card)
    assert f'href="/boards/{pipeline.board_id}/"' in card and f'href="/items/{made[5].pk}/"' in card
    assert "Mona's deal" not in card and "Deal 0" not in card


def test_due_today_and_overdue_work_next_steps_and_activities(member, manager, support, pipeline):
    today = timezone.localdate()

    def item(title: str, due, **data):
        return work.create_item(by=manager, board=support, data={"title": title, "due_date": due, **data})

    late = item("Late ticket", today - timedelta(days=3), assignees=[member])
    item("Today's ticket", today, assignees=[member])
    item("Tomorrow's ticket", today + timedelta(days=1), assignees=[member])
    item("Mona's ticket", today - timedelta(days=1), assignees=[manager])
    work.close_item(item("Closed ticket", today - timedelta(days=1), assignees=[member]), by=manager)
    deal = sales.create_deal(by=member, pipeline=pipeline, title="Acme pilot",
                             data={"owner": member, "next_step": "Send the quote", "next_step_due": today})  # fmt: skip
    sales.log_activity(deal, by=member, kind="call", summary="Call the buyer", due=today - timedelta(days=1))
    sales.log_activity(deal, by=member, kind="note", summary="Next month", due=today + timedelta(days=30))

    card = section(home(member), "due")
    words = text(card)
    assert count_of(card) == "4"
    assert "Late ticket" in words and "Today's ticket" in words and f'href="/items/{late.pk}/"' in card
    assert "Tomorrow's ticket" not in words and "Mona's ticket" not in words and "Closed ticket" not in words
    assert "Send the quote" in words and "Call the buyer" in words and "Next month" not in words
    assert words.count("overdue ·") == 2 and words.count("due today") == 2


def test_waiting_for_me_holds_unread_mentions_and_assignments(member, manager, support):
    mentioned = work.create_item(by=manager, board=support, data={"title": "Mentions Bob"})
    work.add_comment(mentioned, by=manager, body=f"@{member.handle} can you look?")
    work.create_item(by=manager, board=support, data={"title": "Given to Bob", "assignees": [member]})
    watched = work.create_item(by=member, board=support, data={"title": "Bob watches"})
    work.add_comment(watched, by=manager, body="just a comment")  # a comment: the inbox, not waiting
    fanout.fan_out.call()

    card = section(home(member), "waiting")
    assert count_of(card) == "2"
    assert "Mentions Bob" in text(card) and "Given to Bob" in text(card) and "Bob watches" not in text(card)
    assert 'href="/notifications/?show=unread"' in card
    member.notifications.update(read_at=timezone.now())
    assert count_of(section(home(member), "waiting")) == "0"


def test_a_private_boards_items_deals_and_notifications_stay_off_an_outsiders_home(
    member, manager, pipeline, support
):
    """Bob owns a deal and is given work on boards made private to a team he is not in: his home
    shows none of it (nor what Mona did there), while Mona, in the team, sees hers."""
    today = timezone.localdate()
    secret = work.create_item(by=manager, board=support, data={
        "title": "Secret ticket", "due_date": today, "assignees": [member, manager]})  # fmt: skip
    deal = sales.create_deal(by=manager, pipeline=pipeline, title="Secret deal",
                             data={"owner": member, "value": "100", "next_step": "Secret step", "next_step_due": today})  # fmt: skip
    sales.log_activity(deal, by=manager, kind="call", summary="Secret call", due=today)
    work.add_comment(secret, by=manager, body=f"@{member.handle} secret mention")
    fanout.fan_out.call()
    before = home(member)
    assert "Secret ticket" in before and "Secret deal" in before  # seen while the boards are open

    join_team_of(manager, support, private=True)
    join_team_of(manager, pipeline.board, private=True)
    page = home(member)
    assert "Secret" not in page and "secret" not in page
    assert count_of(section(page, "deals")) == count_of(section(page, "due")) == "0"
    assert count_of(section(page, "waiting")) == "0"
    assert "Secret ticket" in section(home(manager), "due")


def test_the_home_page_runs_as_many_queries_for_6_of_everything_as_for_16(
    member, manager, support, pipeline, make_org
):
    today = timezone.localdate()

    def add(count: int) -> None:
        for n in range(count):
            item = work.create_item(by=manager, board=support, data={
                "title": f"Ticket {n}", "due_date": today - timedelta(days=n % 3), "assignees": [member]})  # fmt: skip
            work.add_comment(item, by=manager, body=f"@{member.handle} look at {n}")
            deal = sales.create_deal(by=member, pipeline=pipeline, title=f"Deal {n}", data={
                "owner": member, "value": str(100 + n), "currency": ["EUR", "USD"][n % 2],
                "next_step": "Call", "next_step_due": today, "expected_close": today + timedelta(days=n)})  # fmt: skip
            sales.log_activity(deal, by=member, kind="call", summary=f"Call {n}", due=today)
            org = make_org(f"Customer {n}", owner=member)
            org.refresh_from_db()
            from tandem.contacts import services as contacts

            contacts.update_organization(org, by=manager, version=org.version, data={"industry": "Rockets"})
        fanout.fan_out.call()

    def queries() -> int:
        client = login(member)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    empty = queries()
    add(6)  # more than each card lists: the cards count the rest
    few = queries()
    add(10)
    many = queries()
    page = home(member)
    assert (
        count_of(section(page, "deals")) == "16" and count_of(section(page, "waiting")) == "32"
    )  # given, mentioned
    assert empty <= few == many, f"{few} queries for 6 of everything, {many} for 16 ({empty} for none)"
    assert many <= HOME_QUERIES, f"{many} queries (pinned at most {HOME_QUERIES})"


def test_a_large_book_of_deals_keeps_its_totals_in_the_cache_a_short_while(member, pipeline, monkeypatch):
    from django.core.cache import cache

    from tandem.sales import queries as sales_queries

    monkeypatch.setattr(sales_queries, "LARGE_BOOK", 2)
    cache.clear()
    for n in range(2):
        sales.create_deal(
            by=member, pipeline=pipeline, title=f"Deal {n}", data={"owner": member, "value": "100"}
        )
    assert sales_queries.open_deals_of(member).count == 2
    sales.create_deal(by=member, pipeline=pipeline, title="Third", data={"owner": member, "value": "100"})
    assert sales_queries.open_deals_of(member).count == 2  # the cached totals, for up to a minute
    cache.clear()
    assert sales_queries.open_deals_of(member).count == 3
    monkeypatch.setattr(sales_queries, "LARGE_BOOK", 1_000)
    cache.clear()
    sales.create_deal(by=member, pipeline=pipeline, title="Fourth", data={"owner": member, "value": "100"})
    assert sales_queries.open_deals_of(member).count == 4
    sales.create_deal(by=member, pipeline=pipeline, title="Fifth", data={"owner": member, "value": "100"})
    assert sales_queries.open_deals_of(member).count == 5  # a small book is summed every time
