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

import itertools
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
    """Open deals per stage in progress and currency (tandem.sales.reports.funnel)."""
    return db.rows(
        f"SELECT d.stage_id, d.currency, {_money_columns(db)} FROM sales_deal d "
        "JOIN sales_stage s ON s.id = d.stage_id "
        "WHERE d.pipeline_id = %s AND d.is_open = TRUE AND s.kind = 'open' GROUP BY d.stage_id, d.currency",
        [pipeline],
    )


def _forecast(db: Database, pipeline: int, stages: list[Row]) -> list[Row]:
    """Open deals in open stages by expected-close day and currency (tandem.sales.reports.forecast
    adds the days up into months): the order of the index that covers it. The open stages come from
    the stages already read, as the report has them."""
    open_ids = [int(stage["id"]) for stage in stages if stage["kind"] == "open"]
    if not open_ids:
        return []
    marks = ", ".join(["%s"] * len(open_ids))
    return db.rows(
        f"SELECT d.expected_close AS day, d.currency, {_money_columns(db)} FROM sales_deal d "
        "JOIN sales_stage s ON s.id = d.stage_id "
        f"WHERE d.pipeline_id = %s AND d.is_open = TRUE AND d.stage_id IN ({marks}) AND d.expected_close IS NOT NULL "
        "GROUP BY d.expected_close, d.currency ORDER BY d.expected_close, d.currency",
        [pipeline, *open_ids],
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


def _conversion(db: Database, stages: list[Row]) -> list[Row]:
    """Each stage but Lost paired with the next one in board order; for each pair, the deals that ever
    entered the first and, of those, how many also entered the second (tandem.sales.reports.conversion):
    the stage history grouped by deal into a flag per stage, then summed — one pass."""
    steps = [stage for stage in stages if stage["id"] is not None and stage["kind"] != "lost"]
    if len(steps) < 2:
        return []
    ids = [int(stage["id"]) for stage in steps]  # integers read from the database
    flags = ", ".join(f"MAX(CASE WHEN to_stage_id = {pk} THEN 1 ELSE 0 END) AS f{pk}" for pk in ids)
    sums = ", ".join(
        f"SUM(f{a}) AS entered_{a}, SUM(f{a} * f{b}) AS went_on_{a}" for a, b in itertools.pairwise(ids)
    )
    marks = ", ".join(str(pk) for pk in ids)
    [totals] = db.rows(
        f"SELECT {sums} FROM (SELECT deal_id, {flags} FROM sales_stagechange "
        f"WHERE to_stage_id IN ({marks}) GROUP BY deal_id) per_deal"
    )
    return [
        {"from_stage": a["name"], "to_stage": b["name"], "entered": totals[f"entered_{a['id']}"] or 0,
         "went_on": totals[f"went_on_{a['id']}"] or 0}
        for a, b in itertools.pairwise(steps)
    ]  # fmt: skip


def _owners(db: Database, pipeline: int) -> list[Row]:
    """Per owner (with the name) and currency: the open deals in open stages (count, value, weighted
    value), the deals won (count, value, the days they took in all) and lost; owners with none of
    these are left out (tandem.sales.reports.by_owner without a period). Three grouped queries, each
    in the order of the index that covers it (open deals by stage, currency and owner; won deals by
    owner and currency; lost deals by owner), and the owners' names; the rows are put together per
    owner and currency here, as the page does."""
    value = _cents(db, "d.value * 100")
    weighted = _cents(db, "d.value * COALESCE(d.probability, s.probability)")
    rows: dict[tuple[Any, Any], dict[str, Any]] = {}

    def row(owner: Any, currency: Any) -> dict[str, Any]:
        empty = {"owner_id": owner, "currency": currency, "open_count": 0, "open_cents": None, "weighted": None,
                 "won": 0, "won_cents": None, "lost": 0, "won_days": None}  # fmt: skip
        return rows.setdefault((owner, currency), empty)

    def add(target: dict[str, Any], key: str, amount: Any) -> None:
        if amount is not None:
            target[key] = (target[key] or 0) + amount

    for group in db.rows(
        f"SELECT d.stage_id, d.currency, d.owner_id, COUNT(*) AS n, SUM({value}) AS cents, SUM({weighted}) AS weighted "
        "FROM sales_deal d JOIN sales_stage s ON s.id = d.stage_id WHERE d.pipeline_id = %s AND d.is_open = TRUE "
        "AND s.kind = 'open' GROUP BY d.stage_id, d.currency, d.owner_id",
        [pipeline],
    ):
        target = row(group["owner_id"], group["currency"])
        target["open_count"] += group["n"]
        add(target, "open_cents", group["cents"])
        add(target, "weighted", group["weighted"])
    for group in db.rows(
        f"SELECT d.owner_id, d.currency, COUNT(*) AS n, SUM({value}) AS cents, SUM({_days_to_win(db)}) AS days "
        "FROM sales_deal d WHERE d.pipeline_id = %s AND d.won_at IS NOT NULL GROUP BY d.owner_id, d.currency",
        [pipeline],
    ):
        target = row(group["owner_id"], group["currency"])
        target["won"] += group["n"]
        add(target, "won_cents", group["cents"])
        add(target, "won_days", group["days"])
    for group in db.rows(
        "SELECT d.owner_id, COUNT(*) AS n FROM sales_deal d WHERE d.pipeline_id = %s AND d.lost_at IS NOT NULL "
        "GROUP BY d.owner_id",
        [pipeline],
    ):
        row(group["owner_id"], "")["lost"] += group["n"]
    owners = [pk for pk, _currency in rows if pk is not None]
    names: dict[Any, Row] = {}
    if owners:
        marks = ", ".join(["%s"] * len(owners))
        names = {
            u["id"]: u
            for u in db.rows(f"SELECT id, full_name, email FROM accounts_user WHERE id IN ({marks})", owners)
        }
    return [
        {
            **values,
            "full_name": names.get(owner, {}).get("full_name"),
            "email": names.get(owner, {}).get("email"),
        }
        for (owner, _currency), values in rows.items()
    ]


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
    """The pipeline's stages (none: no such pipeline), and one grouped query: open deals in open
    stages by expected-close day and currency, value and weighted value in cents rounded per deal:
    2 queries."""
    pipeline = params["pipeline"]
    stages = db.rows(
        "SELECT id, kind FROM sales_stage WHERE pipeline_id = %s ORDER BY position, id", [pipeline]
    )
    return {"stages": stages, "forecast": _forecast(db, pipeline, stages)}


@scenario("forecast_report", "Weighted forecast of the biggest pipeline (API report)", floor=forecast_floor)
def forecast_report(ctx: Context) -> list[Case]:
    pk = _pipeline(ctx)
    return [Case(ctx.api("GET", f"/api/v1/reports/forecast?pipeline={pk}"), {"pipeline": pk})]


# --- The report page (HTML) -----------------------------------------------------------------------


def report_page_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The pipeline with its stages, the funnel, the forecast, the outcomes (won, lost, average days
    to win: one aggregate), the figures per owner (three grouped queries and the names) and the menus
    (pipelines, active users): 10 queries. The conversion the page loads in a request of its own
    (conversion_report)."""
    pipeline = params["pipeline"]
    stages = _pipeline_stages(db, pipeline)
    return {
        "stages": stages,
        "funnel": _funnel(db, pipeline),
        "forecast": _forecast(db, pipeline, stages),
        "outcomes": _outcomes(db, pipeline),
        "owners": _owners(db, pipeline),
        "pipelines": db.rows("SELECT id, name FROM sales_pipeline ORDER BY name, id"),
        "owner_choices": db.rows(
            "SELECT id, full_name, email FROM accounts_user WHERE is_active ORDER BY full_name, email"
        ),
    }


def conversion_floor(db: Database, params: Mapping[str, Any]) -> Any:
    """The pipeline's stages, and the conversion from stage to stage over the whole stage history."""
    stages = _pipeline_stages(db, params["pipeline"])
    return {"stages": stages, "conversion": _conversion(db, stages)}


@scenario(
    "conversion_report",
    "Stage-to-stage conversion of the biggest pipeline (API report)",
    floor=conversion_floor,
)
def conversion_report(ctx: Context) -> list[Case]:
    pk = _pipeline(ctx)
    return [Case(ctx.api("GET", f"/api/v1/reports/conversion?pipeline={pk}"), {"pipeline": pk})]


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
