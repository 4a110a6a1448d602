"""Two people in two browsers: Ana assigns an item to Ben; Ben's open board shows him on the card and
his open inbox lists it, both without a reload, and his unread count in the top bar goes up."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.work import services
from tests.browser.conftest import pick
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_assignment_reaches_the_other_persons_board_and_inbox(browser: Any, live_server: Any) -> None:
    ana = User.objects.create_user("ana@demo.example", "tandem-demo", full_name="Ana Actor", role="manager")
    User.objects.create_user("ben@demo.example", "tandem-demo", full_name="Ben Bauer", role="member")
    board = services.create_board(by=ana, data={"name": "Support"})
    item = services.create_item(by=ana, board=board, data={"title": "Printer on fire"})
    base = live_server.url

    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in range(2)]
    try:
        for context in contexts:
            context.set_default_timeout(15_000)
        ben_board, ben_inbox = contexts[1].new_page(), contexts[1].new_page()
        log_in(ben_board, base, "ben@demo.example")
        ben_board.goto(f"{base}/boards/{board.pk}/")
        ben_inbox.goto(f"{base}/notifications/")
        card = ben_board.locator(".board-card", has_text="Printer on fire")
        assert card.locator(".avatar").count() == 0
        assert ben_inbox.locator("#inbox").count() == 0
        badge = ben_board.locator("#unread-count")
        badge.wait_for(state="attached")
        ben_board.wait_for_function("() => document.querySelector('#unread-count').dataset.count === '0'")
        ben_board.evaluate("() => { window.notReloaded = true }")
        ben_inbox.evaluate("() => { window.notReloaded = true }")

        ana_page = contexts[0].new_page()
        log_in(ana_page, base, "ana@demo.example")
        ana_page.goto(f"{base}/items/{item.pk}/edit/")
        pick(ana_page, "assignees", "Ben", "Ben Bauer")
        ana_page.click("main form button[type=submit]")
        ana_page.wait_for_url(f"{base}/items/{item.pk}/")

        # within a couple of seconds, on Ben's side, without a reload
        card.locator(".avatar[title='Ben Bauer']").wait_for(timeout=10_000)
        ben_board.wait_for_function("() => document.querySelector('#unread-count').dataset.count === '1'")
        assert not badge.get_attribute("class").count("d-none")
        assert badge.inner_text() == "1"
        ben_inbox.locator("#inbox .notification.unread", has_text="Printer on fire").wait_for(timeout=10_000)
        assert "Ana Actor" in ben_inbox.locator("#inbox").inner_text()
        assert ben_board.evaluate("() => window.notReloaded") is True
        assert ben_inbox.evaluate("() => window.notReloaded") is True
    finally:
        for context in contexts:
            context.close()
