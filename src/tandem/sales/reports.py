"""Sales reports computed by the database in one grouped query each, in exact money: amounts are
summed as whole cents (rounded per deal, as a deal shows its weighted value), never as floats,
and never added across currencies."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import BigIntegerField, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce, Round, TruncMonth

from tandem.sales.models import Deal, Pipeline, StageChange, StageKind
from tandem.work.models import ItemState

CENT = Decimal("0.01")


def _cents(expression: Any) -> Cast:
    return Cast(Round(expression), BigIntegerField())


def _money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) * CENT).quantize(CENT)


def _deals(pipeline: Pipeline, owner: Any = None) -> QuerySet[Deal]:
    deals = Deal.objects.filter(pipeline=pipeline)
    if owner is not None:
        deals = deals.filter(owner=owner)
    return deals


@dataclass
class FunnelRow:
    stage_id: int
    stage: str
    kind: str
    count: int = 0
    value: dict[str, Decimal] = field(default_factory=dict)  # currency -> total
    weighted: dict[str, Decimal] = field(default_factory=dict)


def funnel(pipeline: Pipeline, *, owner: Any = None) -> list[FunnelRow]:
    """The open deals in each stage: how many, their value and weighted value per currency."""
    rows = {
        stage.pk: FunnelRow(stage_id=stage.pk, stage=stage.name, kind=stage.kind)
        for stage in pipeline.stages.order_by("position", "id")
    }
    grouped = (
        _deals(pipeline, owner)
        .filter(item__state=ItemState.OPEN, stage__isnull=False)
        .values("stage_id", "currency")
        .annotate(
            count=Count("pk"),
            cents=Sum(_cents(F("value") * 100)),
            weighted=Sum(_cents(F("value") * Coalesce(F("probability"), F("stage__probability")))),
        )
        .order_by()
    )
    for row in grouped:
        target = rows[row["stage_id"]]
        target.count += row["count"]
        if row["cents"] is not None:
            target.value[row["currency"]] = _money(row["cents"])
            target.weighted[row["currency"]] = _money(row["weighted"])
    return list(rows.values())


@dataclass
class ForecastRow:
    month: date
    currency: str
    count: int
    value: Decimal
    weighted: Decimal


def forecast(pipeline: Pipeline, *, owner: Any = None) -> list[ForecastRow]:
    """Open deals in open stages by expected-close month: value and weighted value per currency."""
    grouped = (
        _deals(pipeline, owner)
        .filter(item__state=ItemState.OPEN, stage__kind=StageKind.OPEN, expected_close__isnull=False)
        .annotate(month=TruncMonth("expected_close"))
        .values("month", "currency")
        .annotate(
            count=Count("pk"),
            cents=Sum(_cents(F("value") * 100)),
            weighted=Sum(_cents(F("value") * Coalesce(F("probability"), F("stage__probability")))),
        )
        .order_by("month", "currency")
    )
    result = []
    for row in grouped:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        result.append(
            ForecastRow(month, row["currency"], row["count"], _money(row["cents"]), _money(row["weighted"]))
        )
    return result


@dataclass
class Outcomes:
    won: int
    lost: int
    average_cycle_days: Decimal | None  # from the deal's creation to its win

    @property
    def win_rate(self) -> Decimal | None:
        decided = self.won + self.lost
        return (Decimal(self.won) * 100 / decided).quantize(CENT) if decided else None


def outcomes(
    pipeline: Pipeline, *, since: date | None = None, until: date | None = None, owner: Any = None
) -> Outcomes:
    """Deals won and lost in the period (by the day they were decided), and the average days from
    a won deal's creation to its win."""
    deals = _deals(pipeline, owner)
    won_in, lost_in = Q(won_at__isnull=False), Q(lost_at__isnull=False)
    if since is not None:
        won_in &= Q(won_at__date__gte=since)
        lost_in &= Q(lost_at__date__gte=since)
    if until is not None:
        won_in &= Q(won_at__date__lte=until)
        lost_in &= Q(lost_at__date__lte=until)
    counts = deals.aggregate(won=Count("pk", filter=won_in), lost=Count("pk", filter=lost_in))
    cycle = [
        (deal.won_at - deal.item.created_at).total_seconds()
        for deal in deals.filter(won_in).select_related("item").only("won_at", "item__created_at")
        if deal.won_at is not None
    ]
    average = (Decimal(sum(cycle)) / len(cycle) / 86400).quantize(Decimal("0.1")) if cycle else None
    return Outcomes(won=counts["won"], lost=counts["lost"], average_cycle_days=average)


def conversion(pipeline: Pipeline) -> list[dict[str, Any]]:
    """Stage to stage: of the deals that ever entered a stage, how many went on to enter the next
    open stage (or Won after the last one)."""
    stages = [s for s in pipeline.stages.order_by("position", "id") if s.kind != StageKind.LOST]
    entered: dict[int, set[int]] = defaultdict(set)
    changes = StageChange.objects.filter(deal__pipeline=pipeline, to_stage__isnull=False)
    for deal_id, stage_id in changes.values_list("deal_id", "to_stage_id"):
        entered[stage_id].add(deal_id)
    rows = []
    for current, following in itertools.pairwise(stages):
        reached = entered[current.pk]
        went_on = reached & entered[following.pk]
        rate = (Decimal(len(went_on)) * 100 / len(reached)).quantize(CENT) if reached else None
        rows.append(
            {
                "from": current.name,
                "to": following.name,
                "entered": len(reached),
                "went_on": len(went_on),
                "rate": rate,
            }
        )
    return rows
