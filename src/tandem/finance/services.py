"""Every write of finance: a finance ticket (a work item of type finance on a finance board, moved
across the board like any item) with its invoice record beside it: what to invoice, to whom, by
when. The ticket's history is the item's: tandem.work.services records its creation and links."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.contacts.models import Organization
from tandem.finance.models import Invoice
from tandem.work import services as work
from tandem.work.models import Board, Item, ItemType

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
    needs no access to it."""
    with transaction.atomic():
        ticket = work.create_item(
            by=by,
            check_access=False,
            board=board,
            data={
                "title": title,
                "type": ItemType.FINANCE,
                "description": description,
                "organizations": [customer] if customer else [],
                "due_date": timezone.localdate() + timedelta(days=INVOICE_DUE_DAYS),
            },
        )
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
