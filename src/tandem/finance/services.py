"""Every write of finance: a finance ticket (a work item of type finance on a finance board, moved
across the board like any item) with its invoice record beside it: what to invoice, to whom, by
when. The ticket's history is the item's: tandem.work.services records its creation and links, and
the notifications follow from it (tandem.notifications.fanout): the board's default assignee is
assigned, its team hears of new work as the board says — or watches the ticket when the board
tells its team nothing, so someone in finance always hears of an invoice to send."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.contacts.models import Organization
from tandem.finance import queries
from tandem.finance.models import Invoice
from tandem.work import services as work
from tandem.work.models import Board, Item, ItemType, TeamNotifications

INVOICE_DUE_DAYS = 14


def open_invoice(
    *,
    by: User,
    board: Board,
    title: str,
    description: str,
    amount: Decimal | None,
    currency: str,
    customer: Organization | None = None,
    deal_id: int | None = None,
    blocks: Item | None = None,
) -> Invoice:
    """A finance ticket on `board`, due in INVOICE_DUE_DAYS, with its invoice; linked as blocking
    the item `blocks` (a won deal's), which then waits for finance to close the ticket. Opened by
    Tandem's own rules on someone's behalf: the finance board may be private to finance, so `by`
    needs no access to it. The ticket lands in the board's first column of work (not the catch-all
    Open column), assigned to the board's default assignee; without one, when the board's team
    hears nothing of new work, its members watch the ticket."""
    data: dict[str, Any] = {
        "title": title,
        "type": ItemType.FINANCE,
        "description": description,
        "organizations": [customer] if customer else [],
        "due_date": timezone.localdate() + timedelta(days=INVOICE_DUE_DAYS),
    }
    column = queries.first_working_column(board)
    if column is not None:
        data["labels"] = [column.label]
    assigned = board.default_assignee_id is not None and (
        User.objects.filter(pk=board.default_assignee_id, is_active=True).exists()
    )
    if not assigned and board.team_id is not None and board.team_notifications == TeamNotifications.OFF:
        data["watchers"] = list(User.objects.filter(teams=board.team_id, is_active=True))
    with transaction.atomic():
        ticket = work.create_item(by=by, check_access=False, board=board, data=data)
        invoice = Invoice.objects.create(
            item=ticket,
            amount=amount,
            currency=currency,
            customer=customer,
            due_date=ticket.due_date,
            deal_id=deal_id,
        )
        if blocks is not None:
            work.link_items(ticket, blocks, kind="blocks", by=by, check_access=False)
    return invoice
