"""The sales report floors return the figures Tandem shows: the funnel and the forecast as the API
answers them (count, value and weighted value per stage, currency and month, to the cent), and the
report page's outcomes, conversion and owners table as tandem.sales.reports computes them. The data
set is a small `tandem generate` with work items (so the sales funnel's pipeline has its deals,
some won, lost or closed), plus deals made through the services that the generator does not make: a
probability of their own, no value, no expected close, a third currency, no owner, and a stage
history."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import F

from bench.floor import Database
from bench.scenarios import sales as floors
from tandem.accounts.models import User
from tandem.demo.generate.scales import Sizes
from tandem.sales import reports, services
from tandem.sales.models import Deal, Pipeline, StageChange
from tandem.work.models import ItemState
from tests.bench.test_floors_match_tandem import db_floor  # noqa: F401 - a fixture
from tests.conftest import bearer, login
from tests.demo.helpers import run

pytestmark = pytest.mark.django_db

SIZES = Sizes(organizations=12, people=60, history=300, items=400)  # about 120 deals


@pytest.fixture
def pipeline(member: User) -> Pipeline:
    run(SIZES)
    pipeline = Pipeline.objects.get()  # the generated sales funnel
    stages = {stage.name: stage for stage in pipeline.stages.all()}

    def deal(title: str, **data: Any) -> Deal:
        return services.create_deal(by=member, pipeline=pipeline, title=title, data=data)

    deal("Own probability", value="999.99", probability="33", expected_close=date(2026, 9, 14))
    deal("No value yet", currency="GBP", expected_close=date(2026, 9, 30))
    deal("No close date", value="0.05", currency="USD")  # 10 % of 5 cents: half a cent, rounded up
    # a stage history for the conversion: three deals go on to qualified (one of them goes back and
    # enters both stages twice), one skips it
    walked = [deal(f"Walked {n}", value="100.00", expected_close=date(2026, 10, 1)) for n in range(4)]
    for one in walked[:3]:
        services.enter_stage(one, stages["qualified"], by=member)
    services.enter_stage(walked[2], stages["lead"], by=member)
    services.enter_stage(walked[2], stages["qualified"], by=member)
    for one in (walked[0], walked[1], walked[3]):
        services.enter_stage(one, stages["proposal"], by=member)
    services.enter_stage(walked[0], stages["negotiation"], by=member)
    services.attach_document(walked[0], by=member, kind="signed_contract", url="https://docs.example/c.pdf")
    services.win(walked[0], by=member)
    services.lose(walked[1], by=member, reason="Price")
    Deal.objects.filter(pk=walked[3].pk).update(owner=None)  # the "no owner" row of the owners table
    # won deals took days of their own
    for n, (pk, created) in enumerate(
        Deal.objects.filter(won_at__isnull=False).order_by("pk").values_list("pk", "item__created_at")
    ):
        took = timedelta(days=n % 9 + 1, hours=n % 5, minutes=n)
        Deal.objects.filter(pk=pk).update(won_at=created + took, won_after=took)
    return pipeline


def money(cents: int | None) -> str:
    """Whole cents as the API writes an amount."""
    return str((Decimal(cents or 0) / 100).quantize(Decimal("0.01")))


def amounts(values: dict[str, Decimal]) -> dict[str, str]:
    return {currency: str(amount) for currency, amount in values.items()}


def owners_from(groups: list[dict[str, Any]]) -> dict[int | None, tuple[Any, ...]]:
    """The owners table from the floor's rows per owner and currency: counts summed, amounts per
    currency, the average days to win over all currencies."""
    owners: dict[int | None, dict[str, Any]] = {}
    for group in groups:
        name = (group["full_name"] or group["email"].split("@")[0]) if group["owner_id"] else None
        row = owners.setdefault(group["owner_id"], {"name": name, "open": 0, "open_value": {}, "weighted": {},
                                                    "won": 0, "won_value": {}, "lost": 0, "days": 0.0})  # fmt: skip
        for count in ("open", "won", "lost"):
            row[count] += group[f"{count}_count" if count == "open" else count]
        for key, cents in (
            ("open_value", "open_cents"),
            ("weighted", "weighted"),
            ("won_value", "won_cents"),
        ):
            if group[cents] is not None:
                row[key][group["currency"]] = money(group[cents])
        row["days"] += float(group["won_days"] or 0)
    return {
        pk: (row["name"], row["open"], row["open_value"], row["weighted"], row["won"], row["won_value"], row["lost"],
             Decimal(str(row["days"] / row["won"])).quantize(Decimal("0.1")) if row["won"] else None)
        for pk, row in owners.items()
    }  # fmt: skip


def test_funnel(db_floor: Database, pipeline: Pipeline, member: User, api_token_for: Any) -> None:  # noqa: F811
    floor = floors.funnel_floor(db_floor, {"pipeline": pipeline.pk})
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in floor["funnel"]:
        groups[row["stage_id"]].append(row)
    expected = [
        {"stage": stage["name"], "stage_id": stage["id"], "kind": stage["kind"],
         "count": sum(row["count"] for row in groups[stage["id"]]),
         "value": {row["currency"]: money(row["cents"]) for row in groups[stage["id"]] if row["cents"] is not None},
         "weighted": {row["currency"]: money(row["weighted"]) for row in groups[stage["id"]]
                      if row["cents"] is not None}}
        for stage in floor["stages"]
    ]  # fmt: skip
    response = login(member).get(
        "/api/v1/reports/funnel", {"pipeline": pipeline.pk}, headers=bearer(api_token_for(member))
    )
    assert response.status_code == 200
    assert response.json() == expected
    # a data set that can tell a wrong floor apart: every stage, three currencies, deals left out
    assert {stage["pipeline_id"] for stage in floor["stages"]} == {pipeline.pk}
    assert [row["kind"] for row in expected] == ["open"] * 4 + ["won", "lost"]
    assert all(row["count"] > 0 for row in expected[:4])
    assert {row["currency"] for row in floor["funnel"]} == {"EUR", "USD", "GBP"}
    open_deals = Deal.objects.filter(
        pipeline=pipeline, item__state=ItemState.OPEN, stage__kind="open"
    ).count()
    assert (
        sum(row["count"] for row in expected) == open_deals < Deal.objects.filter(pipeline=pipeline).count()
    )
    # a won deal waiting for its invoice is open but decided: out of the funnel
    assert Deal.objects.filter(pipeline=pipeline, item__state=ItemState.OPEN, stage__kind="won").exists()
    assert expected[4]["count"] == expected[5]["count"] == 0


def test_forecast(db_floor: Database, pipeline: Pipeline, member: User, api_token_for: Any) -> None:  # noqa: F811
    floor = floors.forecast_floor(db_floor, {"pipeline": pipeline.pk})
    months: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in floor["forecast"]:  # days, added up into months as the report does
        totals = months[(str(row["day"])[:8] + "01", row["currency"])]
        for index, key in enumerate(("count", "cents", "weighted")):
            totals[index] += row[key] or 0
    expected = [
        {
            "month": month,
            "currency": currency,
            "count": count,
            "value": money(cents),
            "weighted": money(weighted),
        }
        for (month, currency), (count, cents, weighted) in sorted(months.items())
    ]
    response = login(member).get(
        "/api/v1/reports/forecast", {"pipeline": pipeline.pk}, headers=bearer(api_token_for(member))
    )
    assert response.status_code == 200
    assert response.json() == expected
    assert [stage["id"] for stage in floor["stages"]] == list(pipeline.stages.values_list("id", flat=True))
    assert len({row["month"] for row in expected}) > 3
    assert {row["currency"] for row in expected} == {"EUR", "USD", "GBP"}
    no_value = {"month": "2026-09-01", "currency": "GBP", "count": 1, "value": "0.00", "weighted": "0.00"}
    assert no_value in expected


def test_report_page(db_floor: Database, pipeline: Pipeline, member: User) -> None:  # noqa: F811
    floor = floors.report_page_floor(db_floor, {"pipeline": pipeline.pk})
    assert floor["stages"][0]["pipeline"] == pipeline.name
    assert floor["funnel"] == floors.funnel_floor(db_floor, {"pipeline": pipeline.pk})["funnel"]
    assert floor["forecast"] == floors.forecast_floor(db_floor, {"pipeline": pipeline.pk})["forecast"]

    [outcomes] = floor["outcomes"]
    shown = reports.outcomes(pipeline)
    assert (outcomes["won"], outcomes["lost"]) == (shown.won, shown.lost)
    assert Decimal(str(outcomes["cycle_days"])).quantize(Decimal("0.1")) == shown.average_cycle_days
    cycles = [(deal.won_at - deal.item.created_at).total_seconds() / 86400  # type: ignore[operator]
              for deal in Deal.objects.filter(pipeline=pipeline, won_at__isnull=False).select_related("item")]  # fmt: skip
    exact = sum(cycles) / len(cycles)
    assert float(outcomes["cycle_days"]) == pytest.approx(exact, abs=1e-6)  # and not only to a tenth
    assert shown.won > 1 and shown.lost > 1 and shown.average_cycle_days is not None
    assert shown.average_cycle_days > 1

    conversion = floors.conversion_floor(db_floor, {"pipeline": pipeline.pk})["conversion"]
    steps = [(row["from_stage"], row["to_stage"], row["entered"], row["went_on"]) for row in conversion]
    assert steps == [
        (row["from"], row["to"], row["entered"], row["went_on"]) for row in reports.conversion(pipeline)
    ]
    # and as a plain count over the stage history says (the generator's deals walked their stages,
    # some skipped one or went back; the services' deals above too)
    entered: dict[int, set[int]] = defaultdict(set)
    for deal_id, stage_id in StageChange.objects.filter(deal__pipeline=pipeline).values_list(
        "deal_id", "to_stage_id"
    ):
        entered[stage_id].add(deal_id)
    ordered = [s for s in pipeline.stages.order_by("position", "id") if s.kind != "lost"]
    expected = [
        (a.name, b.name, len(entered[a.pk]), len(entered[a.pk] & entered[b.pk]))
        for a, b in itertools.pairwise(ordered)
    ]
    assert steps == expected
    assert all(went_on for _a, _b, _entered, went_on in steps) and steps[0][2] > steps[-1][2]

    assert owners_from(floor["owners"]) == {
        row.owner_id: (row.owner if row.owner_id else None, row.open_count, amounts(row.open_value),
                       amounts(row.weighted), row.won, amounts(row.won_value), row.lost, row.cycle_days)
        for row in reports.by_owner(pipeline)
    }  # fmt: skip
    assert None in owners_from(floor["owners"]) and len(floor["owners"]) > 10

    assert [p["id"] for p in floor["pipelines"]] == [pipeline.pk]
    assert floor["stages"][0]["board_id"] == pipeline.board_id
    assert [u["id"] for u in floor["owner_choices"]] == list(
        User.objects.filter(is_active=True).order_by("full_name", "email").values_list("id", flat=True)
    )
    assert login(member).get(f"/pipelines/{pipeline.pk}/report/").status_code == 200


def test_a_missing_pipeline(db_floor: Database, pipeline: Pipeline) -> None:  # noqa: F811
    missing = {"pipeline": pipeline.pk + 1000}
    assert floors.funnel_floor(db_floor, missing) == {"stages": [], "funnel": []}
    assert floors.forecast_floor(db_floor, missing) == {"stages": [], "forecast": []}


def test_deals_of_the_generator_were_counted(pipeline: Pipeline) -> None:
    """The generated deals are there beside the services' ones (the data set is not just 7 deals)."""
    assert Deal.objects.filter(pipeline=pipeline).exclude(item__title__startswith="Walked").count() > 50
    assert Deal.objects.filter(pipeline=pipeline, item__state=ItemState.CLOSED).exists()
    assert Deal.objects.filter(won_at__gt=F("item__created_at")).exists()


def test_pipeline_board_page(db_floor: Database, pipeline: Pipeline, member: User, manager: User) -> None:  # noqa: F811
    from django.utils import timezone

    from tandem.work import queries
    from tandem.work.filters import ItemFilters

    lead = pipeline.stages.get(name="lead")
    services.update_stage(lead, by=manager, data={"stale_after_days": 3})
    shown = queries.board_view(pipeline.board, ItemFilters(), user=member)
    open_deals = [card.pk for view in shown for card in view.cards if card.state == ItemState.OPEN]
    Deal.objects.filter(pk__in=open_deals, stage=lead).update(
        stage_entered_at=timezone.now() - timedelta(days=5)
    )
    floor = floors.pipeline_board_floor(db_floor, {"board": pipeline.board_id})
    assert [c["id"] for c in floor["columns"]] == [view.column.pk for view in shown]
    flagged = {row["item_id"] for row in floor["stale"]}
    shown_open_in_lead = set(Deal.objects.filter(pk__in=open_deals, stage=lead).values_list("pk", flat=True))
    # the floor reads every shown deal of a stage with a limit; the ones in lead are the flagged ones
    assert shown_open_in_lead and shown_open_in_lead <= flagged
    page = login(member).get(f"/boards/{pipeline.board_id}/").content.decode()
    assert page.count("days in stage") == len(shown_open_in_lead)
