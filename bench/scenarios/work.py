"""Board scenarios: the board page of the biggest board, the next page of its fullest column, and an
item's page. Each floor is the SQL a hand-written page would run for the same rows: the board, its
columns, one grouped count, 50 cards a column (with the blocked flag, links and subtask counts),
their labels and assignees, and the filter menus."""

# ruff: noqa: S608 - the SQL is assembled from constants in this module; values are bound parameters

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.floor import Database, Row, placeholders
from bench.scenarios import Case, Context, scenario

CARDS_PER_PAGE = 50  # tandem.work.queries.CARDS_PER_PAGE

CARD_ROWS = """
SELECT i.id, i.title, i.rank, i.state, i.due_date, i.estimate, i.priority, i.column_id,
       EXISTS (SELECT 1 FROM work_itemlink k JOIN work_item s ON s.id = k.source_id
               WHERE k.target_id = i.id AND k.kind = 'blocks' AND s.state = 'open') AS blocked,
       EXISTS (SELECT 1 FROM work_itemlink k WHERE k.source_id = i.id OR k.target_id = i.id) AS linked,
       (SELECT COUNT(*) FROM work_item c WHERE c.parent_id = i.id) AS children_total,
       (SELECT COUNT(*) FROM work_item c WHERE c.parent_id = i.id AND c.state = 'closed') AS children_closed
FROM work_item i
WHERE i.board_id = %s AND i.column_id = %s AND i.rank > %s
ORDER BY i.rank
LIMIT %s
"""


def _cards(db: Database, board: int, column: int, after: str) -> dict[str, list[Row]]:
    cards = db.rows(CARD_ROWS, [board, column, after, CARDS_PER_PAGE + 1])
    ids = [card["id"] for card in cards[:CARDS_PER_PAGE]]
    if not ids:
        return {"cards": cards, "labels": [], "assignees": []}
    return {
        "cards": cards,
        "labels": db.rows(
            "SELECT il.item_id, l.id, l.name, l.scope, l.color FROM work_item_labels il "
            f"JOIN work_label l ON l.id = il.label_id WHERE il.item_id IN ({placeholders(ids)}) ORDER BY l.name",
            ids,
        ),
        "assignees": db.rows(
            "SELECT ia.item_id, u.id, u.full_name, u.email FROM work_item_assignees ia "
            f"JOIN accounts_user u ON u.id = ia.user_id WHERE ia.item_id IN ({placeholders(ids)}) "
            "ORDER BY u.full_name, u.email",
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
        "cards": [_cards(db, board, column["id"], "") for column in columns],
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
    """The next 50 cards of one column after a position, with labels and assignees."""
    return _cards(db, params["board"], params["column"], params["after"])


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
