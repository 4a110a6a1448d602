"""The rituals in a real Chromium, on the demo company: the finance run's quick actions (a close
that holds, a blocked close refused with its message, no reload) and the board meeting's minutes
typed, previewed and converted into prefixed items, and converting again making nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tandem.accounts.models import User
from tandem.rituals.models import Ritual, RitualKind
from tandem.work.models import Item, ItemState
from tests.browser.test_accessibility import violations
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_finance_run_quick_actions(page: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    ritual = Ritual.objects.get(kind=RitualKind.FINANCE_RUN)
    free = Item.objects.get(title="Book the Q3 bank charges")
    blocked = Item.objects.get(title="Send the payment reminder to Tailspin Toys")
    log_in(page, live_server.url, "fiona@demo.example")
    page.goto(f"{live_server.url}/rituals/{ritual.pk}/")
    assert page.locator(".review-row").first.get_attribute("id") == f"review-row-{free.pk}"  # oldest first
    assert "blocked by" in page.locator(f"#review-row-{blocked.pk}").inner_text()
    assert not violations(page)
    # a blocked close is refused with the rule's message, in the row, and the row stays
    page.locator(f"#review-row-{blocked.pk} .review-close button").click()
    alert = page.locator(f"#review-row-{blocked.pk} .review-error")
    alert.wait_for()
    assert "cannot be closed" in alert.inner_text()
    blocked.refresh_from_db()
    assert blocked.state == ItemState.OPEN
    # a free item closes and leaves the review, with a toast
    page.locator(f"#review-row-{free.pk} .review-close button").click()
    page.locator(f"#review-row-{free.pk}").wait_for(state="detached")
    page.locator(".toast-body", has_text="closed").first.wait_for()
    free.refresh_from_db()
    assert free.state == ItemState.CLOSED


def test_board_meeting_conversion(page: Any, live_server: Any) -> None:
    call_command("seed_demo", stdout=StringIO())
    ritual = Ritual.objects.get(kind=RitualKind.BOARD_MEETING)
    sara = User.objects.get(email="sara@demo.example")
    before = Item.objects.filter(board=ritual.board).count()
    log_in(page, live_server.url, "admin@demo.example")
    page.goto(f"{live_server.url}/rituals/{ritual.pk}/")
    assert not violations(page)
    text = page.locator("textarea[name=text]")
    text.fill(
        text.input_value()
        + f"\n- [ ] Book the venue for the summer party @{sara.handle} due 2027-03-01\n- [ ] Mystery task @nobody due 2027-03-01\n"
    )
    page.click("#preview-button")
    preview = page.locator("#action-preview")
    preview.locator(".action-plan.is-wrong").wait_for()
    assert "@nobody" in preview.inner_text()
    assert "Tandem Demo Board Meeting action: Book the venue for the summer party" in preview.inner_text()
    # a bad line: nothing converted, the line named
    page.click("button[name=convert]")
    page.locator(".alert-danger", has_text="Line").wait_for()
    assert Item.objects.filter(board=ritual.board).count() == before
    text = page.locator("textarea[name=text]")
    text.fill(text.input_value().replace("- [ ] Mystery task @nobody due 2027-03-01\n", ""))
    page.click("button[name=convert]")
    page.locator(".toast-body", has_text="items created").first.wait_for()
    created = Item.objects.filter(board=ritual.board).count() - before
    assert created == 4  # the three waiting in the demo's minutes and the one typed
    venue = Item.objects.get(title="Tandem Demo Board Meeting action: Book the venue for the summer party")
    assert list(venue.assignees.all()) == [sara]
    assert f"(#{venue.pk})" in page.locator("textarea[name=text]").input_value()
    assert page.locator(".converted-items", has_text="Book the venue").count() == 1
    # converting again creates nothing
    page.click("button[name=convert]")
    page.locator(".toast-body", has_text="Nothing new to convert").first.wait_for()
    assert Item.objects.filter(board=ritual.board).count() - before == 4
