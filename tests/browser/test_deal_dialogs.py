"""On a deal's page in a real Chromium, under the Content-Security-Policy: Lost opens its dialog
from the keyboard, the dialog will not send without a reason, and with one the deal is lost; Won
asks before it wins. Bootstrap's own data attributes open the dialogs: the page has no script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.sales import services
from tandem.sales.models import Deal, StageKind
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def deal(settings, tmp_path: Path) -> Deal:
    settings.MEDIA_ROOT = tmp_path
    sam = User.objects.create_user("sam@demo.example", "tandem-demo", full_name="Sam Okafor", role="member")
    mona = User.objects.create_user(
        "mona@example.com", "tandem-demo", full_name="Mona Manager", role="manager"
    )
    pipeline = services.create_pipeline(
        by=mona, name="New business", stages=[{"name": "Lead", "probability": 10}]
    )
    return services.create_deal(by=sam, pipeline=pipeline, title="Zeta pilot", data={"value": "24000"})


def test_lost_asks_why_in_a_dialog(page: Any, live_server: Any, deal: Deal) -> None:
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/items/{deal.pk}/")
    assert "24,000.00 EUR" in page.inner_text("#deal-header")
    page.focus("#deal-outcome >> text=Lost")
    page.keyboard.press("Enter")
    dialog = page.locator("#deal-lose-dialog")
    dialog.wait_for(state="visible")
    page.locator("#deal-lose-reason").wait_for(state="visible")
    page.click("#deal-lose-dialog >> text=Mark as lost")  # no reason: the browser keeps the dialog open
    page.wait_for_timeout(300)
    assert dialog.is_visible() and Deal.objects.get(pk=deal.pk).stage.kind == StageKind.OPEN
    page.fill("#deal-lose-reason", "Went with a rival")
    page.click("#deal-lose-dialog >> text=Mark as lost")
    page.wait_for_load_state("load")
    assert "Deal marked as lost." in page.inner_text("#toasts")
    lost = Deal.objects.get(pk=deal.pk)
    assert (lost.stage.kind, lost.lost_reason) == (StageKind.LOST, "Went with a rival")


def test_won_asks_first_and_cancel_changes_nothing(page: Any, live_server: Any, deal: Deal) -> None:
    log_in(page, live_server.url)
    page.goto(f"{live_server.url}/items/{deal.pk}/")
    page.click("#deal-outcome >> text=Won")
    dialog = page.locator("#deal-win-dialog")
    dialog.wait_for(state="visible")
    page.click("#deal-win-dialog >> text=Cancel")
    dialog.wait_for(state="hidden")
    assert Deal.objects.get(pk=deal.pk).stage.kind == StageKind.OPEN
