"""The home page's floor returns the rows Tandem's home page shows: the same deals, totals, due
work, next steps, activities, waiting notifications and feed, with a private board's left out."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bench.floor import Database
from bench.scenarios import activity as floors
from tandem.accounts.models import User
from tandem.feeds import feeds
from tandem.notifications import fanout
from tandem.notifications.queries import waiting_for
from tandem.sales import services as sales
from tandem.sales.queries import due_for, open_deals_of
from tandem.work import services as work
from tandem.work.models import Board
from tandem.work.queries import due_work_for
from tests.bench.test_floors_match_tandem import db_floor  # noqa: F401 - a fixture
from tests.conftest import join_team_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_day(member: User, manager: User, finance_board: Board) -> User:
    """Bob owns deals in two currencies (one lost), is given work due before, on and after today,
    has activities and next steps due, is mentioned; some of it on a board private to Mona's team."""
    today = timezone.localdate()
    pipeline = sales.create_pipeline(
        by=manager, name="New business", finance_board=finance_board,
        stages=[{"name": "Lead", "probability": 10}, {"name": "Proposal", "probability": 60}],
    )  # fmt: skip
    support = work.create_board(by=manager, data={"name": "Support"})
    secret = work.create_board(by=manager, data={"name": "Secret"})
    for n in range(8):
        deal = sales.create_deal(by=member, pipeline=pipeline, title=f"Deal {n}", data={
            "owner": member, "value": str(100 * n + 1), "currency": ["EUR", "USD"][n % 2],
            "probability": "25" if n % 3 == 0 else None, "next_step": "Call",
            "next_step_due": today - timedelta(days=n - 4), "expected_close": today + timedelta(days=n % 4) if n % 5 else None,
        })  # fmt: skip
        sales.log_activity(
            deal, by=member, kind="call", summary=f"Call {n}", due=today - timedelta(days=n - 5)
        )
        if n == 7:
            sales.lose(deal, by=member, reason="Too dear")
        for board in (support, secret):
            item = work.create_item(by=manager, board=board, data={
                "title": f"{board.name} {n}", "due_date": today - timedelta(days=n - 5), "assignees": [member]})  # fmt: skip
            work.add_comment(item, by=manager, body=f"@{member.handle} see {n}")
    fanout.fan_out.call()
    join_team_of(manager, secret, private=True)
    return member


def test_home_page(db_floor: Database, busy_day: User) -> None:  # noqa: F811
    member = busy_day
    today = timezone.localdate()
    floor = floors.home_page_floor(db_floor, {"user_id": member.pk, "today": today.isoformat()})
    deals, due, work_due, waiting = (
        open_deals_of(member),
        due_for(member),
        due_work_for(member),
        waiting_for(member),
    )
    assert sum(r["n"] for r in floor["totals"]) == deals.count == 7
    cents: dict[str, list[int]] = {}
    for row in floor["totals"]:
        cents.setdefault(row["currency"], [0, 0])
        cents[row["currency"]][0] += int(row["cents"])
        cents[row["currency"]][1] += int(row["weighted"])
    assert {c: (Decimal(v) / 100, Decimal(w) / 100) for c, (v, w) in cents.items()} == {
        t.currency: (t.value, t.weighted) for t in deals.totals
    }
    assert [r["item_id"] for r in floor["deals"]] == [d.pk for d in deals.deals]
    assert [r["id"] for r in floor["work"]["rows"]] == [i.pk for i in work_due.items]
    assert floor["work"]["count"] == work_due.count == 3  # Support 5 (today), 6 and 7; none of Secret
    assert all(r["board"] == "Support" for r in floor["work"]["rows"])
    assert [r["item_id"] for r in floor["next_steps"]["rows"]] == [d.pk for d in due.next_steps]
    assert floor["next_steps"]["count"] == due.next_step_count
    assert [r["id"] for r in floor["activities"]["rows"]] == [a.pk for a in due.activities]
    assert floor["activities"]["count"] == due.activity_count
    assert [r["id"] for r in floor["waiting"]["rows"]] == [n.pk for n in waiting.notifications]
    assert floor["waiting"]["count"] == waiting.count == 16  # 8 given, 8 mentioned on Support
    shown = [e.pk for _day, entries in feeds.home(member).days for e in entries]
    assert [r["id"] for r in floor["items"]] == shown and shown


def test_the_home_floor_shows_as_many_as_tandem() -> None:
    from tandem.sales import queries

    assert (floors.HOME_SHOWN, floors.COUNT_CAP) == (queries.HOME_SHOWN, queries.COUNT_CAP)
