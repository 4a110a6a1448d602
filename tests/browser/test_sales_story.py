"""Story S1 in a real Chromium: a salesperson adds a lead and qualifies it, moves the deal through
the stages on the pipeline's board, cannot win it without a signed contract (the card bounces back
with the message), attaches the contract in the deal's Files card and wins it (confirmed in a dialog), finds the finance ticket on the Finance board
and the deal calmly waiting for it, cannot close the deal, and sees it close itself once finance
has closed the ticket."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.sales import services
from tandem.sales.models import Deal, StageKind
from tandem.work import services as work
from tandem.work.models import ItemState
from tests.browser.test_board_drag_and_drop import column_of, drag
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(settings, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path
    manager = User.objects.create_user(
        "mona@example.com", "tandem-demo", full_name="Mona Manager", role="manager"
    )
    User.objects.create_user("sam@demo.example", "tandem-demo", full_name="Sam Okafor", role="member")
    finance = work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance"},
        stages=["to invoice"],
        scope="finance",
    )
    return services.create_pipeline(
        by=manager,
        name="New business",
        finance_board=finance,
        stages=[{"name": "Lead", "probability": 10}, {"name": "Proposal", "probability": 60}],
    )


def test_the_sales_story(page: Any, live_server: Any, pipeline: Any, tmp_path: Path) -> None:
    base = live_server.url
    log_in(page, base)

    # a lead, qualified into the pipeline
    page.goto(f"{base}/leads/new/")
    page.fill("input[name=name]", "Ann Lee")
    page.fill("input[name=company]", "Zeta Robotics")
    page.fill("input[name=email]", "ann@zeta.example")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    page.select_option("select[name=pipeline]", str(pipeline.pk))
    page.click("button[value=qualify]")
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    deal = Deal.objects.get()
    assert "Zeta Robotics" in page.inner_text("h1")

    # through the stages on the board
    columns = {c.name: c for c in pipeline.board.columns.all()}
    page.goto(f"{base}/boards/{pipeline.board_id}/")
    page.wait_for_function("typeof Sortable !== 'undefined' && document.querySelector('[data-sortable]')")
    drag(page, "Zeta Robotics", columns["Proposal"].pk)
    page.wait_for_timeout(500)
    assert Deal.objects.get(pk=deal.pk).stage.name == "Proposal"

    # Won is refused without a signed contract: the card goes back, the message says why
    drag(page, "Zeta Robotics", columns["Won"].pk)
    alert = page.locator("#board-alert .alert-danger")
    alert.wait_for()
    assert "signed contract" in alert.inner_text()
    assert column_of(page, "Zeta Robotics") == str(columns["Proposal"].pk)

    # attach the contract on the deal's page, then win
    contract = tmp_path / "signed-contract.pdf"
    contract.write_bytes(b"%PDF-1.4 signed by both parties")
    page.goto(f"{base}/items/{deal.pk}/")
    page.select_option("#deal-upload select[name=kind]", "signed_contract")  # no kind is taken for granted
    page.set_input_files("#deal-upload input[type=file]", str(contract))
    page.click("#deal-upload button[type=submit]")
    page.wait_for_load_state("load")
    assert "signed-contract.pdf" in page.inner_text("#files")  # the item's one Files card
    page.click("#deal-outcome >> text=Won")  # asks first, in a dialog
    page.locator("#deal-win-dialog").wait_for(state="visible")
    page.click("#deal-win-dialog >> text=Mark as won")
    page.wait_for_load_state("load")
    won = Deal.objects.get(pk=deal.pk)
    assert won.stage.kind == StageKind.WON
    ticket = won.invoices.get().item

    # the finance ticket is on the Finance board and blocks the deal
    page.goto(f"{base}/boards/{ticket.board_id}/")
    assert page.locator(".board-card", has_text=ticket.title).count() == 1
    page.goto(f"{base}/items/{deal.pk}/")
    assert f"Waiting for invoice #{ticket.pk}" in page.inner_text("#waiting-note")
    page.click("form[action$='/close/'] button")
    page.wait_for_load_state("load")
    assert "cannot be closed" in page.inner_text("main")
    assert Deal.objects.get(pk=deal.pk).item.state == ItemState.OPEN

    # finance closes the ticket; the deal closes itself
    page.goto(f"{base}/items/{ticket.pk}/")
    page.click("form[action$='/close/'] button")
    page.wait_for_load_state("load")
    page.goto(f"{base}/items/{deal.pk}/")
    assert page.inner_text("#item-state") == "Closed"
    assert Deal.objects.get(pk=deal.pk).item.state == ItemState.CLOSED
