"""On a real board in Chromium: drag a card to another column and find it there after a reload;
drag a blocked deal to Closed and watch it go back, with the message naming the blocker; move a
card with the keyboard-reachable "Move to" menu."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.work import services
from tandem.work.models import Board, ColumnKind, Item, ItemState
from tests.browser.test_customer_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def column_of(page: Any, title: str) -> str:
    card = page.locator(".board-card", has_text=title)
    return card.evaluate("el => el.closest('.board-column').dataset.column")


def drag(page: Any, title: str, column_id: int) -> None:
    card = page.locator(".board-card", has_text=title).locator(".card-body")
    target = page.locator(f".board-column-cards[data-column='{column_id}']")
    box, goal = card.bounding_box(), target.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] - 6)
    page.mouse.down()
    # in small steps, as a hand would: SortableJS follows pointer moves
    page.mouse.move(box["x"] + 30, box["y"] + box["height"], steps=5)
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 30, steps=20)
    page.wait_for_timeout(250)  # SortableJS settles the card in its new list on the next frames
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 34, steps=5)
    page.wait_for_timeout(250)
    page.mouse.up()


@pytest.fixture
def board_with_cards() -> dict[str, Any]:
    manager = User.objects.create_user(
        "mona@example.com", "tandem-demo", full_name="Mona Manager", role="manager"
    )
    member = User.objects.create_user(
        "sam@demo.example", "tandem-demo", full_name="Sam Okafor", role="member"
    )
    board = services.create_board_with_stages(
        by=manager, data={"name": "Sales funnel"}, stages=["lead", "qualified"], scope="sales"
    )
    deal = services.create_item(by=member, board=board, data={"title": "Acme deal"})
    invoice = services.create_item(by=member, board=board, data={"title": "Acme invoice"})
    services.link_items(invoice, deal, kind="blocks", by=member)
    loose = services.create_item(by=member, board=board, data={"title": "Globex deal"})
    columns = {c.name: c for c in board.columns.all()}
    return {"board": board, "deal": deal, "invoice": invoice, "loose": loose, "columns": columns}


def test_drag_persists_and_a_blocked_close_bounces_back(
    page: Any, live_server: Any, board_with_cards
) -> None:
    board: Board = board_with_cards["board"]
    columns = board_with_cards["columns"]
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/boards/{board.pk}/")
    page.wait_for_function("typeof Sortable !== 'undefined' && document.querySelector('[data-sortable]')")

    # 1. Globex deal: Open -> qualified, and still there after a reload
    drag(page, "Globex deal", columns["qualified"].pk)
    page.wait_for_function(
        "id => Array.from(document.querySelectorAll('.board-column-cards[data-column=\"' + id + '\"] .board-card')).some(c => c.textContent.includes('Globex deal'))",
        arg=columns["qualified"].pk,
    )
    page.wait_for_timeout(500)  # the POST
    loose = Item.objects.get(pk=board_with_cards["loose"].pk)
    assert loose.column_id == columns["qualified"].pk
    assert list(loose.labels.values_list("name", flat=True)) == ["sales::qualified"]
    page.reload()
    assert column_of(page, "Globex deal") == str(columns["qualified"].pk)

    # 2. Acme deal is blocked by the open invoice: dropping it on Closed is refused
    drag(page, "Acme deal", columns["Closed"].pk)
    alert = page.locator("#board-alert .alert-danger")
    alert.wait_for()
    invoice = board_with_cards["invoice"]
    assert "Acme invoice" in alert.inner_text()
    assert alert.locator(f"a[href='/items/{invoice.pk}/']").count() == 1
    assert column_of(page, "Acme deal") == str(columns["Open"].pk)  # back where it came from
    assert Item.objects.get(pk=board_with_cards["deal"].pk).state == ItemState.OPEN
    page.reload()
    assert column_of(page, "Acme deal") == str(columns["Open"].pk)


def test_move_with_the_menu(page: Any, live_server: Any, board_with_cards) -> None:
    board: Board = board_with_cards["board"]
    lead = board.columns.get(kind=ColumnKind.LABEL, name="lead")
    base = live_server.url
    log_in(page, base)
    page.goto(f"{base}/boards/{board.pk}/")
    card = page.locator(".board-card", has_text="Globex deal")
    # from the keyboard: focus the card's "Move to" control, open it, choose, confirm
    card.locator(".move-link").focus()
    page.keyboard.press("Enter")
    menu = card.locator("select[name=column]")
    menu.wait_for()
    menu.select_option(str(lead.pk))
    card.locator("form.move-menu button[type=submit]").click()
    page.wait_for_url(f"{base}/boards/{board.pk}/*")
    assert column_of(page, "Globex deal") == str(lead.pk)
