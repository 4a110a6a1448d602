"""An item cannot be closed while an item that blocks it is open — through every service path.
(The API, admin and browser paths have their own tests.)"""

from __future__ import annotations

import pytest

from tandem.work import services
from tandem.work.models import ItemState
from tandem.work.services import Blocked
from tests.work.conftest import fresh


@pytest.fixture
def blocked_pair(member, make_item):
    invoice = make_item("Invoice for Acme")
    deal = make_item("Acme deal")
    services.link_items(invoice, deal, kind="blocks", by=member)
    return invoice, deal


def test_close_is_refused_and_names_the_blocker(member, blocked_pair):
    invoice, deal = blocked_pair
    with pytest.raises(Blocked) as refused:
        services.close_item(deal, by=member)
    assert f"#{invoice.pk} Invoice for Acme" in refused.value.message
    assert refused.value.extra["blocking"] == [
        {
            "id": invoice.pk,
            "reference": f"#{invoice.pk}",
            "title": "Invoice for Acme",
            "url": f"/items/{invoice.pk}/",
        }
    ]
    assert fresh(deal).state == ItemState.OPEN


def test_drag_to_closed_is_refused_and_nothing_changes(member, blocked_pair, column, label):
    _invoice, deal = blocked_pair
    services.add_label(deal, label("sales::proposal"), by=member)
    before = fresh(deal)
    with pytest.raises(Blocked):
        services.move_item(deal, by=member, column=column("Closed"))
    after = fresh(deal)
    assert (after.state, after.column, after.rank, after.version) == (
        ItemState.OPEN,
        column("proposal"),
        before.rank,
        before.version,
    )


def test_bulk_close_refuses_the_whole_batch(member, blocked_pair, make_item):
    _invoice, deal = blocked_pair
    free = make_item("Unrelated")
    with pytest.raises(Blocked) as refused:
        services.bulk_update([free, deal], by=member, action="close")
    assert f"#{deal.pk}" in refused.value.message
    assert fresh(free).state == ItemState.OPEN  # all or nothing


def test_closing_the_blocker_unblocks(member, blocked_pair):
    invoice, deal = blocked_pair
    services.close_item(invoice, by=member)
    services.close_item(deal, by=member)
    assert fresh(deal).state == ItemState.CLOSED


def test_reopening_a_blocker_does_not_reopen_what_it_unblocked(member, blocked_pair):
    invoice, deal = blocked_pair
    services.close_item(invoice, by=member)
    services.close_item(deal, by=member)
    services.reopen_item(invoice, by=member)
    assert fresh(deal).state == ItemState.CLOSED
    assert fresh(invoice).state == ItemState.OPEN


def test_every_open_blocker_is_named(member, blocked_pair, make_item):
    invoice, deal = blocked_pair
    contract = make_item("Signed contract")
    services.link_items(contract, deal, kind="blocks", by=member)
    with pytest.raises(Blocked) as refused:
        services.close_item(deal, by=member)
    assert [b["id"] for b in refused.value.extra["blocking"]] == [invoice.pk, contract.pk]


def test_a_closed_blocker_and_a_relation_do_not_block(member, make_item):
    done, related, item = make_item("done"), make_item("related"), make_item("item")
    services.close_item(done, by=member)
    services.link_items(done, item, kind="blocks", by=member)
    services.link_items(related, item, kind="relates_to", by=member)
    services.close_item(item, by=member)
    assert fresh(item).state == ItemState.CLOSED


def test_blocks_across_boards(manager, member, blocked_pair, make_item):
    finance = services.create_board(by=manager, data={"name": "Finance"})
    ticket = make_item("Finance ticket", board=finance)
    _invoice, deal = blocked_pair
    services.link_items(ticket, deal, kind="blocks", by=member)
    with pytest.raises(Blocked) as refused:
        services.close_item(deal, by=member)
    assert ticket.pk in [b["id"] for b in refused.value.extra["blocking"]]
