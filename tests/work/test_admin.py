"""The admin reads boards, labels and items; its close action goes through the services, so the
blocking-close rule holds there too."""

from __future__ import annotations

from tandem.work import services
from tandem.work.models import ItemState
from tests.conftest import login
from tests.work.conftest import fresh


def test_admin_close_action_obeys_the_blocking_rule(admin_user, member, make_item):
    invoice, deal = make_item("Invoice"), make_item("Deal")
    services.link_items(invoice, deal, kind="blocks", by=member)
    client = login(admin_user)
    assert client.get("/admin/work/item/").status_code == 200
    page = client.post(
        "/admin/work/item/", {"action": "close_items", "_selected_action": [deal.pk]}, follow=True
    ).content.decode()
    assert "cannot be closed" in page or "blocked by open items" in page
    assert fresh(deal).state == ItemState.OPEN
    client.post(
        "/admin/work/item/", {"action": "close_items", "_selected_action": [invoice.pk, deal.pk]}, follow=True
    )
    assert fresh(deal).state == ItemState.OPEN and fresh(invoice).state == ItemState.OPEN  # all or nothing
    client.post("/admin/work/item/", {"action": "close_items", "_selected_action": [invoice.pk]}, follow=True)
    client.post("/admin/work/item/", {"action": "close_items", "_selected_action": [deal.pk]}, follow=True)
    assert fresh(deal).state == ItemState.CLOSED


def test_the_admin_cannot_edit_items_or_boards_directly(admin_user, make_item, board):
    item = make_item("Deal")
    client = login(admin_user)
    assert client.get(f"/admin/work/item/{item.pk}/change/").status_code == 200  # read-only view
    assert client.post(f"/admin/work/item/{item.pk}/change/", {"state": "closed"}).status_code == 403
    assert client.get("/admin/work/board/add/").status_code == 403
