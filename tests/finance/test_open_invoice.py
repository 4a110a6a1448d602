"""Finance's one write: a ticket on the finance board with its invoice, optionally blocking a won
deal's item; all or nothing, and read in the admin without a way to change it there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from tandem.activity.models import HistoryEntry
from tandem.core.errors import NotFound
from tandem.finance import queries, services
from tandem.finance.models import Invoice
from tandem.work import services as work
from tandem.work.models import Item, ItemLink, ItemType
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_an_invoice_opens_a_ticket_that_blocks_the_deal(manager, member, finance_board, make_org):
    customer = make_org("Acme Corp")
    deal = work.create_item(by=manager, board=finance_board, data={"title": "Acme renewal"})
    invoice = services.open_invoice(
        by=member,
        board=finance_board,
        title="Invoice Acme renewal",
        description="",
        amount=Decimal("1200.00"),
        currency="EUR",
        customer=customer,
        blocks=deal,
    )
    ticket = invoice.item
    assert ticket.type == ItemType.FINANCE and ticket.board == finance_board
    assert invoice.due_date == ticket.due_date > timezone.localdate()
    assert (invoice.amount, invoice.customer) == (Decimal("1200.00"), customer)
    assert ItemLink.objects.filter(source=ticket, target=deal, kind="blocks").exists()
    assert HistoryEntry.objects.filter(target_type="item", target_id=ticket.pk, verb="created").exists()
    assert queries.default_board() == finance_board


def test_a_failing_link_leaves_no_ticket_and_no_invoice(manager, member, finance_board):
    tickets_before = Item.objects.count()
    deal = work.create_item(by=manager, board=finance_board, data={"title": "Deal"})
    deal.pk = 10**9  # an item that is not there: the link is refused after the ticket was made
    with pytest.raises(NotFound):
        services.open_invoice(
            by=member,
            board=finance_board,
            title="Invoice",
            description="",
            amount=None,
            currency="EUR",
            blocks=deal,
        )
    assert Item.objects.count() == tickets_before + 1  # only the deal made above
    assert not Invoice.objects.exists()


def test_the_admin_lists_invoices_and_cannot_change_them(admin_user, manager, finance_board):
    invoice = services.open_invoice(
        by=manager, board=finance_board, title="Invoice 7", description="", amount=None, currency="EUR"
    )
    client = login(admin_user)
    assert "Invoice 7" in client.get("/admin/finance/invoice/").content.decode()
    assert client.get("/admin/finance/invoice/add/").status_code == 403
    assert client.post(f"/admin/finance/invoice/{invoice.pk}/change/", {"currency": "USD"}).status_code == 403
    invoice.refresh_from_db()
    assert invoice.currency == "EUR"
