"""The board floors return the rows Tandem's board page, column page and item page show."""

from __future__ import annotations

from typing import Any

import pytest

from bench.floor import Database
from bench.scenarios import work as floors
from tandem.accounts.models import User
from tandem.work import queries, services
from tandem.work.filters import ItemFilters
from tandem.work.models import Board
from tests.bench.test_floors_match_tandem import db_floor  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_board(manager: User, member: User) -> Board:
    board = services.create_board_with_stages(
        by=manager, data={"name": "Support"}, stages=["triage", "doing"]
    )
    stage = board.labels.get(name="Support::triage")
    items = [
        services.create_item(by=member, board=board, data={"title": f"Ticket {n}", "labels": [stage] if n % 2 else [],
                                                             "assignees": [member] if n % 3 else []})
        for n in range(130)
    ]  # fmt: skip
    # on the newest cards, which the first page of each column shows
    services.link_items(items[-1], items[-2], kind="blocks", by=member)
    services.create_item(by=member, board=board, data={"title": "Subtask", "parent": items[-4]})
    services.close_item(items[-5], by=member)
    return board


def test_board_page(db_floor: Database, busy_board: Board, member: User) -> None:  # noqa: F811
    floor = floors.board_floor(db_floor, {"board": busy_board.pk})
    shown = queries.board_view(busy_board, ItemFilters(), user=member)
    assert [c["id"] for c in floor["columns"]] == [view.column.pk for view in shown]
    counts = {row["column_id"]: row["n"] for row in floor["counts"]}
    assert [counts.get(view.column.pk, 0) for view in shown] == [view.count for view in shown]
    for cards, view in zip(floor["cards"], shown, strict=True):
        assert [c["id"] for c in cards["cards"][: floors.CARDS_PER_PAGE]] == [card.pk for card in view.cards]
    details = floor["details"]
    shown_cards = [card for view in shown for card in view.cards]
    blocked = {r["target_id"] for r in details["links"] if r["kind"] == "blocks" and r["state"] == "open"}
    children = {r["parent_id"]: r["total"] for r in details["children"]}
    for card in shown_cards:
        assert (card.pk in blocked, children.get(card.pk, 0)) == (card.is_blocked, card.children_total)  # type: ignore[attr-defined]
    assert any(card.is_blocked for card in shown_cards) and any(card.children_total for card in shown_cards)  # type: ignore[attr-defined]
    assert sorted((r["item_id"], r["name"]) for r in details["labels"]) == sorted(
        (card.pk, label.name)
        for card in shown_cards
        for label in card.label_list  # type: ignore[attr-defined]
    )


def test_column_page(db_floor: Database, busy_board: Board, member: User) -> None:  # noqa: F811
    column = busy_board.columns.get(name="Open")
    first, _more = queries.column_cards(busy_board, column, ItemFilters(), user=member)
    after = first[-1].rank
    floor = floors.column_floor(db_floor, {"board": busy_board.pk, "column": column.pk, "after": after})
    cards, more = queries.column_cards(busy_board, column, ItemFilters(), user=member, after=after)
    assert [r["id"] for r in floor["cards"][: floors.CARDS_PER_PAGE]] == [card.pk for card in cards]
    assert (len(floor["cards"]) > floors.CARDS_PER_PAGE) == more


def test_item_page(db_floor: Database, busy_board: Board, member: User) -> None:  # noqa: F811
    item = busy_board.items.get(title="Ticket 3")
    floor: dict[str, Any] = floors.item_page_floor(db_floor, {"id": item.pk})
    shown = queries.get_item_for_user(member, item.pk)
    assert floor["item"][0]["title"] == shown.title
    assert [r["id"] for r in floor["children"]] == [c.pk for c in queries.children_of(shown, user=member)]
    assert [r["id"] for r in floor["assignees"]] == [u.pk for u in shown.assignees.all()]
