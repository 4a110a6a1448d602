"""Sales reports computed by the database in one grouped query each, in exact money: amounts are
summed as whole cents (rounded per deal, as a deal shows its weighted value), never as floats,
and never added across currencies."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round, TruncMonth
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.sales.models import Deal, Pipeline, StageChange, StageKind
from tandem.work.models import ItemState

CENT = Decimal("0.01")


def _cents(expression: Any) -> Cast:
    return Cast(Round(expression), BigIntegerField())


def _money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) * CENT).quantize(CENT)


# a deal's value and weighted value in whole cents, rounded per deal; the days from creation to win
_VALUE_CENTS = _cents(F("value") * 100)
_WEIGHTED_CENTS = _cents(F("value") * Coalesce(F("probability"), F("stage__probability")))
_CYCLE = ExpressionWrapper(F("won_at") - F("item__created_at"), output_field=DurationField())


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
            cents=Sum(_VALUE_CENTS),
            weighted=Sum(_WEIGHTED_CENTS),
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


def forecast(
    pipeline: Pipeline, *, owner: Any = None, since: date | None = None, until: date | None = None
) -> list[ForecastRow]:
    """Open deals in open stages by expected-close month: value and weighted value per currency;
    `since`/`until` keep the deals expected to close in that period."""
    deals = _deals(pipeline, owner).filter(
        item__state=ItemState.OPEN, stage__kind=StageKind.OPEN, expected_close__isnull=False
    )
    if since is not None:
        deals = deals.filter(expected_close__gte=since)
    if until is not None:
        deals = deals.filter(expected_close__lte=until)
    grouped = (
        deals.annotate(month=TruncMonth("expected_close"))
        .values("month", "currency")
        .annotate(count=Count("pk"), cents=Sum(_VALUE_CENTS), weighted=Sum(_WEIGHTED_CENTS))
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
        return _rate(self.won, self.won + self.lost)


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(CENT) if whole else None


def _decided_in(since: date | None, until: date | None) -> tuple[Q, Q]:
    """Conditions for deals won and lost in the period (by the day they were decided)."""
    won_in, lost_in = Q(won_at__isnull=False), Q(lost_at__isnull=False)
    if since is not None:
        won_in &= Q(won_at__date__gte=since)
        lost_in &= Q(lost_at__date__gte=since)
    if until is not None:
        won_in &= Q(won_at__date__lte=until)
        lost_in &= Q(lost_at__date__lte=until)
    return won_in, lost_in


def _days(duration: timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 86400).quantize(Decimal("0.1"))


def outcomes(
    pipeline: Pipeline, *, since: date | None = None, until: date | None = None, owner: Any = None
) -> Outcomes:
    """Deals won and lost in the period, and the average days from a won deal's creation to its
    win: one query."""
    won_in, lost_in = _decided_in(since, until)
    figures = _deals(pipeline, owner).aggregate(
        won=Count("pk", filter=won_in),
        lost=Count("pk", filter=lost_in),
        cycle=Avg(_CYCLE, filter=won_in),
    )
    return Outcomes(won=figures["won"], lost=figures["lost"], average_cycle_days=_days(figures["cycle"]))


def conversion(
    pipeline: Pipeline, *, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Stage to stage: of the deals that entered a stage (in the period, when one is given), how
    many also entered the next open stage (or Won after the last one). One grouped query: each
    entry is paired with its stage's successor and checked for an entry there."""
    stages = [s for s in pipeline.stages.order_by("position", "id") if s.kind != StageKind.LOST]
    pairs = list(itertools.pairwise(stages))
    if not pairs:
        return []
    successor = Case(
        *[When(to_stage_id=current.pk, then=Value(following.pk)) for current, following in pairs],
        default=None,
        output_field=IntegerField(),
    )
    entries = StageChange.objects.filter(deal__pipeline=pipeline, to_stage_id__in=[c.pk for c, _f in pairs])
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    if until is not None:
        entries = entries.filter(at__date__lte=until)
    went_on = Exists(
        StageChange.objects.filter(deal_id=OuterRef("deal_id"), to_stage_id=OuterRef("successor"))
    )
    counts: dict[int, dict[str, Any]] = {
        row["to_stage_id"]: dict(row)
        for row in entries.annotate(successor=successor, went_on=went_on)
        .values("to_stage_id")
        .annotate(
            entered=Count("deal_id", distinct=True),
            went_on_count=Count("deal_id", distinct=True, filter=Q(went_on=True)),
        )
        .order_by()
    }
    rows = []
    for current, following in pairs:
        row = counts.get(current.pk, {})
        entered, moved = row.get("entered", 0), row.get("went_on_count", 0)
        rows.append(
            {"from": current.name, "to": following.name, "entered": entered, "went_on": moved,
             "rate": _rate(moved, entered)}
        )  # fmt: skip
    return rows


@dataclass
class OwnerRow:
    owner_id: int | None
    owner: str
    open_count: int = 0
    open_value: dict[str, Decimal] = field(default_factory=dict)  # currency -> total
    weighted: dict[str, Decimal] = field(default_factory=dict)
    won: int = 0
    won_value: dict[str, Decimal] = field(default_factory=dict)
    lost: int = 0
    cycle_days: Decimal | None = None

    @property
    def win_rate(self) -> Decimal | None:
        return _rate(self.won, self.won + self.lost)


def by_owner(pipeline: Pipeline, *, since: date | None = None, until: date | None = None) -> list[OwnerRow]:
    """Per owner: the open deals (count, value and weighted value per currency, as the funnel
    counts them), the deals won and lost in the period (value won per currency, win rate) and the
    average days to win. One grouped query, plus one for the owners' names; the busiest first."""
    won_in, lost_in = _decided_in(since, until)
    is_open = Q(item__state=ItemState.OPEN, stage__kind=StageKind.OPEN)
    grouped = (
        Deal.objects.filter(pipeline=pipeline)
        .values("owner_id", "currency")
        .annotate(
            open_count=Count("pk", filter=is_open),
            open_cents=Sum(_VALUE_CENTS, filter=is_open),
            weighted=Sum(_WEIGHTED_CENTS, filter=is_open),
            won=Count("pk", filter=won_in),
            won_cents=Sum(_VALUE_CENTS, filter=won_in),
            lost=Count("pk", filter=lost_in),
            cycle=Avg(_CYCLE, filter=won_in),
        )
        .order_by()
    )
    rows: dict[int | None, OwnerRow] = {}
    cycles: dict[int | None, list[tuple[timedelta, int]]] = defaultdict(list)
    for group in grouped:
        if not (group["open_count"] or group["won"] or group["lost"]):
            continue
        row = rows.setdefault(group["owner_id"], OwnerRow(owner_id=group["owner_id"], owner=""))
        row.open_count += group["open_count"]
        row.won += group["won"]
        row.lost += group["lost"]
        for target, cents in ((row.open_value, group["open_cents"]), (row.weighted, group["weighted"]),
                              (row.won_value, group["won_cents"])):  # fmt: skip
            if cents is not None:
                target[group["currency"]] = _money(cents)
        if group["cycle"] is not None:
            cycles[group["owner_id"]].append((group["cycle"], group["won"]))
    names = {
        user.pk: user.display_name
        for user in User.objects.filter(pk__in=[pk for pk in rows if pk is not None]).only(
            "full_name", "email"
        )
    }
    for owner_id, row in rows.items():
        row.owner = names.get(owner_id, "") if owner_id is not None else str(_("No owner"))
        weighted_cycles = cycles.get(owner_id)
        if weighted_cycles:  # the average over currencies, weighted by the deals won in each
            total = sum((cycle * won for cycle, won in weighted_cycles), timedelta())
            row.cycle_days = _days(total / sum(won for _cycle, won in weighted_cycles))
    return sorted(rows.values(), key=lambda r: (-r.open_count - r.won - r.lost, r.owner))
