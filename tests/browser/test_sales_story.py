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
from tests.conftest import join_team_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(settings, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = tmp_path
    manager = User.objects.create_user(
        "mona@example.com", "tandem-demo", full_name="Mona Manager", role="manager"
    )
    User.objects.create_user("sam@demo.example", "tandem-demo", full_name="Sam Okafor", role="member")
    fiona = User.objects.create_user(
        "fiona@demo.example", "tandem-demo", full_name="Fiona Walsh", role="member"
    )
    finance = work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance"},
        stages=["to invoice"],
        scope="finance",
    )
    join_team_of(fiona, finance)
    work.update_board(finance, by=manager, version=None, data={"default_assignee": fiona})
    return services.create_pipeline(
        by=manager,
        name="New business",
        finance_board=finance,
        stages=[
            {"name": "Lead", "probability": 10},
            {"name": "Proposal", "probability": 40, "required_document": "proposal"},
            {"name": "Negotiation", "probability": 70},
        ],
    )


def test_the_sales_story(browser: Any, page: Any, live_server: Any, pipeline: Any, tmp_path: Path) -> None:
    base = live_server.url
    log_in(page, base)

    # a lead, qualified into the pipeline
    page.goto(f"{base}/leads/new/")
    page.fill("input[name=name]", "Ann Lee")
    page.fill("input[name=company]", "Zeta Robotics")
    page.fill("input[name=email]", "ann@zeta.example")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/leads/\d+/$"))
    # the only pipeline is chosen already; the deal's figures are asked for here
    assert page.locator("select[name=pipeline]").input_value() == str(pipeline.pk)
    page.fill("input[name=value]", "24000")
    page.fill("input[name=expected_close]", "2027-03-31")
    page.click("button[value=qualify]")
    page.wait_for_url(re.compile(r"/items/\d+/$"))
    deal = Deal.objects.get()
    assert "Zeta Robotics" in page.inner_text("h1")
    assert "24,000.00" in page.inner_text("#item-header") and str(deal.expected_close) == "2027-03-31"

    # the board: skipping Proposal is refused, since its gate needs a proposal
    columns = {c.name: c for c in pipeline.board.columns.all()}
    page.goto(f"{base}/boards/{pipeline.board_id}/")
    page.wait_for_function("typeof Sortable !== 'undefined' && document.querySelector('[data-sortable]')")
    assert "24,000" in page.locator(".board-card", has_text="Zeta Robotics").inner_text()
    drag(page, "Zeta Robotics", columns["Negotiation"].pk)
    alert = page.locator("#board-alert .alert-danger")
    alert.wait_for()
    assert "Proposal" in alert.inner_text()
    assert column_of(page, "Zeta Robotics") == str(columns["Lead"].pk)
    assert Deal.objects.get(pk=deal.pk).stage.name == "Lead"

    # the deal's checklist names the missing proposal and takes it right there
    proposal = tmp_path / "proposal.pdf"
    proposal.write_bytes(b"%PDF-1.4 our offer")
    page.goto(f"{base}/items/{deal.pk}/")
    gate = page.locator("#deal-gates form", has=page.locator("input[name=kind][value=proposal]")).first
    gate.locator("input[type=file]").set_input_files(str(proposal))
    gate.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "proposal.pdf" in page.inner_text("#files")
    page.goto(f"{base}/boards/{pipeline.board_id}/")
    page.wait_for_function("typeof Sortable !== 'undefined' && document.querySelector('[data-sortable]')")
    drag(page, "Zeta Robotics", columns["Negotiation"].pk)
    page.wait_for_timeout(500)
    assert Deal.objects.get(pk=deal.pk).stage.name == "Negotiation"

    # Won is refused without a signed contract: the card goes back, the message says why
    drag(page, "Zeta Robotics", columns["Won"].pk)
    alert = page.locator("#board-alert .alert-danger")
    alert.wait_for()
    assert "signed contract" in alert.inner_text()
    assert column_of(page, "Zeta Robotics") == str(columns["Negotiation"].pk)

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

    # finance hears of it: the ticket is assigned to the finance board's default assignee, whose
    # inbox names it, on the finance board's first working column, with the amount formatted
    fiona_context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        fiona = fiona_context.new_page()
        log_in(fiona, base, "fiona@demo.example")
        fiona.goto(f"{base}/notifications/")
        assert f"#{ticket.pk}" in fiona.inner_text("main")
        fiona.goto(f"{base}/items/{ticket.pk}/")
        ticket_page = fiona.inner_text("main")
        assert "24,000.00 EUR" in ticket_page and "Zeta Robotics" in ticket_page
        assert "to invoice" in fiona.inner_text("#item-side")
        fiona.goto(f"{base}/boards/{ticket.board_id}/")
        assert fiona.locator(".board-card", has_text=ticket.title).count() == 1
    finally:
        fiona_context.close()
    page.goto(f"{base}/items/{deal.pk}/")
    assert f"Waiting for invoice #{ticket.pk}" in page.inner_text("#waiting-note")
    page.click("form[action$='/close/'] button")
    page.wait_for_load_state("load")
    assert "cannot be closed" in page.inner_text("main")
    assert Deal.objects.get(pk=deal.pk).item.state == ItemState.OPEN

    # the ticket is closed (from its page); the deal closes itself
    page.goto(f"{base}/items/{ticket.pk}/")
    page.click("form[action$='/close/'] button")
    page.wait_for_load_state("load")
    page.goto(f"{base}/items/{deal.pk}/")
    assert page.inner_text("#item-state") == "Closed"
    assert Deal.objects.get(pk=deal.pk).item.state == ItemState.CLOSED
