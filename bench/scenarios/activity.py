"""Feed and timeline scenarios: the home page and the home feed of the generated user who watches
the most items (HTML pages and API), and the customer timeline of the biggest organizations (the page part "Load
more" fetches, and the API).

Each floor reads what Tandem's timeline reads (tandem.activity.queries.timeline), as one statement
instead of one query per part: the sizes of the parts given as subqueries (their first
LARGE_PART + 1 records and, when there are not more, those records' history rows up to
LARGE_PART_ROWS + 1; one query), then the newest TIMELINE_PAGE + 1 rows of each part (a large part
by walking the newest history of its type, a smaller one through its records' own history),
merged and cut to a page, with who did each."""

# ruff: noqa: S608 - the SQL is assembled from constants in this module; values are bound parameters

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from bench.floor import Database, placeholders
from bench.scenarios import Case, Context, scenario

TIMELINE_PAGE = 30  # tandem.activity.queries.TIMELINE_PAGE
LARGE_PART = 5000  # tandem.activity.queries.LARGE_PART
LARGE_PART_ROWS = 20000  # tandem.activity.queries.LARGE_PART_ROWS


@dataclass(frozen=True)
class Part:
    """The records of one type a timeline reads: `ids` (a list), or the `column` of the rows of
    `table` where `where` holds."""

    target_type: str
    ids: Sequence[int] = ()
    table: str = ""
    column: str = ""
    where: str = ""
    params: Sequence[Any] = ()


def _large(db: Database, parts: Sequence[Part]) -> list[bool]:
    subqueries = [part for part in parts if part.table]
    if not subqueries:
        return [False] * len(parts)
    cases, params = [], []
    for i, p in enumerate(subqueries):
        ids = f"SELECT {p.column} FROM {p.table} WHERE {p.where} LIMIT {LARGE_PART + 1}"
        cases.append(
            f"CASE WHEN (SELECT COUNT(*) FROM ({ids}) AS i{i}) > {LARGE_PART} THEN 1 "
            f"WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM activity_historyentry WHERE target_type = %s "
            f"AND target_id IN (SELECT * FROM ({ids}) AS j{i}) LIMIT {LARGE_PART_ROWS + 1}) AS r{i}) "
            f"> {LARGE_PART_ROWS} THEN 1 ELSE 0 END AS n{i}"
        )
        params += [*p.params, p.target_type, *p.params]
    row = db.rows("SELECT " + ", ".join(cases), params)[0]
    sizes = iter(bool(row[f"n{i}"]) for i in range(len(subqueries)))
    return [next(sizes) if part.table else False for part in parts]


def timeline_floor(
    db: Database,
    parts: Sequence[Part],
    not_by: int | None = None,
    *,
    generated: bool = True,
    viewer: int | None = None,
) -> dict[str, Any]:
    """The newest TIMELINE_PAGE entries of the parts (and whether there are more): 2 queries."""
    selects, params = [], []
    for i, (part, large) in enumerate(zip(parts, _large(db, parts), strict=True)):
        if part.ids:
            match = f"h.target_id IN ({placeholders(list(part.ids))})"
            values = list(part.ids)
        elif large:
            match = (
                f"EXISTS (SELECT 1 FROM {part.table} x WHERE {part.where} AND x.{part.column} = h.target_id)"
            )
            values = list(part.params)
        else:  # PostgreSQL: the ids on their own first, as Tandem asks (else it may walk instead)
            ids = f"SELECT {part.column} FROM {part.table} WHERE {part.where}"
            match = f"h.target_id IN ({ids})" if db.kind == "sqlite" else f"h.target_id = ANY(ARRAY({ids}))"
            values = list(part.params)
        mine = "" if not_by is None else " AND (h.actor_id IS NULL OR h.actor_id <> %s)"
        mine += "" if generated else " AND NOT h.generated"
        if viewer is not None:  # nothing of items on boards private to others' teams
            mine += f" AND NOT (h.target_type = 'item' AND h.target_id IN ({_hidden_items()}))"
        selects.append(
            f"SELECT * FROM (SELECT h.id, h.at FROM activity_historyentry h WHERE h.target_type = %s "
            f"AND {match}{mine} ORDER BY h.at DESC, h.id DESC LIMIT {TIMELINE_PAGE + 1}) AS p{i}"
        )
        params += [part.target_type, *values, *([] if not_by is None else [not_by])]
        params += [] if viewer is None else [viewer]
    rows = db.rows(
        "SELECT h.id, h.verb, h.target_type, h.target_id, h.target_label, h.changes, h.at, "
        "u.id AS actor_id, u.full_name AS actor_name, u.email AS actor_email "
        f"FROM ({' UNION '.join(selects)}) AS newest JOIN activity_historyentry h ON h.id = newest.id "
        "LEFT JOIN accounts_user u ON u.id = h.actor_id "
        f"ORDER BY h.at DESC, h.id DESC LIMIT {TIMELINE_PAGE + 1}",
        params,
    )
    return {"items": rows[:TIMELINE_PAGE], "more": len(rows) > TIMELINE_PAGE}


# --- The home feed --------------------------------------------------------------------------------


def home_parts(user_id: int) -> list[Part]:
    """tandem.activity.feeds.home_scope: items watched and assigned, customers and people owned."""
    return [
        Part("item", table="work_item_watchers", column="item_id", where="user_id = %s", params=[user_id]),
        Part("item", table="work_item_assignees", column="item_id", where="user_id = %s", params=[user_id]),
        Part("organization", table="contacts_organization", column="id", where="owner_id = %s", params=[user_id]),
        Part("person", table="contacts_person", column="id", where="owner_id = %s", params=[user_id]),
    ]  # fmt: skip


def home_feed_api_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The newest 30 entries of what concerns the user, not their own doing nor the demo's: 2 queries."""
    user = params["user_id"]
    return timeline_floor(db, home_parts(user), not_by=user, generated=False, viewer=user)


def home_feed_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """As the API, and the teams the page offers feeds of: 3 queries."""
    return {
        **home_feed_api_floor(db, params),
        "teams": db.rows("SELECT id, name FROM accounts_team ORDER BY name"),
    }


def _feed_user(ctx: Context) -> tuple[Context, int]:
    user = ctx.samples.get("feed_user")
    if not user:
        raise ValueError("the data set has no generated user who watches items")
    return ctx.as_feed_user(), int(user["id"])


@scenario("home_feed", "Home feed of a user watching the most items (HTML)", floor=home_feed_floor)
def home_feed(ctx: Context) -> list[Case]:
    feed_ctx, user_id = _feed_user(ctx)
    return [Case(feed_ctx.html("/feeds/home/"), {"user_id": user_id})]


@scenario("home_feed_api", "Home feed of a user watching the most items (API)", floor=home_feed_api_floor)
def home_feed_api(ctx: Context) -> list[Case]:
    feed_ctx, user_id = _feed_user(ctx)
    return [Case(feed_ctx.api("GET", "/api/v1/feeds/home"), {"user_id": user_id})]


# --- The home page --------------------------------------------------------------------------------

HOME_SHOWN = 5  # tandem.sales.queries.HOME_SHOWN (and the work items' and notifications' few)
COUNT_CAP = 100  # tandem.sales.queries.COUNT_CAP


def _visible(db: Database, user_id: int, board: str = "b") -> tuple[str, list[Any]]:
    """tandem.work.queries.board_visibility for a member: boards not private, and their teams'."""
    return (
        f"(NOT {board}.private OR {board}.team_id IN (SELECT team_id FROM accounts_user_teams WHERE user_id = %s))",
        [user_id],
    )


def _hidden_items() -> str:
    """The items a member may not see (one parameter: the user's id), tandem.work.queries.hidden_items."""
    return (
        "SELECT hi.id FROM work_item hi JOIN work_board hb ON hb.id = hi.board_id WHERE hb.private "
        "AND (hb.team_id IS NULL OR hb.team_id NOT IN (SELECT team_id FROM accounts_user_teams WHERE user_id = %s))"
    )


def _first_and_count(db: Database, select: str, rest: str, order: str, params: list[Any]) -> dict[str, Any]:
    """The first HOME_SHOWN rows and how many in all, counted up to COUNT_CAP (2 queries)."""
    return {
        "rows": db.rows(f"{select} {rest} ORDER BY {order} LIMIT {HOME_SHOWN}", params),
        "count": db.value(f"SELECT COUNT(*) FROM (SELECT 1 {rest} LIMIT {COUNT_CAP}) AS capped", params),
    }


def home_page_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """My open deals (grouped totals per pipeline and currency, the soonest few), what is due by
    today (work items, next steps, activities: the first few and a capped count of each), the unread
    mentions and assignments (the same) and the home feed: 14 queries."""
    user, today = params["user_id"], params["today"]
    day = "%s" if db.kind == "sqlite" else "%s::date"
    visible, vis_params = _visible(db, user)
    open_deal = (
        "FROM sales_deal d JOIN work_item i ON i.id = d.item_id JOIN work_board b ON b.id = i.board_id "
        "LEFT JOIN sales_stage s ON s.id = d.stage_id "
        f"WHERE d.owner_id = %s AND d.is_open AND (s.kind IS NULL OR s.kind NOT IN ('won', 'lost')) AND {visible}"
    )
    deal_params = [user, *vis_params]
    mention_kinds = ("mention", "assignment")
    return {
        "totals": db.rows(
            "SELECT d.pipeline_id, p.name, p.board_id, d.currency, COUNT(*) AS n, "
            "SUM(ROUND(d.value * 100)) AS cents, SUM(ROUND(d.value * COALESCE(d.probability, s.probability))) "
            f"AS weighted {open_deal.replace('LEFT JOIN', 'JOIN sales_pipeline p ON p.id = d.pipeline_id LEFT JOIN', 1)} "
            "GROUP BY d.pipeline_id, p.name, p.board_id, d.currency ORDER BY p.name, d.pipeline_id, d.currency",
            deal_params,
        ),
        "deals": db.rows(
            "SELECT d.item_id, i.title, d.value, d.currency, d.expected_close, s.name AS stage, o.name AS organization "
            f"{open_deal.replace('LEFT JOIN', 'LEFT JOIN contacts_organization o ON o.id = d.organization_id LEFT JOIN', 1)} "
            f"ORDER BY d.expected_close IS NULL, d.expected_close, d.item_id LIMIT {HOME_SHOWN}",
            deal_params,
        ),
        "work": _first_and_count(
            db,
            "SELECT i.id, i.title, i.due_date, b.name AS board",
            "FROM work_item i JOIN work_item_assignees a ON a.item_id = i.id JOIN work_board b ON b.id = i.board_id "
            f"WHERE a.user_id = %s AND i.state = 'open' AND i.due_date <= {day} AND b.archived_at IS NULL AND {visible}",
            "i.due_date, i.id",
            [user, today, *vis_params],
        ),
        "next_steps": _first_and_count(
            db,
            "SELECT d.item_id, i.title, d.next_step, d.next_step_due",
            "FROM sales_deal d JOIN work_item i ON i.id = d.item_id JOIN work_board b ON b.id = i.board_id "
            "JOIN sales_stage s ON s.id = d.stage_id "
            f"WHERE d.owner_id = %s AND d.next_step_due <= {day} AND d.is_open AND s.kind = 'open' AND {visible}",
            "d.next_step_due, d.item_id",
            [user, today, *vis_params],
        ),
        "activities": _first_and_count(
            db,
            "SELECT t.id, t.kind, t.summary, t.due, i.title",
            "FROM sales_dealactivity t JOIN sales_deal d ON d.item_id = t.deal_id JOIN work_item i ON i.id = d.item_id "
            "JOIN work_board b ON b.id = i.board_id "
            f"WHERE d.owner_id = %s AND t.done_at IS NULL AND t.due <= {day} AND d.is_open AND {visible}",
            "t.due, t.id",
            [user, today, *vis_params],
        ),
        "waiting": _first_and_count(
            db,
            "SELECT n.id, n.kind, n.reason, h.verb, h.target_type, h.target_label, h.at, u.full_name AS actor_name",
            "FROM notifications_notification n JOIN activity_historyentry h ON h.id = n.entry_id "
            "LEFT JOIN accounts_user u ON u.id = h.actor_id "
            f"WHERE n.user_id = %s AND n.read_at IS NULL AND n.kind IN ({placeholders(mention_kinds)}) "
            f"AND NOT (n.target_type = 'item' AND n.target_id IN ({_hidden_items()}))",
            "n.id DESC",
            [user, *mention_kinds, user],
        ),
        **home_feed_api_floor(db, params),
    }


@scenario("home_page", "Home page of a user watching the most items (HTML)", floor=home_page_floor)
def home_page(ctx: Context) -> list[Case]:
    feed_ctx, user_id = _feed_user(ctx)
    return [Case(feed_ctx.html("/"), {"user_id": user_id, "today": date.today().isoformat()})]  # noqa: DTZ011 - the server's day, as Tandem's


# --- The customer timeline ------------------------------------------------------------------------


def customer_parts(organization_id: int) -> list[Part]:
    """tandem.activity.queries.customer_scope: the organization, its people, its items."""
    return [
        Part("organization", ids=[organization_id]),
        Part("person", table="contacts_membership", column="person_id", where="organization_id = %s",
             params=[organization_id]),
        Part("item", table="work_item_organizations", column="item_id", where="organization_id = %s",
             params=[organization_id]),
    ]  # fmt: skip


def customer_timeline_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The organization exists (else 404), then the newest 30 entries of its timeline: 3 queries."""
    pk = params["id"]
    return {
        "exists": db.value("SELECT id FROM contacts_organization WHERE id = %s", [pk]),
        **timeline_floor(db, customer_parts(pk)),
    }


def _biggest(ctx: Context) -> list[int]:
    ids: list[int] = ctx.samples["biggest_organization_ids"]
    if not ids:
        raise ValueError("the data set has no organizations with people")
    return ids


@scenario(
    "customer_timeline",
    "Customer timeline of the biggest organizations (the page part Load more fetches, HTML)",
    floor=customer_timeline_floor,
)
def customer_timeline(ctx: Context) -> list[Case]:
    return [Case(ctx.htmx(f"/timeline/organization/{pk}/"), {"id": pk}) for pk in _biggest(ctx)]


@scenario(
    "customer_timeline_api",
    "Customer timeline of the biggest organizations (API)",
    floor=customer_timeline_floor,
)
def customer_timeline_api(ctx: Context) -> list[Case]:
    return [Case(ctx.api("GET", f"/api/v1/organizations/{pk}/timeline"), {"id": pk}) for pk in _biggest(ctx)]
