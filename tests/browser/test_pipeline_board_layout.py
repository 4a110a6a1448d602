"""A pipeline's board in Chromium, where a salesperson uses it: at 1400 px a pipeline of seven
stages shows every stage column and its drop zones (Won, Lost, Closed) without scrolling; a deal
dragged to the next stage gets its figures and its column totals anew without a reload, and one
dropped on Lost leaves the board for the Lost zone's count; on a phone (390 px) one column shows at
a time and the tabs switch it, in English and in Persian. Screenshots go to var/screenshots/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.contacts import services as contacts
from tandem.sales import services
from tandem.sales.models import Pipeline
from tandem.work import services as work
from tests.browser.test_board_drag_and_drop import drag
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
STAGES = ["Lead", "Qualified", "Demo", "Proposal", "Negotiation"]


@pytest.fixture
def pipeline() -> Pipeline:
    manager = User.objects.create_user(
        "mona@example.com", "tandem-demo", full_name="Mona Manager", role="manager"
    )
    sam = User.objects.create_user("sam@demo.example", "tandem-demo", full_name="Sam Okafor", role="member")
    User.objects.create_user(
        "dariush@demo.example", "tandem-demo", full_name="داریوش کریمی", role="member", language="fa"
    )
    finance = work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance"},
        stages=["to invoice"],
        scope="finance",
    )
    pipeline = services.create_pipeline(
        by=manager,
        name="Sales funnel",
        finance_board=finance,
        stages=[{"name": name, "probability": 10 * (n + 1)} for n, name in enumerate(STAGES)],
    )
    stages = list(pipeline.stages.all())
    for n, name in enumerate(["Zeta Robotics", "Acme Corp", "Globex", "Initech", "Umbrella", "Hooli"]):
        org = contacts.create_organization(by=sam, data={"name": name}, allow_duplicate=True)
        services.create_deal(
            by=sam,
            pipeline=pipeline,
            title=f"{name} - rollout",
            stage=stages[n % len(STAGES)],
            data={"value": str(1000 * (n + 1)), "organization": org, "owner": sam},
        )
    return pipeline


def shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_a_seven_stage_pipeline_fits_a_laptop_and_a_drop_refreshes_the_card(
    page: Any, live_server: Any, pipeline: Pipeline
) -> None:
    page.set_viewport_size({"width": 1400, "height": 900})
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/boards/{pipeline.board_id}/")
    page.wait_for_function("typeof Sortable !== 'undefined' && document.querySelector('[data-sortable]')")
    columns = {c.name: c for c in pipeline.board.columns.all()}
    assert page.locator(f"#column-{columns['Open'].pk}").count() == 0  # empty: left off
    for name in [*STAGES, "Won", "Lost", "Closed"]:
        box = page.locator(f"#column-{columns[name].pk}").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 1400, name
    assert page.evaluate(
        "(() => { const b = document.getElementById('board'); return b.scrollWidth <= b.clientWidth; })()"
    )
    shoot(page, "board-pipeline-en-1400")

    # Zeta Robotics (Lead, 1,000 EUR) to Qualified: its card and both headers anew, no reload
    lead, qualified = columns["Lead"].pk, columns["Qualified"].pk
    page.evaluate("window.__notReloaded = true")
    drag(page, "Zeta Robotics", qualified)
    page.wait_for_function(
        "id => document.querySelector('#column-' + id + '-header .column-count').textContent.trim() === '2'",
        arg=qualified,
    )
    assert page.evaluate("window.__notReloaded === true")
    card = page.locator(".board-card", has_text="Zeta Robotics")
    assert card.evaluate("el => el.closest('.board-column').dataset.column") == str(qualified)
    assert "1,000 EUR" in card.inner_text() and "stage::" not in card.inner_text()
    assert "3,000 EUR" in page.inner_text(f"#column-{qualified}-header")  # 1,000 + Acme's 2,000
    assert page.inner_text(f"#column-{lead}-header .column-count").strip() == "1"

    # Globex dropped on the Lost zone: it leaves the columns, the zone counts it
    drag(page, "Globex", columns["Lost"].pk)
    page.wait_for_function(
        "id => document.querySelector('#column-' + id + '-header .column-count').textContent.trim() === '1'",
        arg=columns["Lost"].pk,
    )
    assert page.locator(".board-card", has_text="Globex").count() == 0
    assert "3,000 EUR" in page.inner_text(f"#column-{columns['Lost'].pk}-header")

    # a column folds to a strip, and stays folded on the next visit
    page.locator(f"#column-{lead} .column-toggle").click()
    assert "collapsed" in (page.get_attribute(f"#column-{lead}", "class") or "")
    page.reload()
    page.wait_for_selector(f"#column-{lead}.collapsed")
    assert page.get_attribute(f"#column-{lead} .column-toggle", "aria-expanded") == "false"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_on_a_phone_the_tabs_switch_the_one_column_shown(
    page: Any, live_server: Any, pipeline: Pipeline, language: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    base = live_server.url
    log_in(page, base, "dariush@demo.example" if language == "fa" else "sam@demo.example")
    page.goto(f"{base}/boards/{pipeline.board_id}/")
    page.wait_for_selector(".board-tabs:not([hidden])")
    assert page.get_attribute("html", "lang") == language
    columns = {c.name: c for c in pipeline.board.columns.all()}

    def shown() -> list[str]:
        return page.evaluate(
            "Array.from(document.querySelectorAll('.board-column')).filter(s => s.offsetParent !== null)"
            ".map(s => s.dataset.column)"
        )

    assert shown() == [str(columns["Lead"].pk)]
    lead_box = page.locator(f"#column-{columns['Lead'].pk}").bounding_box()
    assert lead_box["width"] > 300  # the whole width, not a sliver
    shoot(page, f"board-pipeline-{language}-phone")
    tab = page.locator(f"#column-{columns['Proposal'].pk}-tab")
    tab.click()
    assert shown() == [str(columns["Proposal"].pk)]
    assert tab.get_attribute("aria-selected") == "true"
    assert page.get_attribute(f"#column-{columns['Lead'].pk}-tab", "aria-selected") == "false"
    assert "Initech" in page.inner_text(f"#column-{columns['Proposal'].pk}")
    # from the keyboard: the arrow keys walk the tabs (in reading order, right to left in Persian)
    tab.focus()
    page.keyboard.press("ArrowLeft" if language == "fa" else "ArrowRight")
    assert shown() == [str(columns["Negotiation"].pk)]
    # the zones stay in reach under the column
    zone = page.locator(f"#column-{columns['Won'].pk}").bounding_box()
    assert zone is not None and zone["x"] >= 0 and zone["x"] + zone["width"] <= 390
