"""What finance reads for others: the board a won deal's finance ticket goes to when its pipeline
names none, and the invoice a deal already has."""

from __future__ import annotations

from tandem.finance.models import Invoice
from tandem.work.models import Board, ItemType


def default_board() -> Board | None:
    """The first finance board in use."""
    return (
        Board.objects.filter(default_type=ItemType.FINANCE, archived_at__isnull=True).order_by("id").first()
    )


def invoice_of_deal(deal_id: int) -> Invoice | None:
    """The invoice opened for a deal (with its ticket), if any."""
    return Invoice.objects.filter(deal_id=deal_id).select_related("item").first()
