"""A pipeline on its board (tandem.work.rules), registered in SalesConfig.ready(): a deal's card
shows its value, organization, expected close, owner and an overdue activity; a stage column's
header the value and weighted value of its deals; Won and Lost (and the Closed column) are compact
drop zones at the board's end instead of columns of cards; the catch-all Open column stays away
while it is empty (a deal always has a stage; an item put there by hand still shows).

The board engine reads a column's stage with the column itself (`label__stage`, a join), so the
board page costs sales one grouped query for the columns' totals and one for its deal cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import floatformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tandem.core.templatetags.calendar_dates import date
from tandem.sales import queries
from tandem.sales.models import STAGE_SCOPE, Stage, StageKind
from tandem.work import rules
from tandem.work.models import ColumnKind, Item, ItemType, Label

if TYPE_CHECKING:
    from tandem.work.models import Board, Column
    from tandem.work.queries import ColumnView

COLUMN_TEMPLATE = "sales/partials/deal_column.html"
# the cards' two small icons, drawn here (aria-hidden: the words beside them say it)
CALENDAR = mark_safe(
    '<svg class="board-icon" viewBox="0 0 16 16" aria-hidden="true"><rect x="1.5" y="2.5" width="13" '
    'height="12" rx="2" fill="none" stroke="currentColor" stroke-width="1.4"/><path d="M1.5 6.5h13M5 1v3M11 1v3" '
    'stroke="currentColor" stroke-width="1.4"/></svg>'
)
CLOCK = mark_safe(
    '<svg class="board-icon" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8.5" r="6" fill="none" '
    'stroke="currentColor" stroke-width="1.6"/><path d="M8 5v4l2.5 1.5" fill="none" stroke="currentColor" '
    'stroke-width="1.6"/></svg>'
)


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
    """A deal's card: its organization under the title; its value, expected close (red once gone
    by) and an overdue activity in the card's last line; its owner's avatar. HTML made here, not by
    a template included per card: a pipeline's board shows hundreds of deals."""
    ids = [card.pk for card in cards if card.type == ItemType.DEAL]
    if not ids:
        return {}  # no deal on the page: no query
    words = {
        "organization": _("Organization"),
        "value": _("Value"),
        "close": _("Expected close"),
        "overdue": _("Overdue"),
        "overdue_title": _("An activity on this deal is overdue"),
    }
    # amounts and days repeat across a page's deals: each is formatted once
    shown: dict[object, str] = {}
    return {
        pk: rules.CardDetails(
            body=_body(deal, words),
            meta=_meta(deal, words, shown),
            people=[deal.owner] if deal.owner is not None else None,
        )
        for pk, deal in queries.deal_cards(ids).items()
    }


def _body(deal: queries.DealCard, words: dict[str, str]) -> str:
    if not deal.organization:
        return ""
    return format_html(
        '<div class="deal-card-organization text-truncate user-text" title="{}">{}</div>',
        words["organization"],
        deal.organization,
    )


def _once(shown: dict[object, str], value: Any, make: Callable[[Any], str]) -> str:
    if value not in shown:
        shown[value] = make(value)
    return shown[value]


def _meta(deal: queries.DealCard, words: dict[str, str], shown: dict[object, str]) -> str:
    parts: list[SafeString] = []
    if deal.value is not None:
        parts.append(
            format_html(
                '<span class="deal-card-value"><span class="visually-hidden">{} </span><bdi>{} {}</bdi></span>',
                words["value"],
                _once(shown, deal.value, lambda value: floatformat(value, "-2g")),
                deal.currency,
            )
        )
    if deal.expected_close is not None:
        parts.append(
            format_html(
                '<span class="deal-card-close text-nowrap{}" title="{}">{}<span class="visually-hidden">{} </span>{}</span>',
                " text-danger" if deal.close_passed else "",
                words["close"],
                CALENDAR,
                words["close"],
                _once(shown, deal.expected_close, lambda day: date(day, "SHORT_DATE_FORMAT")),
            )
        )
    if deal.has_overdue:
        parts.append(
            format_html(
                '<span class="badge text-bg-danger deal-card-overdue" title="{}">{}{}</span>',
                words["overdue_title"],
                CLOCK,
                words["overdue"],
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))


def register() -> None:
    rules.on_columns(column_facts, related=("label__stage",))
    rules.on_card_details(card_details)
