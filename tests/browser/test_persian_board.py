"""A Persian user on a real board in Chromium: the page runs right to left, its words are Persian,
what people wrote in English keeps its own direction, and a refused drag says why in Persian."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from tandem.accounts.models import User
from tandem.work import services
from tests.browser.test_board_drag_and_drop import drag
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_persian_board_runs_right_to_left_and_refuses_in_persian(page: Any, live_server: Any) -> None:
    manager = User.objects.create_user(
        "mona@example.com", "tandem-demo", full_name="Mona Manager", role="manager"
    )
    User.objects.create_user(
        "sam@demo.example", "tandem-demo", full_name="سام اکبری", role="member", language="fa"
    )
    board = services.create_board(
        by=manager, data={"name": "Finance", "description": "Invoices to send and payments to chase."}
    )
    deal = services.create_item(by=manager, board=board, data={"title": "Acme deal"})
    invoice = services.create_item(by=manager, board=board, data={"title": "صورت‌حساب Acme"})
    services.link_items(invoice, deal, kind="blocks", by=manager)
    closed = board.columns.get(kind="closed")

    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/boards/{board.pk}/")
    page.wait_for_function("typeof Sortable !== 'undefined' && document.querySelector('[data-sortable]')")
    assert page.get_attribute("html", "dir") == "rtl" and page.get_attribute("html", "lang") == "fa"
    with translation.override("fa"):
        boards, new_item = translation.gettext("Boards"), translation.gettext("New item")
    assert boards != "Boards" and boards in page.inner_text("nav")
    assert new_item in page.inner_text("main")

    # right to left: the sidebar, its brand and its menu sit at the right, the board left of them
    brand = page.locator("#sidebar .navbar-brand").bounding_box()
    first = page.locator("#sidebar .nav-link").first.bounding_box()
    board_box = page.locator("main").bounding_box()
    assert brand["x"] > 640 and first["x"] > 640 and first["y"] > brand["y"]
    assert board_box["x"] + board_box["width"] <= first["x"] + 1

    # the English description keeps its full stop at its end, to the right of the words
    description = page.locator(".user-text", has_text="Invoices to send")
    assert description.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    assert description.evaluate(
        "el => { const r = document.createRange(); const t = el.firstChild;"
        " r.setStart(t, t.length - 1); r.setEnd(t, t.length); const stop = r.getBoundingClientRect();"
        " r.setStart(t, 0); r.setEnd(t, 1); return stop.left > r.getBoundingClientRect().left; }"
    )

    drag(page, "Acme deal", closed.pk)
    alert = page.locator("#board-alert .alert-danger")
    alert.wait_for()
    with translation.override("fa"):
        blocked = translation.ngettext(
            "This item cannot be closed while %(refs)s is open: it blocks this item.",
            "This item cannot be closed while these items are open: %(refs)s. They block this item.",
            1,
        )
    assert blocked.partition("%(refs)s")[0].strip() in alert.inner_text()
    assert "cannot be closed" not in alert.inner_text()
