"""The demo's Finance board is private to the finance team: a seller's won deal is "blocked by a
private item" they cannot open, and still cannot be closed; finance works the ticket; Gita, the
finance team's guest (a contractor), reads only the finance board and never the mail as sent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tandem.accounts.models import User
from tandem.finance.models import Invoice
from tandem.mailgate.models import InboundMessage
from tandem.work.models import Board, ItemState
from tests.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("seed_demo", stdout=StringIO())


def test_the_finance_board_is_private_to_finance(demo: None) -> None:
    finance = Board.objects.get(name="Finance")
    assert finance.private and finance.team is not None and finance.team.slug == "finance"
    sam, fiona, gita = (User.objects.get(email=f"{who}@demo.example") for who in ("sam", "fiona", "gita"))
    invoice = Invoice.objects.filter(deal__isnull=False).select_related("item", "deal__item").first()
    assert invoice is not None
    ticket, deal_item = invoice.item, invoice.deal.item
    assert ticket.board_id == finance.pk

    seller = login(sam)
    assert seller.get(f"/boards/{finance.pk}/").status_code == 404
    assert seller.get(f"/items/{ticket.pk}/").status_code == 404
    assert "Finance" not in [b.name for b in seller.get("/boards/").context["boards"]]
    page = seller.get(f"/items/{deal_item.pk}/").content.decode()
    assert "a private item" in page and ticket.title not in page
    # the blocking-close rule still holds, without naming the ticket
    refused = seller.post(f"/items/{deal_item.pk}/close/", follow=True).content.decode()
    assert "a private item" in refused and ticket.title not in refused
    deal_item.refresh_from_db()
    assert deal_item.state == ItemState.OPEN

    # finance (the board's default assignee) sees and closes the ticket; the deal closes itself
    assert list(ticket.assignees.all()) == [fiona]
    assert login(fiona).get(f"/items/{ticket.pk}/").status_code == 200
    login(fiona).post(f"/items/{ticket.pk}/close/")
    ticket.refresh_from_db()
    assert ticket.state == ItemState.CLOSED
    deal_item.refresh_from_db()
    assert deal_item.state == ItemState.CLOSED and deal_item.closed_by == fiona

    # the contractor: the finance board only, the files on it, never the mail as sent
    contractor = login(gita)
    assert contractor.get(f"/boards/{finance.pk}/").status_code == 200
    assert contractor.get(f"/boards/{deal_item.board_id}/").status_code == 404
    assert contractor.get(f"/items/{deal_item.pk}/").status_code == 404
    message = InboundMessage.objects.filter(item__board=finance).exclude(raw="").first()
    assert message is not None
    assert contractor.get(f"/items/{message.item_id}/").status_code == 200
    assert contractor.get(f"/mail/messages/{message.pk}/raw/").status_code == 403
    assert login(fiona).get(f"/mail/messages/{message.pk}/raw/").status_code == 200
