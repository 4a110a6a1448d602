"""A pipeline on its board (tandem.work.rules), registered in SalesConfig.ready(): a deal's card
shows its value, organization, expected close, owner and an overdue activity; a stage column's
header the value and weighted value of its deals; Won and Lost (and the Closed column) are compact
drop zones at the board's end instead of columns of cards; the catch-all Open column stays away
while it is empty (a deal always has a stage; an item put there by hand still shows).

The board engine reads a column's stage with the column itself (`label__stage`, a join), so the
board page costs sales one grouped query for the columns' totals and one for its deal cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet

from tandem.sales import queries
from tandem.sales.models import STAGE_SCOPE, Stage, StageKind
from tandem.work import rules
from tandem.work.models import ColumnKind, Item, ItemType, Label

if TYPE_CHECKING:
    from tandem.work.models import Board, Column
    from tandem.work.queries import ColumnView

CARD_TEMPLATE = "sales/partials/deal_card.html"
COLUMN_TEMPLATE = "sales/partials/deal_column.html"


def _stage(column: Column) -> Stage | None:
    """The column's stage, read with the column (None when it has none)."""
    label = column.label
    if label is None or label.scope != STAGE_SCOPE:
        return None
    if Label.stage.is_cached(label):
        return getattr(label, "stage", None)
    return Stage.objects.filter(label=label).first()  # not read with the columns: one query


def column_facts(
    board: Board, views: list[ColumnView], items: QuerySet[Item], fresh: bool
) -> dict[int, rules.ColumnFacts]:
    stages = {view.column.pk: _stage(view.column) for view in views}
    if not any(stages.values()):
        return {}  # not a pipeline's board: nothing to say, no query
    large = not fresh and sum(view.count for view in views) >= settings.TANDEM_LARGE_COUNT
    totals = queries.column_totals(items, large=large)
    facts: dict[int, rules.ColumnFacts] = {}
    for view in views:
        column, stage = view.column, stages[view.column.pk]
        found = totals.get(column.pk, [])
        if stage is not None and stage.kind == StageKind.OPEN:
            facts[column.pk] = rules.ColumnFacts(template=COLUMN_TEMPLATE, data=found)
        elif stage is not None:
            # Won and Lost: their value; a weighted value would only repeat it (100 %) or be nothing
            shown = [queries.ColumnTotal(currency=t.currency, value=t.value, weighted=None) for t in found]
            facts[column.pk] = rules.ColumnFacts(
                template=COLUMN_TEMPLATE, data=shown, zone=True, css=f"zone-{stage.kind}"
            )
        elif column.kind == ColumnKind.CLOSED:
            facts[column.pk] = rules.ColumnFacts(zone=True)  # won and lost together: a count says enough
        elif column.kind == ColumnKind.OPEN:
            facts[column.pk] = rules.ColumnFacts(template=COLUMN_TEMPLATE, data=found, hide_if_empty=True)
    return facts


def card_details(cards: list[Item]) -> dict[int, rules.CardDetails]:
    ids = [card.pk for card in cards if card.type == ItemType.DEAL]
    if not ids:
        return {}  # no deal on the page: no query
    return {
        pk: rules.CardDetails(
            template=CARD_TEMPLATE, data=deal, people=[deal.owner] if deal.owner is not None else None
        )
        for pk, deal in queries.deal_cards(ids).items()
    }


def register() -> None:
    rules.on_columns(column_facts, related=("label__stage",))
    rules.on_card_details(card_details)
