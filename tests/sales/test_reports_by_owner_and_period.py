"""Per-owner figures, the period filters and the cycle time, on a data set checked by hand: won and
lost dates are set on the rows so that the periods are known."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from tandem.sales import reports, services
from tandem.sales.models import Deal, StageChange
from tandem.work.models import Item
from tests.sales.gates import clear_the_gates


def deal(by, pipeline, title, value, currency="EUR", close=None, owner=None):
    data = {"value": value, "currency": currency, "expected_close": close, "owner": owner or by}
    return services.create_deal(by=by, pipeline=pipeline, title=title, data=data)


def won(deal_, by, on: datetime, created: datetime) -> None:
    """Won on `on`, created on `created`: the win as the services record it, moved back in time."""
    clear_the_gates(deal_, by=by)
    services.attach_document(deal_, by=by, kind="signed_contract", url="https://docs.example/s.pdf")
    services.win(deal_, by=by)
    Deal.objects.filter(pk=deal_.pk).update(won_at=on, won_after=on - created)
    Item.objects.filter(pk=deal_.pk).update(created_at=created)


def lost(deal_, by, on: datetime) -> None:
    services.lose(deal_, by=by, reason="Price")
    Deal.objects.filter(pk=deal_.pk).update(lost_at=on)


def test_per_owner_open_won_lost_and_cycle(member, manager, pipeline):
    jan = datetime(2026, 1, 10, 12, tzinfo=UTC)
    deal(member, pipeline, "A", "1000.00")  # Lead 10 %: weighted 100.00
    deal(member, pipeline, "B", "250.50", currency="USD")  # weighted 25.05 USD
    w1 = deal(member, pipeline, "C", "500.00")
    won(w1, member, on=jan, created=jan - timedelta(days=10))
    w2 = deal(member, pipeline, "D", "120.00", currency="USD")
    won(w2, member, on=jan, created=jan - timedelta(days=20))
    lost(deal(member, pipeline, "E", "80.00"), member, on=jan)
    deal(manager, pipeline, "F", "300.00", owner=manager)
    lost(deal(manager, pipeline, "G", "90.00", owner=manager), manager, on=jan)

    rows = {row.owner: row for row in reports.by_owner(pipeline)}
    assert list(rows) == ["Bob Member", "Mona Manager"]  # the busiest first
    bob, mona = rows["Bob Member"], rows["Mona Manager"]
    assert bob.open_count == 2
    assert bob.open_value == {"EUR": Decimal("1000.00"), "USD": Decimal("250.50")}
    assert bob.weighted == {"EUR": Decimal("100.00"), "USD": Decimal("25.05")}
    assert (bob.won, bob.lost, bob.win_rate) == (2, 1, Decimal("66.67"))
    assert bob.won_value == {"EUR": Decimal("500.00"), "USD": Decimal("120.00")}
    assert bob.cycle_days == Decimal("15.0")  # (10 + 20) / 2
    assert (mona.open_count, mona.won, mona.lost, mona.win_rate) == (1, 0, 1, Decimal("0.00"))
    assert mona.weighted == {"EUR": Decimal("30.00")} and mona.won_value == {}
    assert mona.cycle_days is None

    overall = reports.outcomes(pipeline)
    assert (overall.won, overall.lost, overall.average_cycle_days) == (2, 2, Decimal("15.0"))
    assert reports.outcomes(pipeline, owner=manager).won == 0


def test_periods_filter_decisions_forecast_and_conversion(member, pipeline):
    jan, mar = datetime(2026, 1, 10, 12, tzinfo=UTC), datetime(2026, 3, 5, 12, tzinfo=UTC)
    early = deal(member, pipeline, "Early", "100.00")
    won(early, member, on=jan, created=jan - timedelta(days=4))
    late = deal(member, pipeline, "Late", "200.00")
    won(late, member, on=mar, created=mar - timedelta(days=6))
    lost(deal(member, pipeline, "Gone", "50.00"), member, on=mar)
    deal(member, pipeline, "Dec", "1000.00", close=date(2026, 12, 15))
    deal(member, pipeline, "Feb", "400.00", close=date(2027, 2, 1))

    march = reports.outcomes(pipeline, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert (march.won, march.lost, march.win_rate, march.average_cycle_days) == (
        1,
        1,
        Decimal("50.00"),
        Decimal("6.0"),
    )
    january = reports.outcomes(pipeline, until=date(2026, 1, 31))
    assert (january.won, january.lost, january.average_cycle_days) == (1, 0, Decimal("4.0"))
    rows = reports.by_owner(pipeline, since=date(2026, 3, 1))
    assert [(r.won, r.lost, r.won_value) for r in rows] == [(1, 1, {"EUR": Decimal("200.00")})]

    months = [(r.month, r.value) for r in reports.forecast(pipeline, since=date(2027, 1, 1))]
    assert months == [(date(2027, 2, 1), Decimal("400.00"))]
    assert [r.month for r in reports.forecast(pipeline, until=date(2026, 12, 31))] == [date(2026, 12, 1)]

    # conversion counts entries in the period: move the early deal's entries into January
    StageChange.objects.filter(deal=early).update(at=jan)
    steps = {(r["from"], r["to"]): r for r in reports.conversion(pipeline, until=date(2026, 1, 31))}
    assert steps[("Lead", "Qualified")]["entered"] == 1
    assert steps[("Proposal", "Won")] == {
        "from": "Proposal",
        "to": "Won",
        "entered": 0,
        "went_on": 0,
        "rate": None,
    }
    everything = {(r["from"], r["to"]): r for r in reports.conversion(pipeline)}
    assert everything[("Lead", "Qualified")]["entered"] == 5


def test_conversion_counts_a_deal_once_however_often_it_entered(member, manager, pipeline, make_org):
    qualified = pipeline.stages.get(name="Qualified")
    lead = pipeline.stages.get(name="Lead")
    d = deal(member, pipeline, "Back and forth", "100.00")
    services.update_deal(d, by=member, data={"organization": make_org("Acme")})
    for _round in range(3):
        services.enter_stage(d, qualified, by=member)
        services.enter_stage(d, lead, by=member)
    deal(member, pipeline, "Stays", "100.00")
    steps = {(r["from"], r["to"]): r for r in reports.conversion(pipeline)}
    assert steps[("Lead", "Qualified")] == {
        "from": "Lead",
        "to": "Qualified",
        "entered": 2,
        "went_on": 1,
        "rate": Decimal("50.00"),
    }
    assert (
        steps[("Qualified", "Proposal")]["entered"] == 1 and steps[("Qualified", "Proposal")]["went_on"] == 0
    )
