"""The report page carries its charts' figures for its script (a `json_script` element, no inline
script): the stages in progress, the months in the reader's calendar and language, the labels
translated, the numbers' separators; each canvas is named for screen readers, and a chart with
nothing to draw says so instead."""

from __future__ import annotations

import json
import re
from datetime import date

from django.utils import translation

from tandem.accounts import services as accounts
from tandem.core import calendars
from tandem.sales import services
from tests.conftest import login


def chart_data(page: str) -> dict:
    found = re.search(r'<script id="report-charts-data" type="application/json">(.*?)</script>', page, re.S)
    assert found, "the page carries its charts' figures"
    return json.loads(found.group(1))


def canvases(page: str) -> dict[str, str]:
    return dict(re.findall(r'<canvas id="([a-z-]+)" role="img" aria-label="([^"]*)"', page))


def test_the_page_carries_the_figures_its_charts_draw(member, pipeline):
    services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme",
        data={"value": "1234.50", "expected_close": date(2026, 12, 5)},
    )
    services.create_deal(
        by=member, pipeline=pipeline, title="Globex", data={"value": "10", "currency": "USD"}
    )
    lost = services.create_deal(by=member, pipeline=pipeline, title="Initech", data={"value": "5"})
    services.lose(lost, by=member, reason="Price")

    page = login(member).get(f"/pipelines/{pipeline.pk}/report/").content.decode()
    data = chart_data(page)
    assert data["rtl"] is False and data["numbers"] == {"decimal": ".", "thousands": ",", "grouping": 3}
    assert data["text"]["won"] == "Won" and data["text"]["weighted"] == "Weighted"
    assert data["funnel"] == {
        "labels": ["Lead", "Qualified", "Proposal"],  # the stages in progress only
        "count": [2, 0, 0],
        "value": {"EUR": ["1234.50", "0", "0"], "USD": ["10.00", "0", "0"]},
        "weighted": {"EUR": ["123.45", "0", "0"], "USD": ["1.00", "0", "0"]},
    }
    assert data["forecast"] == {
        "labels": ["December 2026"],
        "value": {"EUR": ["1234.50"]},
        "weighted": {"EUR": ["123.45"]},
    }
    assert data["win_rate"]["rate"] == ["0.00"] and data["win_rate"]["lost"] == [1]

    named = canvases(page)
    assert set(named) == {"chart-funnel-count", "chart-funnel-value", "chart-forecast", "chart-win-rate"}
    assert named["chart-funnel-count"] == "Open deals per stage, by count: Lead 2; Qualified 0; Proposal 0."
    assert named["chart-funnel-value"] == "Open deals per stage, by value: Lead 1,234.50 EUR, 10.00 USD."
    assert named["chart-forecast"] == "Weighted value by month of expected close: December 2026 123.45 EUR."
    assert named["chart-win-rate"].startswith("Win rate by month: ") and "0.00 %" in named["chart-win-rate"]
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert "/static/sales/vendor/chartjs-4.6.2/chart.umd.min.js" in scripts
    assert "/static/sales/report-charts.js" in scripts


def test_a_persian_reader_gets_persian_labels_and_solar_hijri_months(member, pipeline):
    accounts.update_profile(
        member, full_name="Dariush Karimi", language="fa", time_zone="Asia/Tehran", calendar=calendars.PERSIAN
    )
    services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Acme",
        data={"value": "72000000", "expected_close": date(2026, 12, 5)},
    )
    services.create_deal(
        by=member,
        pipeline=pipeline,
        title="Globex",
        data={"value": "1000", "expected_close": date(2027, 1, 25)},
    )
    page = login(member).get(f"/pipelines/{pipeline.pk}/report/").content.decode()
    data = chart_data(page)
    with translation.override("fa"):
        won, deals = translation.gettext("Won"), translation.gettext("Deals")
    assert data["rtl"] is True and data["text"]["won"] == won and data["text"]["deals"] == deals
    # 5 Dec 2026 is 14 Azar 1405, 25 Jan 2027 is 5 Bahman 1405: Dey lies between, empty
    assert data["forecast"]["labels"] == ["آذر 1405", "دی 1405", "بهمن 1405"]
    assert data["forecast"]["value"] == {"EUR": ["72000000.00", "0.00", "1000.00"]}
    assert data["numbers"]["grouping"] == 3  # tandem.formats.fa groups the digits
    forecast = page.split('id="forecast"')[1].split("</table>")[0]
    assert "آذر 1405" in forecast and "December" not in forecast
    assert "72,001,000.00 EUR" in canvases(page)["chart-funnel-value"]  # both deals are leads


def test_charts_without_figures_say_so(member, pipeline):
    page = login(member).get(f"/pipelines/{pipeline.pk}/report/").content.decode()
    assert canvases(page) == {}
    assert "No open deals yet." in page and "No open deals with a value yet." in page
    assert "No deals won or lost in this period." in page
    data = chart_data(page)
    assert data["forecast"] == {"labels": [], "value": {}, "weighted": {}}
    assert data["win_rate"] == {"labels": [], "rate": [], "won": [], "lost": []}
