"""Customer scenarios: the people list (HTML and API), search, the organization page, its timeline,
a person over the API, and creating and editing people over the API.

Each read's floor sits right above it: the SQL a hand-written endpoint would minimally run to show
the same rows (same columns and joins, LIMIT/OFFSET, a COUNT only where the page shows one), run
straight through sqlite3/psycopg and JSON-encoded. The HTML lists also show their filter menus (all
tags, all active users), so their floors read those too. Logging the user in (session or token
lookup) is not part of any floor: it is part of what Tandem's figure pays for."""

# ruff: noqa: S608 - the SQL is assembled from constants in this module; values are bound parameters

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from bench.floor import Database, Row, placeholders
from bench.scenarios import Case, Context, scenario

HTML_PAGE_SIZE = 25  # tandem.core.pagination.PAGE_SIZE
API_PAGE_SIZE = 50  # settings.TANDEM_API_DEFAULT_PAGE_SIZE
PEOPLE_ON_ORGANIZATION_PAGE = 50  # tandem.contacts.views
HISTORY_ON_PAGE = 50  # tandem.activity.queries.history_for

# --- Shared SQL -----------------------------------------------------------------------------------

ACTIVE_PEOPLE = "p.merged_into_id IS NULL AND p.archived_at IS NULL"

# The page of people first (on the person table and its indexes), then what each row shows.
PERSON_ROWS = """
SELECT p.id, p.version, p.first_name, p.last_name, p.archived_at, p.created_at, p.updated_at,
       u.id AS owner_id, u.full_name AS owner_name, u.email AS owner_email,
       e.email, o.id AS organization_id, o.name AS organization_name, m.job_title
FROM (SELECT * FROM contacts_person p WHERE {where} ORDER BY {order} LIMIT %s OFFSET %s) p
LEFT JOIN accounts_user u ON u.id = p.owner_id
LEFT JOIN contacts_emailaddress e ON e.person_id = p.id AND e.is_primary
LEFT JOIN contacts_membership m ON m.person_id = p.id AND m.is_primary
LEFT JOIN contacts_organization o ON o.id = m.organization_id
ORDER BY {order}
"""

BY_NAME = "p.last_name, p.first_name, p.id"
BY_UPDATED_DESC = "p.updated_at DESC, p.id DESC"


def _tags_of(db: Database, table: str, column: str, ids: list[Any]) -> list[Row]:
    return db.rows(
        f"SELECT x.{column} AS id, t.name FROM {table} x JOIN contacts_tag t ON t.id = x.tag_id "
        f"WHERE x.{column} IN ({placeholders(ids)}) ORDER BY t.name",
        ids,
    )


def _reversed(order: str) -> str:
    """`a, b DESC` -> `a DESC, b`."""
    terms = [term.strip() for term in order.split(",")]
    return ", ".join(term[: -len(" DESC")] if term.endswith(" DESC") else f"{term} DESC" for term in terms)


def _person_page(
    db: Database, where: str, params: list[Any], order: str, limit: int, offset: int
) -> dict[str, Any]:
    """Past the middle of the list the page is read from the other end, as Tandem does
    (tandem.core.counting.slice_rows): OFFSET never walks past more than half the rows."""
    count = db.value(f"SELECT COUNT(*) FROM contacts_person p WHERE {where}", params)
    if offset > count // 2:
        stop = min(offset + limit, count)
        sql = PERSON_ROWS.format(where=where, order=_reversed(order))
        rows = db.rows(sql, [*params, max(stop - offset, 0), count - stop])[::-1]
    else:
        rows = db.rows(PERSON_ROWS.format(where=where, order=order), [*params, limit, offset])
    tags = _tags_of(db, "contacts_person_tags", "person_id", [r["id"] for r in rows])
    return {"count": count, "items": rows, "tags": tags}


def _filter_menus(db: Database) -> dict[str, list[Row]]:
    return {
        "tag_choices": db.rows("SELECT name FROM contacts_tag ORDER BY name"),
        "owner_choices": db.rows(
            "SELECT id, full_name, email FROM accounts_user WHERE is_active ORDER BY full_name, email"
        ),
    }


def _html_people_list(db: Database, where: str, params: list[Any], order: str, page: int) -> dict[str, Any]:
    offset = (page - 1) * HTML_PAGE_SIZE
    return {**_person_page(db, where, params, order, HTML_PAGE_SIZE, offset), **_filter_menus(db)}


def deep_page(people_count: int) -> int:
    """The page the list's "Last" link opens: the deepest one, deeper the bigger the scale (400 at S)."""
    return max(1, math.ceil(people_count / HTML_PAGE_SIZE))


# --- People list (HTML) ---------------------------------------------------------------------------


def people_list_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """Count, one page of 25 people (owner, primary e-mail, primary organization), their tags, and
    the filter menus (tags, active users): 5 queries."""
    return _html_people_list(db, ACTIVE_PEOPLE, [], BY_NAME, params["page"])


@scenario("people_list", "People list, page 1 by name (HTML)", floor=people_list_floor)
def people_list(ctx: Context) -> list[Case]:
    return [Case(ctx.html("/people/?ordering=name"), {"page": 1})]


@scenario("people_list_deep", "People list, the last page by name (HTML)", floor=people_list_floor)
def people_list_deep(ctx: Context) -> list[Case]:
    page = deep_page(ctx.samples["people_count"])
    return [Case(ctx.html(f"/people/?ordering=name&page={page}"), {"page": page})]


@scenario("people_list_middle", "People list, the middle page by name (HTML)", floor=people_list_floor)
def people_list_middle(ctx: Context) -> list[Case]:
    """The costliest page to reach by number: OFFSET walks past half the list, from either end."""
    page = max(1, deep_page(ctx.samples["people_count"]) // 2)
    return [Case(ctx.html(f"/people/?ordering=name&page={page}"), {"page": page})]


def people_tag_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """As the people list, narrowed to one tag (case-insensitive) and newest change first."""
    where = (
        f"{ACTIVE_PEOPLE} AND p.id IN (SELECT pt.person_id FROM contacts_person_tags pt "
        "JOIN contacts_tag t ON t.id = pt.tag_id WHERE LOWER(t.name) = LOWER(%s))"
    )
    return _html_people_list(db, where, [params["tag"]], BY_UPDATED_DESC, 1)


@scenario("people_list_tag", "People list, one tag, newest change first (HTML)", floor=people_tag_floor)
def people_list_tag(ctx: Context) -> list[Case]:
    tag = ctx.samples["tag"]
    if not tag:
        raise ValueError("the data set has no tagged people")
    query = urlencode({"tag": tag, "ordering": "-updated"})
    return [Case(ctx.html(f"/people/?{query}"), {"tag": tag})]


def people_search_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The people list narrowed by free text as Tandem matches it (tandem.contacts.search): every
    word of the query somewhere in the person's folded search_text, through the same substring
    index (FTS5 trigram table on SQLite, pg_trgm on PostgreSQL)."""
    terms = params["terms"]
    patterns = [f"%{term}%" for term in terms]
    if db.kind == "sqlite":
        match = " AND ".join(["search_text LIKE %s"] * len(terms))
        where = f"{ACTIVE_PEOPLE} AND p.id IN (SELECT rowid FROM contacts_person_fts WHERE {match})"
    else:
        where = " AND ".join([ACTIVE_PEOPLE, *["p.search_text LIKE %s"] * len(terms)])
    return _html_people_list(db, where, patterns, BY_NAME, 1)


@scenario("people_search", "People list, free-text search (HTML)", floor=people_search_floor)
def people_search(ctx: Context) -> list[Case]:
    from tandem.contacts.search import search_terms  # the words Tandem looks for, folded as it stores them

    samples = ctx.samples
    # Interleave surnames, e-mail fragments and phone digits, as the searches of a day would mix.
    trios = itertools.zip_longest(samples["surnames"], samples["email_fragments"], samples["phone_fragments"])
    fragments = [text for trio in trios for text in trio if text and search_terms(text)]
    if not fragments:
        raise ValueError("the data set offers nothing to search for")
    return [
        Case(ctx.html(f"/people/?{urlencode({'q': text})}"), {"terms": search_terms(text)})
        for text in fragments
    ]


# --- Organization page and timeline ---------------------------------------------------------------


def organization_page_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The organization with its owner, tags, e-mails, phones, addresses, the first 50 people (with
    their primary e-mail) and the last 50 history entries: 7 queries."""
    pk = params["id"]
    detail = "SELECT * FROM {} WHERE organization_id = %s ORDER BY is_primary DESC, id"
    return {
        "organization": db.rows(
            "SELECT o.id, o.name, o.website, o.domain, o.industry, o.notes, o.archived_at, o.created_at, "
            "o.updated_at, o.merged_into_id, u.full_name AS owner_name, u.email AS owner_email "
            "FROM contacts_organization o LEFT JOIN accounts_user u ON u.id = o.owner_id WHERE o.id = %s",
            [pk],
        ),
        "tags": _tags_of(db, "contacts_organization_tags", "organization_id", [pk]),
        "emails": db.rows(detail.format("contacts_emailaddress"), [pk]),
        "phones": db.rows(detail.format("contacts_phonenumber"), [pk]),
        "addresses": db.rows(detail.format("contacts_address"), [pk]),
        "people": db.rows(
            "SELECT p.id, p.first_name, p.last_name, p.archived_at, m.job_title, e.email "
            "FROM contacts_membership m JOIN contacts_person p ON p.id = m.person_id "
            "LEFT JOIN contacts_emailaddress e ON e.person_id = p.id AND e.is_primary "
            "WHERE m.organization_id = %s AND p.merged_into_id IS NULL "
            "ORDER BY p.last_name, p.first_name, m.id LIMIT %s",
            [pk, PEOPLE_ON_ORGANIZATION_PAGE + 1],
        ),
        "history": _history(db, pk, HISTORY_ON_PAGE),
    }


def _history(db: Database, pk: int, limit: int) -> list[Row]:
    return db.rows(
        "SELECT h.id, h.verb, h.changes, h.at, u.id AS actor_id, u.full_name AS actor_name, "
        "u.email AS actor_email FROM activity_historyentry h LEFT JOIN accounts_user u ON u.id = h.actor_id "
        "WHERE h.target_type = 'organization' AND h.target_id = %s ORDER BY h.at DESC, h.id DESC LIMIT %s",
        [pk, limit],
    )


def _organizations(ctx: Context) -> list[int]:
    ids: list[int] = ctx.samples["organization_ids"]
    if not ids:
        raise ValueError("the data set has no organizations")
    return ids


@scenario("org_page", "Organization page: the customer record (HTML)", floor=organization_page_floor)
def org_page(ctx: Context) -> list[Case]:
    return [Case(ctx.html(f"/organizations/{pk}/"), {"id": pk}) for pk in _organizations(ctx)]


def organization_history_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The organization exists (else 404), the count of its history, the first 50 entries: 3 queries."""
    pk = params["id"]
    exists = db.value("SELECT id FROM contacts_organization WHERE id = %s", [pk])
    count = db.value(
        "SELECT COUNT(*) FROM activity_historyentry WHERE target_type = 'organization' AND target_id = %s",
        [pk],
    )
    return {"exists": exists, "count": count, "items": _history(db, pk, API_PAGE_SIZE)}


@scenario("org_timeline_api", "Customer timeline (API history)", floor=organization_history_floor)
def org_timeline_api(ctx: Context) -> list[Case]:
    return [
        Case(ctx.api("GET", f"/api/v1/organizations/{pk}/history"), {"id": pk}) for pk in _organizations(ctx)
    ]


# --- API reads ------------------------------------------------------------------------------------


def api_people_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """Count, 50 people by name with owner, primary e-mail and organization, their tags: 3 queries."""
    return _person_page(db, ACTIVE_PEOPLE, [], BY_NAME, API_PAGE_SIZE, 0)


@scenario("api_people_list", "People list (API)", floor=api_people_floor)
def api_people_list(ctx: Context) -> list[Case]:
    return [Case(ctx.api("GET", "/api/v1/people"))]


def api_person_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The person with owner, tags, e-mails, phones, addresses and memberships: 6 queries."""
    pk = params["id"]
    detail = "SELECT * FROM {} WHERE person_id = %s ORDER BY is_primary DESC, id"
    return {
        "person": db.rows(
            "SELECT p.*, u.full_name AS owner_name, u.email AS owner_email FROM contacts_person p "
            "LEFT JOIN accounts_user u ON u.id = p.owner_id WHERE p.id = %s",
            [pk],
        ),
        "tags": _tags_of(db, "contacts_person_tags", "person_id", [pk]),
        "emails": db.rows(detail.format("contacts_emailaddress"), [pk]),
        "phones": db.rows(detail.format("contacts_phonenumber"), [pk]),
        "addresses": db.rows(detail.format("contacts_address"), [pk]),
        "memberships": db.rows(
            "SELECT m.organization_id, o.name AS organization_name, m.job_title, m.is_primary "
            "FROM contacts_membership m JOIN contacts_organization o ON o.id = m.organization_id "
            "WHERE m.person_id = %s ORDER BY m.is_primary DESC, m.id",
            [pk],
        ),
    }


@scenario("api_person_detail", "One person (API)", floor=api_person_floor)
def api_person_detail(ctx: Context) -> list[Case]:
    return [Case(ctx.api("GET", f"/api/v1/people/{pk}"), {"id": pk}) for pk in ctx.samples["person_ids"]]


def api_organizations_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """Count, 50 organizations by name with owner and people count, their tags: 3 queries."""
    where = "o.merged_into_id IS NULL AND o.archived_at IS NULL"
    count = db.value(f"SELECT COUNT(*) FROM contacts_organization o WHERE {where}")
    rows = db.rows(
        "SELECT o.id, o.version, o.name, o.website, o.domain, o.industry, o.archived_at, o.created_at, "
        "o.updated_at, u.id AS owner_id, u.full_name AS owner_name, u.email AS owner_email, "
        "(SELECT COUNT(*) FROM contacts_membership m WHERE m.organization_id = o.id) AS people_count "
        f"FROM contacts_organization o LEFT JOIN accounts_user u ON u.id = o.owner_id WHERE {where} "
        "ORDER BY o.name_key, o.id LIMIT %s OFFSET %s",
        [API_PAGE_SIZE, 0],
    )
    tags = _tags_of(db, "contacts_organization_tags", "organization_id", [r["id"] for r in rows])
    return {"count": count, "items": rows, "tags": tags}


@scenario("api_org_list", "Organization list (API)", floor=api_organizations_floor)
def api_org_list(ctx: Context) -> list[Case]:
    return [Case(ctx.api("GET", "/api/v1/organizations"))]


# --- API writes (no floor: they measure Tandem's write path, rules and history included) ----------

WRITE_CYCLE = 200


@scenario("api_person_create", "Create a person (API)", writes=True)
def api_person_create(ctx: Context) -> list[Case]:
    organizations = _organizations(ctx)
    tag = ctx.samples["tag"]
    cases = []
    for i in range(WRITE_CYCLE):
        body: dict[str, Any] = {
            "first_name": "Bench",
            "last_name": f"Person {ctx.run_id}-{i}",
            "emails": [{"email": f"bench.{ctx.run_id}.{i}@bench.example"}],
            "phones": [{"number": f"+1 202 555 {100 + i % 100:04d}", "label": "mobile"}],
            "memberships": [{"organization_id": organizations[i % len(organizations)], "job_title": "Buyer"}],
            "tags": [tag] if tag else [],
            "allow_duplicate": True,
        }
        cases.append(Case(ctx.api("POST", "/api/v1/people", body)))
    return cases


@scenario("api_person_update", "Edit a person (API PATCH, If-Match: *)", writes=True)
def api_person_update(ctx: Context) -> list[Case]:
    # Each person comes up twice per cycle with alternating notes, so every edit changes something.
    ids: list[int] = ctx.samples["person_ids"]
    return [
        Case(
            ctx.api(
                "PATCH",
                f"/api/v1/people/{pk}",
                {"notes": f"Benchmark note {ctx.run_id} ({variant})"},
                {"If-Match": "*"},
            )
        )
        for variant in ("a", "b")
        for pk in ids
    ]
