"""Sales report scenarios: the funnel and the weighted forecast over the API, and the report page of
the generated sales funnel's pipeline (the one with the most deals: at L its 300,000 deals).

Each floor is the SQL a hand-written report would minimally run for the same figures, as
tandem.sales.reports computes them: one grouped query each over sales_deal (which keeps its item's
state and the time a win took beside the figures), joined to sales_stage for the probability, money summed as whole cents rounded per deal
(value * 100, value * probability), currencies apart, months truncated in the database. The page
also shows the outcomes (won and lost counts, the average days from a deal's creation to its win:
one aggregate), the conversion from stage to stage (one grouped query over sales_stagechange), the
figures per owner (one grouped query) and its menus (the pipelines, the active users as owners), so
its floor reads those too. Only what a page derives from these rows (amounts as decimals, rates,
the per-owner sums over currencies and their order, bar widths) is left to the caller."""

# ruff: noqa: S608 - the SQL is assembled from constants in this module; values are bound parameters

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bench.floor import Database, Row
from bench.scenarios import Case, Context, scenario
from bench.scenarios.work import board_floor

# --- Shared SQL -----------------------------------------------------------------------------------


def _cents(db: Database, amount: str) -> str:
    """An amount as whole cents, rounded half away from zero per deal, as the reports round it
    (Cast(Round(...), BigIntegerField()))."""
    if db.kind == "sqlite":
        return f"CAST(ROUND({amount}) AS INTEGER)"
    return f"ROUND({amount})::bigint"


def _money_columns(db: Database) -> str:
    """How many deals, their value and their weighted value (value * the deal's probability, else its
    stage's, in per cent: so the product is in cents)."""
    value = _cents(db, "d.value * 100")
    weighted = _cents(db, "d.value * COALESCE(d.probability, s.probability)")
    return f"COUNT(*) AS count, SUM({value}) AS cents, SUM({weighted}) AS weighted"


def _pipeline_stages(db: Database, pipeline: int) -> list[Row]:
    """The pipeline (none: a 404) with its stages in board order, in one query."""
    return db.rows(
        "SELECT p.id AS pipeline_id, p.name AS pipeline, p.board_id, s.id, s.name, s.kind FROM sales_pipeline p "
        "LEFT JOIN sales_stage s ON s.pipeline_id = p.id WHERE p.id = %s ORDER BY s.position, s.id",
        [pipeline],
    )


def _funnel(db: Database, pipeline: int) -> list[Row]:
    """Open deals per stage and currency (tandem.sales.reports.funnel)."""
    return db.rows(
        f"SELECT d.stage_id, d.currency, {_money_columns(db)} FROM sales_deal d "
        "JOIN sales_stage s ON s.id = d.stage_id "
        "WHERE d.pipeline_id = %s AND d.is_open = TRUE GROUP BY d.stage_id, d.currency",
        [pipeline],
    )


def _forecast(db: Database, pipeline: int) -> list[Row]:
    """Open deals in open stages by expected-close month and currency (tandem.sales.reports.forecast)."""
    if db.kind == "sqlite":
        month = "date(d.expected_close, 'start of month')"  # dates are stored as ISO text
    else:
        month = "date_trunc('month', d.expected_close::timestamp)::date"
    return db.rows(
        f"SELECT {month} AS month, d.currency, {_money_columns(db)} FROM sales_deal d "
        "JOIN sales_stage s ON s.id = d.stage_id "
        "WHERE d.pipeline_id = %s AND d.is_open = TRUE AND s.kind = 'open' AND d.expected_close IS NOT NULL "
        "GROUP BY 1, d.currency ORDER BY 1, d.currency",
        [pipeline],
    )


def _days_to_win(db: Database) -> str:
    """Days from the deal's creation to its win, as the deal keeps it (NULL for a deal not won)."""
    if db.kind == "sqlite":
        return "d.won_after / 86400000000.0"  # a duration is stored as microseconds
    return "EXTRACT(EPOCH FROM d.won_after) / 86400"


def _outcomes(db: Database, pipeline: int) -> list[Row]:
    """Deals won and lost, and the average days from a won deal's creation to its win
    (tandem.sales.reports.outcomes without a period; the page rounds the days to a tenth)."""
    return db.rows(
        f"SELECT COUNT(d.won_at) AS won, COUNT(d.lost_at) AS lost, AVG({_days_to_win(db)}) AS cycle_days "
        "FROM sales_deal d WHERE d.pipeline_id = %s",
        [pipeline],
    )


# Each stage but Lost paired with the next one in board order; for each pair, the deals that ever
# entered the first and, of those, how many also entered the second (tandem.sales.reports.conversion).
CONVERSION = """
WITH steps AS (
    SELECT id, name, position, LEAD(id) OVER w AS next_id, LEAD(name) OVER w AS next_name
    FROM sales_stage WHERE pipeline_id = %s AND kind <> 'lost'
    WINDOW w AS (ORDER BY position, id)
), entered AS (
    SELECT DISTINCT c.to_stage_id AS stage_id, c.deal_id FROM sales_stagechange c
    JOIN sales_deal d ON d.item_id = c.deal_id
    WHERE d.pipeline_id = %s AND c.to_stage_id IS NOT NULL
)
SELECT t.name AS from_stage, t.next_name AS to_stage, COUNT(e.deal_id) AS entered, COUNT(n.deal_id) AS went_on
FROM steps t
LEFT JOIN entered e ON e.stage_id = t.id
LEFT JOIN entered n ON n.stage_id = t.next_id AND n.deal_id = e.deal_id
WHERE t.next_id IS NOT NULL
GROUP BY t.id, t.name, t.next_name, t.position
ORDER BY t.position, t.id
"""


def _owners(db: Database, pipeline: int) -> list[Row]:
    """Per owner (with the name) and currency: the open deals in open stages (count, value, weighted
    value), the deals won (count, value, the days they took in all) and lost; owners with none of
    these are left out (tandem.sales.reports.by_owner without a period)."""
    is_open = "d.is_open = TRUE AND s.kind = 'open'"
    value = _cents(db, "d.value * 100")
    weighted = _cents(db, "d.value * COALESCE(d.probability, s.probability)")
    return db.rows(
        f"SELECT d.owner_id, u.full_name, u.email, d.currency, COUNT(*) FILTER (WHERE {is_open}) AS open_count, "
        f"SUM({value}) FILTER (WHERE {is_open}) AS open_cents, SUM({weighted}) FILTER (WHERE {is_open}) AS weighted, "
        f"COUNT(d.won_at) AS won, SUM({value}) FILTER (WHERE d.won_at IS NOT NULL) AS won_cents, "
        f"COUNT(d.lost_at) AS lost, SUM({_days_to_win(db)}) AS won_days "
        "FROM sales_deal d LEFT JOIN sales_stage s ON s.id = d.stage_id "
        "LEFT JOIN accounts_user u ON u.id = d.owner_id WHERE d.pipeline_id = %s "
        "GROUP BY d.owner_id, u.full_name, u.email, d.currency "
        f"HAVING COUNT(*) FILTER (WHERE {is_open}) + COUNT(d.won_at) + COUNT(d.lost_at) > 0 "
        "ORDER BY d.owner_id, d.currency",
        [pipeline],
    )


def _pipeline(ctx: Context) -> int:
    pipeline = ctx.samples["pipeline"]
    if not pipeline:
        raise ValueError("the data set has no pipeline with deals (generate it with --items)")
    return int(pipeline["id"])


# --- API reports ----------------------------------------------------------------------------------


def funnel_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The pipeline with its stages, and one grouped query: open deals per stage and currency, their
    value and weighted value in cents rounded per deal: 2 queries."""
    pipeline = params["pipeline"]
    return {"stages": _pipeline_stages(db, pipeline), "funnel": _funnel(db, pipeline)}


@scenario("funnel_report", "Sales funnel of the biggest pipeline (API report)", floor=funnel_floor)
def funnel_report(ctx: Context) -> list[Case]:
    pk = _pipeline(ctx)
    return [Case(ctx.api("GET", f"/api/v1/reports/funnel?pipeline={pk}"), {"pipeline": pk})]


def forecast_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The pipeline exists, and one grouped query: open deals in open stages by expected-close month
    and currency, value and weighted value in cents rounded per deal: 2 queries."""
    pipeline = params["pipeline"]
    return {
        "exists": db.value("SELECT id FROM sales_pipeline WHERE id = %s", [pipeline]),
        "forecast": _forecast(db, pipeline),
    }


@scenario("forecast_report", "Weighted forecast of the biggest pipeline (API report)", floor=forecast_floor)
def forecast_report(ctx: Context) -> list[Case]:
    pk = _pipeline(ctx)
    return [Case(ctx.api("GET", f"/api/v1/reports/forecast?pipeline={pk}"), {"pipeline": pk})]


# --- The report page (HTML) -----------------------------------------------------------------------


def report_page_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The pipeline with its stages, the funnel, the forecast, the outcomes (won, lost, average days
    to win: one aggregate), the conversion from stage to stage (one grouped query), the figures per
    owner (one grouped query) and the menus (pipelines, active users): 8 queries."""
    pipeline = params["pipeline"]
    return {
        "stages": _pipeline_stages(db, pipeline),
        "funnel": _funnel(db, pipeline),
        "forecast": _forecast(db, pipeline),
        "outcomes": _outcomes(db, pipeline),
        "conversion": db.rows(CONVERSION, [pipeline, pipeline]),
        "owners": _owners(db, pipeline),
        "pipelines": db.rows("SELECT id, name FROM sales_pipeline ORDER BY name, id"),
        "owner_choices": db.rows(
            "SELECT id, full_name, email FROM accounts_user WHERE is_active ORDER BY full_name, email"
        ),
    }


@scenario("sales_report_page", "Sales report page of the biggest pipeline (HTML)", floor=report_page_floor)
def sales_report_page(ctx: Context) -> list[Case]:
    pk = _pipeline(ctx)
    return [Case(ctx.html(f"/pipelines/{pk}/report/"), {"pipeline": pk})]


# --- The pipeline's board -------------------------------------------------------------------------


def pipeline_board_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The board floor of the pipeline's board, and the one query the sales badges add: the shown
    deals whose stage has a stale limit, with the time they entered it."""
    floor = board_floor(db, {"board": params["board"]})
    cards = [card["id"] for column in floor["cards"] for card in column["cards"]]
    marks = ", ".join(["%s"] * len(cards)) or "NULL"
    floor["stale"] = db.rows(
        "SELECT d.item_id, d.stage_entered_at, s.stale_after_days FROM sales_deal d "
        f"JOIN sales_stage s ON s.id = d.stage_id WHERE d.item_id IN ({marks}) AND s.stale_after_days IS NOT NULL",
        cards,
    )
    return floor


@scenario("pipeline_board_page", "Board page of the biggest pipeline (HTML)", floor=pipeline_board_floor)
def pipeline_board_page(ctx: Context) -> list[Case]:
    pipeline = ctx.samples["pipeline"]
    if not pipeline:
        raise ValueError("the data set has no pipeline with deals (generate it with --items)")
    return [Case(ctx.html(f"/boards/{pipeline['board']}/"), {"board": pipeline["board"]})]
