"""What finance reads for others: the board a won deal's finance ticket goes to when its pipeline
names none, the column it lands in, and the invoices a deal already has."""

from __future__ import annotations

from tandem.finance.models import Invoice
from tandem.work.models import Board, Column, ColumnKind, ItemType


def default_board() -> Board | None:
    """The first finance board in use."""
    return (
        Board.objects.filter(default_type=ItemType.FINANCE, archived_at__isnull=True).order_by("id").first()
    )


def invoice_of_deal(deal_id: int) -> Invoice | None:
    """The invoice opened for a deal (with its ticket), if any."""
    return Invoice.objects.filter(deal_id=deal_id).select_related("item").first()


def invoice_items_of_deal(deal_id: int) -> list[int]:
    """The ids of the finance tickets opened for a deal."""
    return list(Invoice.objects.filter(deal_id=deal_id).values_list("item_id", flat=True))


def first_working_column(board: Board) -> Column | None:
    """The finance board's first column of work (a label column), where a new ticket lands rather
    than in the catch-all Open column; None when the board has none."""
    return (
        board.columns.filter(kind=ColumnKind.LABEL, label__isnull=False)
        .select_related("label")
        .order_by("position", "id")
        .first()
    )
