"""Feed and timeline scenarios: the home feed of the generated user who watches the most items
(HTML page and API), and the customer timeline of the biggest organizations (the page part "Load
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


def timeline_floor(db: Database, parts: Sequence[Part], not_by: int | None = None) -> dict[str, Any]:
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
        selects.append(
            f"SELECT * FROM (SELECT h.id, h.at FROM activity_historyentry h WHERE h.target_type = %s "
            f"AND {match}{mine} ORDER BY h.at DESC, h.id DESC LIMIT {TIMELINE_PAGE + 1}) AS p{i}"
        )
        params += [part.target_type, *values, *([] if not_by is None else [not_by])]
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
    """The newest 30 entries of what concerns the user, not their own doing: 2 queries."""
    return timeline_floor(db, home_parts(params["user_id"]), not_by=params["user_id"])


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
