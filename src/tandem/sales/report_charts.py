"""The report page's charts: the figures of tandem.sales.reports as the data its script draws
(`sales/report-charts.js` reads them from a `json_script` element, since the page runs no inline
script), with the labels translated, the months named in the reader's calendar, the numbers as
the rest of the page writes them, and a summary of each chart for screen readers (the tables
beside the charts hold the same figures).

Money is sent as decimal strings, exact as the tables show it; the script turns it into numbers
only to draw. Months without figures in between are filled in, so a chart's time runs evenly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _

from tandem.core import calendars
from tandem.sales.reports import ForecastRow, FunnelRow, MonthOutcomes


def month_label(month: date) -> str:
    """A month as the page names it: the language's YEAR_MONTH_FORMAT in the reader's calendar."""
    return calendars.format_date(month, str(formats.get_format("YEAR_MONTH_FORMAT")))


def _number(value: Decimal | int, decimals: int = 0) -> str:
    return str(formats.number_format(value, decimals, use_l10n=True, force_grouping=True))


def _money(value: Decimal, currency: str) -> str:
    return f"{_number(value, 2)} {currency}"


def _months(first: date, last: date, calendar: str) -> list[date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = calendars.next_month(month, calendar)
    return months


@dataclass
class Chart:
    """One chart: its id (the canvas), what its canvas says to a screen reader, and whether it has
    anything to draw (else the page says so instead)."""

    id: str
    summary: str
    empty: bool


def _summary(title: str, parts: list[str]) -> str:
    return f"{title}: {'; '.join(parts)}." if parts else title


def funnel_chart(rows: list[FunnelRow]) -> dict[str, Any]:
    currencies = sorted({currency for row in rows for currency in row.value})
    return {
        "labels": [row.stage for row in rows],
        "count": [row.count for row in rows],
        "value": {c: [str(row.value.get(c, Decimal(0))) for row in rows] for c in currencies},
        "weighted": {c: [str(row.weighted.get(c, Decimal(0))) for row in rows] for c in currencies},
    }


def forecast_chart(rows: list[ForecastRow], calendar: str) -> dict[str, Any]:
    if not rows:
        return {"labels": [], "value": {}, "weighted": {}}
    months = _months(min(r.month for r in rows), max(r.month for r in rows), calendar)
    currencies = sorted({row.currency for row in rows})
    figures = {(row.month, row.currency): row for row in rows}

    def column(currency: str, what: str) -> list[str]:
        return [
            str(getattr(figures[(m, currency)], what)) if (m, currency) in figures else "0.00" for m in months
        ]

    return {
        "labels": [month_label(m) for m in months],
        "value": {c: column(c, "value") for c in currencies},
        "weighted": {c: column(c, "weighted") for c in currencies},
    }


def win_rate_chart(months: list[MonthOutcomes]) -> dict[str, Any]:
    return {
        "labels": [month_label(m.month) for m in months],
        "rate": [str(m.win_rate) if m.win_rate is not None else None for m in months],
        "won": [m.won for m in months],
        "lost": [m.lost for m in months],
    }


def charts(
    funnel: list[FunnelRow], forecast: list[ForecastRow], months: list[MonthOutcomes], *, calendar: str
) -> tuple[dict[str, Any], dict[str, Chart]]:
    """The data the script draws (for `json_script`) and each chart's summary."""
    data = {
        "rtl": translation.get_language_bidi(),
        "numbers": {
            "decimal": str(formats.get_format("DECIMAL_SEPARATOR")),
            "thousands": str(formats.get_format("THOUSAND_SEPARATOR")),
            "grouping": int(formats.get_format("NUMBER_GROUPING") or 3),
        },
        "text": {
            "deals": _("Deals"),
            "value": _("Value"),
            "weighted": _("Weighted"),
            "win_rate": _("Win rate"),
            "won": _("Won"),
            "lost": _("Lost"),
        },
        "funnel": funnel_chart(funnel),
        "forecast": forecast_chart(forecast, calendar),
        "win_rate": win_rate_chart(months),
    }
    deals = [row for row in funnel if row.count]
    decided = [m for m in months if m.won or m.lost]
    summaries = {
        "funnel_count": Chart(
            "chart-funnel-count",
            _summary(
                _("Open deals per stage, by count"), [f"{row.stage} {_number(row.count)}" for row in funnel]
            ),
            empty=not deals,
        ),
        "funnel_value": Chart(
            "chart-funnel-value",
            _summary(
                _("Open deals per stage, by value"),
                [
                    f"{row.stage} {', '.join(_money(v, c) for c, v in sorted(row.value.items()))}"
                    for row in deals
                ],
            ),
            empty=not any(row.value for row in funnel),
        ),
        "forecast": Chart(
            "chart-forecast",
            _summary(
                _("Weighted value by month of expected close"),
                [f"{month_label(row.month)} {_money(row.weighted, row.currency)}" for row in forecast],
            ),
            empty=not forecast,
        ),
        "win_rate": Chart(
            "chart-win-rate",
            _summary(
                _("Win rate by month"),
                [
                    f"{month_label(m.month)} {_number(m.win_rate, 2)} %"
                    for m in decided
                    if m.win_rate is not None
                ],
            ),
            empty=not decided,
        ),
    }
    return data, summaries
