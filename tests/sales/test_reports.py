"""Report figures on a small data set checked by hand: the funnel per stage and currency, the
weighted forecast by expected-close month (exact cents, currencies apart), win rate and the
conversion from stage to stage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.sales import reports, services
from tests.sales.gates import clear_the_gates


def deal(member, pipeline, title, value, currency="EUR", close=None, stage=None, probability=None):
    data = {"value": value, "currency": currency, "expected_close": close}
    if probability is not None:
        data["probability"] = probability
    return services.create_deal(by=member, pipeline=pipeline, title=title, data=data, stage=stage)


def test_funnel_and_forecast(member, pipeline, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = pipeline.stages.get(name="Lead")  # 10 %
    deal(member, pipeline, "A", "1000.00", close=date(2026, 12, 5))  # weighted 100.00
    deal(member, pipeline, "B", "333.33", close=date(2026, 12, 20))  # weighted 33.333 -> 33.33
    deal(member, pipeline, "C", "999.99", close=date(2027, 1, 3), probability="25")  # 249.9975 -> 250.00
    deal(member, pipeline, "D", "500.00", currency="USD", close=date(2026, 12, 1))  # 50.00 USD
    won = clear_the_gates(deal(member, pipeline, "E", "7000.00", close=date(2026, 12, 9)), by=member)
    services.attach_document(
        won, by=member, kind="signed_contract", file=SimpleUploadedFile("c.pdf", b"signed")
    )
    services.win(won, by=member)

    rows = {row.stage: row for row in reports.funnel(pipeline)}
    assert rows["Lead"].count == 4
    assert rows["Lead"].value == {"EUR": Decimal("2333.32"), "USD": Decimal("500.00")}
    assert rows["Lead"].weighted == {"EUR": Decimal("383.33"), "USD": Decimal("50.00")}
    # the won deal's item stays open until its invoice is paid, but it is decided: not in the funnel
    assert won.item.state == "open" and rows["Won"].count == 0 and rows["Won"].value == {}
    assert rows["Qualified"].count == 0 and rows["Qualified"].value == {}
    assert lead.probability == Decimal(10)

    forecast = [(r.month, r.currency, r.count, r.value, r.weighted) for r in reports.forecast(pipeline)]
    assert forecast == [
        (date(2026, 12, 1), "EUR", 2, Decimal("1333.33"), Decimal("133.33")),
        (date(2026, 12, 1), "USD", 1, Decimal("500.00"), Decimal("50.00")),
        (date(2027, 1, 1), "EUR", 1, Decimal("999.99"), Decimal("250.00")),
    ]  # the won deal is no longer forecast


def test_win_rate_and_conversion(member, pipeline, settings, tmp_path, make_org):
    settings.MEDIA_ROOT = tmp_path
    acme = make_org("Acme")
    qualified = pipeline.stages.get(name="Qualified")
    deals = [deal(member, pipeline, f"D{n}", "100") for n in range(4)]
    for d in deals[:2]:
        services.update_deal(d, by=member, data={"organization": acme})
        services.enter_stage(d, qualified, by=member)
    clear_the_gates(deals[0], by=member)  # Qualified → Won skips Proposal, which holds its gate
    services.attach_document(
        deals[0], by=member, kind="signed_contract", url="https://docs.example/signed.pdf"
    )
    services.win(deals[0], by=member)
    services.lose(deals[1], by=member, reason="Price")
    services.lose(deals[2], by=member, reason="Timing")

    result = reports.outcomes(pipeline)
    assert (result.won, result.lost, result.win_rate) == (1, 2, Decimal("33.33"))
    assert result.average_cycle_days is not None and result.average_cycle_days >= 0

    steps = {(row["from"], row["to"]): row for row in reports.conversion(pipeline)}
    assert steps[("Lead", "Qualified")]["entered"] == 4 and steps[("Lead", "Qualified")]["went_on"] == 2
    assert steps[("Lead", "Qualified")]["rate"] == Decimal("50.00")
