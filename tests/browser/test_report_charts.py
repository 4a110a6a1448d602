"""The sales report's charts in a real Chromium, for an English reader and for the demo's Persian
reader (Persian language, Solar Hijri calendar), on a laptop and on a phone: every chart is drawn
(a canvas with pixels on it), named for screen readers, and nothing breaks the
Content-Security-Policy (the `page` fixture fails the test on any violation). Screenshots go to
var/screenshots/ for people to look at."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from tandem.sales.models import Pipeline
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHARTS = ["chart-funnel-value", "chart-funnel-count", "chart-win-rate", "chart-forecast"]

# how many of a canvas's pixels are painted (not transparent)
PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  return painted;
}"""


def open_report(page: Any, base: str, email: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, base, email)
    page.goto(f"{base}/pipelines/{Pipeline.objects.get().pk}/report/")
    page.wait_for_load_state("networkidle")
    selector = ", ".join(f"#{chart}[data-drawn]" for chart in CHARTS)
    page.wait_for_function(f"document.querySelectorAll({selector!r}).length === {len(CHARTS)}")
    page.wait_for_timeout(1200)  # the bars grow in (Chart.js animates for a second)


def check_charts(page: Any, width: int) -> None:
    for chart in CHARTS:
        canvas = page.locator(f"#{chart}")
        assert canvas.get_attribute("role") == "img" and canvas.get_attribute("aria-label")
        box = canvas.bounding_box()
        assert box["width"] > 200 and box["height"] > 100, chart
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, chart  # on the screen
        assert page.evaluate(PAINTED, chart) > 500, f"{chart} is blank"
    # nothing wider than the screen: the tables scroll in their own boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [1400, 390])
def test_the_charts_draw_in_english_and_in_persian(page: Any, live_server: Any, width: int) -> None:
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    open_report(page, base, "sara@demo.example", width)
    assert page.get_attribute("html", "dir") == "ltr"
    check_charts(page, width)
    funnel = page.inner_text("#funnel")
    assert "Lead" in funnel and "Won" not in funnel  # the won deals are not in the open funnel
    assert page.inner_text("#outcomes").split("Average days to win")[1].strip() != "—"
    page.screenshot(path=str(SCREENSHOTS / f"report-en-{width}.png"), full_page=True)

    page.context.clear_cookies()
    open_report(page, base, "dariush@demo.example", width)  # Persian, Solar Hijri calendar
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "fa"
    check_charts(page, width)
    with translation.override("fa"):
        funnel_title = translation.gettext("Funnel (open deals)")
    assert funnel_title != "Funnel (open deals)" and funnel_title in page.inner_text("main")
    data = page.evaluate("JSON.parse(document.getElementById('report-charts-data').textContent)")
    assert data["rtl"] is True
    solar = (
        "فروردین",
        "اردیبهشت",
        "خرداد",
        "تیر",
        "مرداد",
        "شهریور",
        "مهر",
        "آبان",
        "آذر",
        "دی",
        "بهمن",
        "اسفند",
    )
    for label in data["forecast"]["labels"] + data["win_rate"]["labels"]:
        assert label.split()[0] in solar and label.split()[1].startswith("14"), label
    first_month = page.locator("#forecast tbody td").first.inner_text()
    assert first_month.split()[0] in solar
    # the month axis runs from the right, as the page reads
    axis = page.evaluate("Chart.getChart('chart-forecast').scales.x.options.reverse")
    assert axis is True
    page.screenshot(path=str(SCREENSHOTS / f"report-fa-{width}.png"), full_page=True)
