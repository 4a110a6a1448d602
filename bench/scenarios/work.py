"""Board scenarios: the board page of the biggest board, the next page of its fullest column, and an
item's page. Each floor is the SQL a hand-written page would run for the same rows: the board, its
columns, one grouped count, 50 cards a column, then for all cards at once their labels, assignees,
links (the blocked flag) and subtask counts, and the filter menus. The count is run on every view
here; Tandem keeps a large board's counts in its cache for a minute."""

# ruff: noqa: S608 - the SQL is assembled from constants in this module; values are bound parameters

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.floor import Database, Row, placeholders
from bench.scenarios import Case, Context, scenario

CARDS_PER_PAGE = 50  # tandem.work.queries.CARDS_PER_PAGE

CARD_ROWS = """
SELECT i.id, i.title, i.rank, i.state, i.due_date, i.estimate, i.priority, i.column_id
FROM work_item i
WHERE i.board_id = %s AND i.column_id = %s AND i.rank > %s
ORDER BY i.rank
LIMIT %s
"""


def _cards(db: Database, board: int, column: int, after: str) -> dict[str, list[Row]]:
    return {"cards": db.rows(CARD_ROWS, [board, column, after, CARDS_PER_PAGE + 1])}


def _card_details(db: Database, cards: list[Row]) -> dict[str, list[Row]]:
    """For the cards of a page at once: labels, assignees, links (blocked / linked flags) and
    subtask counts."""
    ids = [card["id"] for card in cards]
    if not ids:
        return {"labels": [], "assignees": [], "links": [], "children": []}
    marks = placeholders(ids)
    return {
        "labels": db.rows(
            "SELECT il.item_id, l.id, l.name, l.scope, l.color FROM work_item_labels il "
            f"JOIN work_label l ON l.id = il.label_id WHERE il.item_id IN ({marks}) ORDER BY l.name",
            ids,
        ),
        "assignees": db.rows(
            "SELECT ia.item_id, u.id, u.full_name, u.email FROM work_item_assignees ia "
            f"JOIN accounts_user u ON u.id = ia.user_id WHERE ia.item_id IN ({marks}) ORDER BY u.full_name, u.email",
            ids,
        ),
        "links": db.rows(
            "SELECT k.source_id, k.target_id, k.kind, s.state FROM work_itemlink k JOIN work_item s ON s.id = k.source_id "
            f"WHERE k.source_id IN ({marks}) OR k.target_id IN ({marks})",
            [*ids, *ids],
        ),
        "children": db.rows(
            "SELECT parent_id, COUNT(*) AS total, SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END) AS closed "
            f"FROM work_item WHERE parent_id IN ({marks}) GROUP BY parent_id",
            ids,
        ),
    }


def board_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The board, its columns, the count per column (one grouped query), the first 50 cards of each
    column with labels and assignees, and the filter menus (active users, the board's labels)."""
    board = params["board"]
    columns = db.rows(
        "SELECT c.id, c.name, c.kind, c.wip_limit, l.name AS label FROM work_column c "
        "LEFT JOIN work_label l ON l.id = c.label_id WHERE c.board_id = %s ORDER BY c.position, c.id",
        [board],
    )
    return {
        "board": db.rows("SELECT * FROM work_board WHERE id = %s", [board]),
        "columns": columns,
        "counts": db.rows(
            "SELECT column_id, COUNT(*) AS n FROM work_item WHERE board_id = %s GROUP BY column_id", [board]
        ),
        "cards": (cards := [_cards(db, board, column["id"], "") for column in columns]),
        "details": _card_details(db, [card for column in cards for card in column["cards"][:CARDS_PER_PAGE]]),
        "users": db.rows(
            "SELECT id, full_name, email FROM accounts_user WHERE is_active ORDER BY full_name, email"
        ),
        "labels": db.rows(
            "SELECT id, name, color FROM work_label WHERE board_id = %s OR board_id IS NULL ORDER BY name, id",
            [board],
        ),
    }


@scenario("board_page", "Board page, the biggest board (HTML)", floor=board_floor)
def board_page(ctx: Context) -> list[Case]:
    board = ctx.samples["board"]
    if not board:
        raise ValueError("the data set has no boards")
    return [Case(ctx.html(f"/boards/{board['id']}/"), {"board": board["id"]})]


def column_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The next 50 cards of one column after a position, with labels, assignees, flags, subtasks."""
    cards = _cards(db, params["board"], params["column"], params["after"])
    return {**cards, **_card_details(db, cards["cards"][:CARDS_PER_PAGE])}


@scenario("column_page", "Board column, the next 50 cards (HTML)", floor=column_floor)
def column_page(ctx: Context) -> list[Case]:
    board = ctx.samples["board"]
    if not board:
        raise ValueError("the data set has no boards")
    path = f"/boards/{board['id']}/columns/{board['column']}/?after={board['after']}"
    return [Case(ctx.html(path), {"board": board["id"], "column": board["column"], "after": board["after"]})]


def item_page_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The item with board, column and labels, assignees, watchers, customers, links both ways,
    subtasks, comments and the last 50 history entries."""
    pk = params["id"]
    return {
        "item": db.rows(
            "SELECT i.*, b.name AS board_name, c.name AS column_name FROM work_item i "
            "JOIN work_board b ON b.id = i.board_id LEFT JOIN work_column c ON c.id = i.column_id WHERE i.id = %s",
            [pk],
        ),
        "labels": db.rows(
            "SELECT l.* FROM work_item_labels il JOIN work_label l ON l.id = il.label_id WHERE il.item_id = %s",
            [pk],
        ),
        "assignees": db.rows(
            "SELECT u.id, u.full_name FROM work_item_assignees a JOIN accounts_user u ON u.id = a.user_id "
            "WHERE a.item_id = %s",
            [pk],
        ),
        "watchers": db.rows(
            "SELECT u.id, u.full_name FROM work_item_watchers w JOIN accounts_user u ON u.id = w.user_id "
            "WHERE w.item_id = %s",
            [pk],
        ),
        "organizations": db.rows(
            "SELECT o.id, o.name FROM work_item_organizations x JOIN contacts_organization o "
            "ON o.id = x.organization_id WHERE x.item_id = %s",
            [pk],
        ),
        "links": db.rows(
            "SELECT k.*, s.title AS source_title, s.state AS source_state, t.title AS target_title "
            "FROM work_itemlink k JOIN work_item s ON s.id = k.source_id JOIN work_item t ON t.id = k.target_id "
            "WHERE k.source_id = %s OR k.target_id = %s",
            [pk, pk],
        ),
        "children": db.rows(
            "SELECT id, title, state FROM work_item WHERE parent_id = %s ORDER BY rank", [pk]
        ),
        "comments": db.rows("SELECT * FROM work_comment WHERE item_id = %s ORDER BY created_at, id", [pk]),
        "history": db.rows(
            "SELECT * FROM activity_historyentry WHERE target_type = 'item' AND target_id = %s "
            "ORDER BY at DESC, id DESC LIMIT 50",
            [pk],
        ),
    }


@scenario("deal_page", "A deal's page (HTML)", floor=item_page_floor)
def deal_page(ctx: Context) -> list[Case]:
    deals: list[int] = ctx.samples["deal_ids"]
    if not deals:
        raise ValueError("the data set has no deals")
    return [Case(ctx.html(f"/items/{pk}/"), {"id": pk}) for pk in deals]


# --- API writes (no floor: they measure Tandem's write path, rules and history included) ----------

WRITE_CYCLE = 200


@scenario("api_item_create", "Create an item on the biggest board (API)", writes=True)
def api_item_create(ctx: Context) -> list[Case]:
    board = ctx.samples["board"]
    if not board:
        raise ValueError("the data set has no boards")
    return [
        Case(ctx.api("POST", "/api/v1/items", {"board": board["id"], "title": f"Bench item {ctx.run_id}-{i}",
                                                "description": "Made by the **benchmark**.", "priority": 2}))
        for i in range(WRITE_CYCLE)
    ]  # fmt: skip


@scenario("api_item_update", "Edit a deal (API PATCH, If-Match: *)", writes=True)
def api_item_update(ctx: Context) -> list[Case]:
    # Each deal comes up twice per cycle with alternating titles, so every edit changes something.
    deals: list[int] = ctx.samples["deal_ids"]
    if not deals:
        raise ValueError("the data set has no deals")
    return [
        Case(ctx.api("PATCH", f"/api/v1/items/{pk}", {"title": f"Deal {pk} ({variant})"}, {"If-Match": "*"}))
        for variant in ("a", "b")
        for pk in deals
    ]
