"""Sales reports computed by the database in exact money: amounts are summed as whole cents
(rounded per deal, as a deal shows its weighted value), never as floats, and never added across
currencies.

Each report is one grouped query over `sales_deal` alone, read through an index that holds every
column it needs (see Deal.Meta.indexes): the deal keeps its item's state (`is_open`) and the time
its win took (`won_after`) beside its figures for that reason, so a pipeline of 300,000 deals is
summed without reading the table or joining the items. Periods are turned into datetime bounds
in the current time zone (a day runs from local midnight to the next), so they use those indexes
too; months and owners' rows are put together in Python from the grouped rows. Months are the
reader's (tandem.core.calendars): a page asks for them in the calendar its reader chose, the API
in the Gregorian one."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    BigIntegerField,
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.core import calendars
from tandem.core.dates import on_days
from tandem.sales.models import Deal, Pipeline, Stage, StageChange, StageKind

CENT = Decimal("0.01")


def _cents(expression: Any) -> Cast:
    return Cast(Round(expression), BigIntegerField())


def _money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) * CENT).quantize(CENT)


# a deal's value and weighted value in whole cents, rounded per deal
_VALUE_CENTS = _cents(F("value") * 100)
_WEIGHTED_CENTS = _cents(F("value") * Coalesce(F("probability"), F("stage__probability")))


def _deals(pipeline: Pipeline, owner: Any = None) -> QuerySet[Deal]:
    deals = Deal.objects.filter(pipeline=pipeline)
    if owner is not None:
        deals = deals.filter(owner=owner)
    return deals


def _stages(pipeline: Pipeline) -> list[Stage]:
    return list(pipeline.stages.order_by("position", "id"))


def _open_stage_ids(stages: list[Stage]) -> list[int]:
    return [stage.pk for stage in stages if stage.kind == StageKind.OPEN]


def _bounds(field_name: str, since: date | None, until: date | None) -> Q:
    """`field_name` (a datetime) is set and falls on a day from `since` to `until` (tandem.core.dates)."""
    return Q(**{f"{field_name}__isnull": False}) & on_days(field_name, since, until)


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(CENT) if whole else None


def _days(duration: timedelta | None) -> Decimal | None:
    if duration is None:
        return None
    return (Decimal(duration.total_seconds()) / 86400).quantize(Decimal("0.1"))


def _duration(value: Any) -> timedelta | None:
    """An average duration as the database returns it: a timedelta, or (SQLite) microseconds."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=float(value))


@dataclass
class FunnelRow:
    stage_id: int
    stage: str
    kind: str
    count: int = 0
    value: dict[str, Decimal] = field(default_factory=dict)  # currency -> total
    weighted: dict[str, Decimal] = field(default_factory=dict)


def funnel(pipeline: Pipeline, *, owner: Any = None) -> list[FunnelRow]:
    """The open deals in each stage in progress: how many, their value and weighted value per
    currency. Every stage has its row, in order, so the list of stages stays whole; the Won and
    Lost stages' rows stay empty, since a deal there is decided, even while its item is still open
    (a won deal waits for its invoice)."""
    stages = _stages(pipeline)
    rows = {
        stage.pk: FunnelRow(stage_id=stage.pk, stage=stage.display_name, kind=stage.kind) for stage in stages
    }
    grouped = (
        _deals(pipeline, owner)
        .filter(is_open=True, stage_id__in=_open_stage_ids(stages))
        .values("stage_id", "currency")
        .annotate(count=Count("*"), cents=Sum(_VALUE_CENTS), weighted=Sum(_WEIGHTED_CENTS))
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
    pipeline: Pipeline,
    *,
    owner: Any = None,
    since: date | None = None,
    until: date | None = None,
    calendar: str = calendars.GREGORIAN,
) -> list[ForecastRow]:
    """Open deals in open stages by expected-close month: value and weighted value per currency;
    `since`/`until` keep the deals expected to close in that period. The database groups by day
    (an index scan in order), the days are added up into the months of `calendar` here (a row's
    `month` is the Gregorian date its month starts on)."""
    deals = _deals(pipeline, owner).filter(
        is_open=True, stage_id__in=_open_stage_ids(_stages(pipeline)), expected_close__isnull=False
    )
    if since is not None:
        deals = deals.filter(expected_close__gte=since)
    if until is not None:
        deals = deals.filter(expected_close__lte=until)
    grouped = (
        deals.values("expected_close", "currency")
        .annotate(count=Count("*"), cents=Sum(_VALUE_CENTS), weighted=Sum(_WEIGHTED_CENTS))
        .order_by()
    )
    months: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in grouped:
        day = row["expected_close"]
        assert day is not None  # filtered above
        totals = months[(calendars.month_start(day, calendar), row["currency"])]
        totals[0] += row["count"]
        totals[1] += row["cents"] or 0
        totals[2] += row["weighted"] or 0
    return [
        ForecastRow(month, currency, count, _money(cents), _money(weighted))
        for (month, currency), (count, cents, weighted) in sorted(months.items())
    ]


@dataclass
class Outcomes:
    won: int
    lost: int
    average_cycle_days: Decimal | None  # from the deal's creation to its win

    @property
    def win_rate(self) -> Decimal | None:
        return _rate(self.won, self.won + self.lost)


@dataclass
class MonthOutcomes:
    """The deals decided in a month (`month`: the Gregorian date it starts on, in the calendar
    asked for), and the time their wins took, added up (`timed` of them know it)."""

    month: date
    won: int = 0
    lost: int = 0
    won_after: timedelta = field(default_factory=timedelta)
    timed: int = 0

    @property
    def win_rate(self) -> Decimal | None:
        return _rate(self.won, self.won + self.lost)

    @property
    def average_cycle_days(self) -> Decimal | None:
        return _days(self.won_after / self.timed) if self.timed else None


def outcomes(
    pipeline: Pipeline, *, since: date | None = None, until: date | None = None, owner: Any = None
) -> Outcomes:
    """Deals won and lost in the period (by the day they were decided), and the average days from
    a won deal's creation to its win: two queries, one per index."""
    won = (
        _deals(pipeline, owner)
        .filter(_bounds("won_at", since, until))
        .aggregate(n=Count("*"), cycle=Avg("won_after"))
    )
    lost = _deals(pipeline, owner).filter(_bounds("lost_at", since, until)).count()
    return Outcomes(won=won["n"], lost=lost, average_cycle_days=_days(_duration(won["cycle"])))


MONTHS_SHOWN = 12  # the win rate over time without a start: the last year
MONTHS_AT_MOST = 120  # a longer period shows its last ten years month by month


def _month_index(field_name: str, starts: list[datetime], low: int, high: int) -> Any:
    """The index of the month `field_name` falls in, of the months starting at `starts[low:high]`
    (the last one open-ended), as a CASE that halves the months at each step: a comparison or
    seven per deal, where a date function per row (time zone, calendar) would cost far more."""
    if high - low == 1:
        return Value(low)
    middle = (low + high) // 2
    return Case(
        When(**{f"{field_name}__lt": starts[middle]}, then=_month_index(field_name, starts, low, middle)),
        default=_month_index(field_name, starts, middle, high),
        output_field=IntegerField(),
    )


def outcomes_over_time(
    pipeline: Pipeline,
    *,
    since: date | None = None,
    until: date | None = None,
    owner: Any = None,
    calendar: str = calendars.GREGORIAN,
    today: date | None = None,
) -> tuple[Outcomes, list[MonthOutcomes]]:
    """The outcomes of the period (as `outcomes`) and month by month (in `calendar`, from local
    midnight to local midnight): the months of the period, at most the last ten years of it, or the
    last twelve months without a start; from the first month with a decision on. Two grouped
    queries (won, lost), each through its index and grouped by month; when the months cover the
    whole period, the outcomes are their sum, else (no start, or a longer one) two more queries.
    `today` (the current day by default) is the last day a decision can have been made on."""
    today = today or timezone.localdate()
    last = calendars.month_start(min(until, today) if until is not None else today, calendar)
    first = last
    for _month in range(MONTHS_SHOWN - 1 if since is None else MONTHS_AT_MOST - 1):
        if since is not None and first <= since:
            break
        first = calendars.month_start(first - timedelta(days=1), calendar)
    covered = since is not None and first <= since
    window = max(since, first) if since is not None else first
    firsts, month = [], first
    while month <= last:
        firsts.append(month)
        month = calendars.next_month(month, calendar)
    months = [MonthOutcomes(month) for month in firsts]
    starts = [timezone.make_aware(datetime.combine(month, time.min)) for month in firsts]
    won = (
        _deals(pipeline, owner)
        .filter(_bounds("won_at", window, until))
        .annotate(month=_month_index("won_at", starts, 0, len(starts)))
        .values("month")
        .annotate(n=Count("*"), cycle=Sum("won_after"), timed=Count("won_after"))
        .order_by()
    )
    for row in won:
        target = months[row["month"]]
        target.won, target.timed = row["n"], row["timed"]
        target.won_after = _duration(row["cycle"]) or timedelta()
    lost = (
        _deals(pipeline, owner)
        .filter(_bounds("lost_at", window, until))
        .annotate(month=_month_index("lost_at", starts, 0, len(starts)))
        .values("month")
        .annotate(n=Count("*"))
        .order_by()
    )
    for lost_row in lost:
        months[lost_row["month"]].lost = lost_row["n"]
    decided = [index for index, month in enumerate(months) if month.won or month.lost]
    months = months[decided[0] :] if decided else []
    if covered:
        return total(months), months
    return outcomes(pipeline, since=since, until=until, owner=owner), months


def total(months: list[MonthOutcomes]) -> Outcomes:
    """The months' outcomes added up: won, lost and the average days from creation to win."""
    won_after, timed = sum((m.won_after for m in months), timedelta()), sum(m.timed for m in months)
    return Outcomes(
        won=sum(m.won for m in months),
        lost=sum(m.lost for m in months),
        average_cycle_days=_days(won_after / timed) if timed else None,
    )


def conversion(
    pipeline: Pipeline, *, since: date | None = None, until: date | None = None
) -> list[dict[str, Any]]:
    """Stage to stage: of the deals that entered a stage (in the period, when one is given), how
    many also entered the next open stage (or Won after the last one), counting each deal once
    however often it went back and forth. One query: the stage history grouped by deal into a
    flag per stage (entered it, entered it in the period), then summed."""
    stages = [s for s in _stages(pipeline) if s.kind != StageKind.LOST]
    pairs = list(itertools.pairwise(stages))
    if not pairs:
        return []

    def flag(condition: Q) -> Max:
        return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))

    in_period = _bounds("at", since, until) if since is not None or until is not None else Q()
    flags = {f"ever_{s.pk}": flag(Q(to_stage_id=s.pk)) for _a, s in pairs}
    flags |= {f"in_{s.pk}": flag(Q(to_stage_id=s.pk) & in_period) for s, _b in pairs}
    per_deal = (
        StageChange.objects.filter(to_stage_id__in=[s.pk for s in stages])
        .values("deal_id")
        .annotate(**flags)
        .order_by()
    )
    totals = per_deal.aggregate(
        **{f"entered_{a.pk}": Sum(f"in_{a.pk}") for a, _b in pairs},
        **{f"went_on_{a.pk}": Sum(F(f"in_{a.pk}") * F(f"ever_{b.pk}")) for a, b in pairs},
    )
    rows = []
    for current, following in pairs:
        entered, moved = totals[f"entered_{current.pk}"] or 0, totals[f"went_on_{current.pk}"] or 0
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
    """Per owner: the open deals in open stages (count, value and weighted value per currency), the
    deals won and lost in the period (value won per currency, win rate) and the average days to
    win. Three grouped queries (open, won, lost; one index each) and one for the owners' names;
    the busiest first."""
    rows: dict[int | None, OwnerRow] = {}

    def row_of(owner_id: int | None) -> OwnerRow:
        return rows.setdefault(owner_id, OwnerRow(owner_id=owner_id, owner=""))

    # grouped in the order of the index that covers it (stage, currency, owner); stages added up here
    open_deals = (
        _deals(pipeline)
        .filter(is_open=True, stage_id__in=_open_stage_ids(_stages(pipeline)))
        .values("stage_id", "currency", "owner_id")
        .annotate(count=Count("*"), cents=Sum(_VALUE_CENTS), weighted=Sum(_WEIGHTED_CENTS))
        .order_by()
    )
    for group in open_deals:
        row = row_of(group["owner_id"])
        row.open_count += group["count"]
        if group["cents"] is not None:
            currency = group["currency"]
            row.open_value[currency] = row.open_value.get(currency, Decimal(0)) + _money(group["cents"])
            row.weighted[currency] = row.weighted.get(currency, Decimal(0)) + _money(group["weighted"])
    won = (
        _deals(pipeline)
        .filter(_bounds("won_at", since, until))
        .values("owner_id", "currency")
        .annotate(count=Count("*"), cents=Sum(_VALUE_CENTS), cycle=Sum("won_after"), timed=Count("won_after"))
        .order_by()
    )
    cycles: dict[int | None, list[Any]] = defaultdict(lambda: [timedelta(), 0])
    for won_group in won:
        row = row_of(won_group["owner_id"])
        row.won += won_group["count"]
        if won_group["cents"] is not None:
            row.won_value[won_group["currency"]] = _money(won_group["cents"])
        if won_group["timed"]:
            cycles[won_group["owner_id"]][0] += _duration(won_group["cycle"]) or timedelta()
            cycles[won_group["owner_id"]][1] += won_group["timed"]
    lost = (
        _deals(pipeline)
        .filter(_bounds("lost_at", since, until))
        .values("owner_id")
        .annotate(count=Count("*"))
        .order_by()
    )
    for lost_group in lost:
        row_of(lost_group["owner_id"]).lost += lost_group["count"]
    names = {
        user.pk: user.display_name
        for user in User.objects.filter(pk__in=[pk for pk in rows if pk is not None]).only(
            "full_name", "email"
        )
    }
    for owner_id, row in rows.items():
        row.owner = names.get(owner_id, "") if owner_id is not None else str(_("No owner"))
        total, timed = cycles.get(owner_id, (timedelta(), 0))
        row.cycle_days = _days(total / timed) if timed else None
    return sorted(rows.values(), key=lambda r: (-r.open_count - r.won - r.lost, r.owner))
