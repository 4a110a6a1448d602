"""The figures behind the report page's charts, checked by hand: the funnel holds the deals in
progress only (a won deal waiting for its invoice is decided), the days to win show even for a deal
won the day it was made, the win rate runs month by month (quiet months included, local days), and
months are the reader's: a Persian-calendar reader's forecast and win rate fall into Solar Hijri
months, while the API and the CSV keep Gregorian ones."""

from __future__ import annotations

import csv
import io
import zoneinfo
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.core import calendars
from tandem.sales import reports, services
from tandem.sales.models import Deal
from tandem.work.models import Item
from tests.conftest import login
from tests.sales.gates import clear_the_gates


def deal(by, pipeline, title, value="100.00", close=None, currency="EUR"):
    data = {"value": value, "currency": currency, "expected_close": close}
    return services.create_deal(by=by, pipeline=pipeline, title=title, data=data)


def win(deal_, by, on: datetime | None = None, created: datetime | None = None) -> None:
    clear_the_gates(deal_, by=by)
    services.attach_document(deal_, by=by, kind="signed_contract", url="https://docs.example/s.pdf")
    services.win(deal_, by=by)
    if on is not None:
        assert created is not None
        Deal.objects.filter(pk=deal_.pk).update(won_at=on, won_after=on - created)
        Item.objects.filter(pk=deal_.pk).update(created_at=created)


def lose(deal_, by, on: datetime | None = None) -> None:
    services.lose(deal_, by=by, reason="Price")
    if on is not None:
        Deal.objects.filter(pk=deal_.pk).update(lost_at=on)


def test_the_funnel_holds_deals_in_progress_only(member, pipeline):
    deal(member, pipeline, "Open", "1000.00")
    won = deal(member, pipeline, "Won", "7000.00")
    win(won, member)
    lose(deal(member, pipeline, "Lost", "50.00"), member)
    assert Item.objects.get(pk=won.pk).state == "open"  # its finance ticket is not closed yet

    rows = {row.stage: row for row in reports.funnel(pipeline)}
    assert list(rows) == ["Lead", "Qualified", "Proposal", "Won", "Lost"]  # every stage, in order
    assert (rows["Lead"].count, rows["Lead"].value) == (1, {"EUR": Decimal("1000.00")})
    assert (rows["Won"].count, rows["Won"].value, rows["Won"].weighted) == (0, {}, {})
    assert (rows["Lost"].count, rows["Lost"].value) == (0, {})

    page = login(member).get(f"/pipelines/{pipeline.pk}/report/").content.decode()
    funnel = page.split('id="funnel"')[1].split("</table>")[0]
    assert "Lead" in funnel and "Won" not in funnel and "Lost" not in funnel
    assert "7,000.00" not in funnel


def test_days_to_win_show_for_a_deal_won_the_day_it_was_made(member, pipeline):
    quick = deal(member, pipeline, "Quick")
    win(quick, member)
    result = reports.outcomes(pipeline)
    assert result.won == 1 and result.average_cycle_days == Decimal("0.0")  # a figure, not "none"
    page = login(member).get(f"/pipelines/{pipeline.pk}/report/").content.decode()
    outcomes = page.split('id="outcomes"')[1].split("</dl>")[0]
    assert 'Average days to win</dt><dd class="col-6">0.0</dd>' in outcomes
    owners = page.split('id="owners"')[1].split("</table>")[0]
    assert "—</td></tr>" not in owners  # the owner's days to win too

    slow = deal(member, pipeline, "Slow")
    now = timezone.now()
    win(slow, member, on=now, created=now - timedelta(days=10))
    assert reports.outcomes(pipeline).average_cycle_days == Decimal("5.0")  # (0 + 10) / 2


def test_the_win_rate_by_month_with_quiet_months_and_local_days(member, pipeline):
    jan, mar = datetime(2026, 1, 10, 12, tzinfo=UTC), datetime(2026, 3, 5, 12, tzinfo=UTC)
    win(deal(member, pipeline, "A"), member, on=jan, created=jan - timedelta(days=4))
    lose(deal(member, pipeline, "B"), member, on=jan)
    lose(deal(member, pipeline, "C"), member, on=jan)
    win(deal(member, pipeline, "D"), member, on=mar, created=mar - timedelta(days=6))
    # 23:30 on 31 March in UTC is already 1 April in Tehran
    late = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    lose(deal(member, pipeline, "E"), member, on=late)
    lose(deal(member, pipeline, "Long ago"), member, on=datetime(2024, 6, 1, tzinfo=UTC))

    # no start: the last twelve months, from the first with a decision; the totals are all time's
    overall, months = reports.outcomes_over_time(pipeline, today=date(2026, 4, 15))
    assert [(m.month, m.won, m.lost, m.win_rate) for m in months] == [
        (date(2026, 1, 1), 1, 2, Decimal("33.33")),
        (date(2026, 2, 1), 0, 0, None),  # a quiet month keeps its place
        (date(2026, 3, 1), 1, 1, Decimal("50.00")),
        (date(2026, 4, 1), 0, 0, None),  # up to this month
    ]
    assert [m.average_cycle_days for m in months] == [Decimal("4.0"), None, Decimal("6.0"), None]
    assert overall == reports.outcomes(pipeline) and (overall.won, overall.lost) == (2, 4)
    assert overall.average_cycle_days == Decimal("5.0")

    with timezone.override(zoneinfo.ZoneInfo("Asia/Tehran")):
        _overall, local = reports.outcomes_over_time(pipeline, today=date(2026, 4, 15))
    assert [(m.month, m.won, m.lost) for m in local][-2:] == [
        (date(2026, 3, 1), 1, 0),
        (date(2026, 4, 1), 0, 1),
    ]

    # a period: its months, and the outcomes are their sum
    march, months = reports.outcomes_over_time(pipeline, since=date(2026, 3, 1), until=date(2026, 3, 31))
    assert [(m.month, m.won, m.lost) for m in months] == [(date(2026, 3, 1), 1, 1)]
    assert march == reports.outcomes(pipeline, since=date(2026, 3, 1), until=date(2026, 3, 31))
    since_2024, months = reports.outcomes_over_time(pipeline, since=date(2024, 1, 1), today=date(2026, 4, 15))
    assert months[0].month == date(2024, 6, 1) and len(months) == 23 and since_2024.lost == 4
    assert reports.outcomes_over_time(pipeline, since=date(2026, 5, 1), today=date(2026, 5, 2))[1] == []
    # a start further back than ten years: the last ten years month by month, the totals all of it
    wide, months = reports.outcomes_over_time(pipeline, since=date(2000, 1, 1), today=date(2026, 4, 15))
    assert (wide.won, wide.lost) == (2, 4) and months[0].month == date(2024, 6, 1)
    assert reports.MONTHS_AT_MOST == 120


def test_persian_months_for_the_forecast_and_the_win_rate(member, pipeline):
    # 5 and 25 December 2026 are 14 Azar and 4 Dey 1405: one Gregorian month, two Persian ones
    deal(member, pipeline, "Early December", "1000.00", close=date(2026, 12, 5))
    deal(member, pipeline, "Late December", "500.00", close=date(2026, 12, 25))
    gregorian = [(r.month, r.count, r.value) for r in reports.forecast(pipeline)]
    assert gregorian == [(date(2026, 12, 1), 2, Decimal("1500.00"))]
    persian = [(r.month, r.count, r.value) for r in reports.forecast(pipeline, calendar=calendars.PERSIAN)]
    assert persian == [
        (date(2026, 11, 22), 1, Decimal("1000.00")),  # 1 Azar 1405
        (date(2026, 12, 22), 1, Decimal("500.00")),  # 1 Dey 1405
    ]
    # 15 and 25 March 2026 fall on both sides of Nowruz (21 March: 1 Farvardin 1405)
    before, after = datetime(2026, 3, 15, 12, tzinfo=UTC), datetime(2026, 3, 25, 12, tzinfo=UTC)
    win(deal(member, pipeline, "Before Nowruz"), member, on=before, created=before)
    lose(deal(member, pipeline, "After Nowruz"), member, on=after)
    _total, months = reports.outcomes_over_time(
        pipeline, since=date(2026, 3, 1), until=date(2026, 3, 31), calendar=calendars.PERSIAN
    )
    assert [(m.month, m.won, m.lost) for m in months] == [
        (date(2026, 2, 20), 1, 0),  # 1 Esfand 1404
        (date(2026, 3, 21), 0, 1),  # 1 Farvardin 1405
    ]
    assert calendars.next_month(date(2026, 2, 20), calendars.PERSIAN) == date(2026, 3, 21)
    assert calendars.month_start(date(2026, 3, 20), calendars.PERSIAN) == date(2026, 2, 20)


def test_the_csv_and_the_api_keep_gregorian_months(member, pipeline, api_token_for):
    member.calendar = calendars.PERSIAN
    member.save(update_fields=["calendar"])
    deal(member, pipeline, "Late March", "500.00", close=date(2026, 3, 25))  # 5 Farvardin 1405
    on = datetime(2026, 3, 25, 12, tzinfo=UTC)
    lose(deal(member, pipeline, "After Nowruz"), member, on=on)

    client = login(member)
    march = {"since": "2026-03-01", "until": "2026-03-31"}
    answer = client.get(f"/pipelines/{pipeline.pk}/report/", {"format": "csv", **march})
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert ["forecast", "2026-03-01", "EUR", "1", "500.00", "50.00"] in rows
    assert ["outcomes by month", "2026-03-01", "", "", "", "", "0", "", "1", "0.00", ""] in rows
    assert not any(row[0] == "funnel" and row[1] in ("Won", "Lost") for row in rows)

    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token_for(member)}"}
    forecast = client.get("/api/v1/reports/forecast", {"pipeline": pipeline.pk}, **headers).json()
    assert [row["month"] for row in forecast] == ["2026-03-01"]
    outcomes = client.get("/api/v1/reports/outcomes", {"pipeline": pipeline.pk, **march}, **headers).json()
    assert outcomes == {
        "won": 0,
        "lost": 1,
        "win_rate": "0.00",
        "average_cycle_days": None,
        "months": [
            {"month": "2026-03-01", "won": 0, "lost": 1, "win_rate": "0.00", "average_cycle_days": None}
        ],
    }
