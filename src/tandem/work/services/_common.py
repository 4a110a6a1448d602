"""What the work services share: cleaning names and choices, touching an item, and where a card
sits (the column its state and labels say), which labels, moves, boards and items all keep."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.contacts.normalize import fold_text
from tandem.core.errors import InvalidInput
from tandem.work import rules
from tandem.work.models import Board, Column, ColumnKind, Item, ItemState

# A `blocks` chain longer than this is not followed further when looking for a cycle.
MAX_BLOCK_DEPTH = 1000


def _clean_name(value: Any, *, field: str, max_length: int) -> str:
    name = str(value or "").strip()
    if not name:
        raise InvalidInput(_("A name is required."), field=field)
    if len(name) > max_length:
        raise InvalidInput(
            _("At most %(count)d characters.") % {"count": max_length},
            field=field,
        )
    return name


def _choice(value: Any, choices: Any, field: str) -> Any:
    try:
        return choices(value)
    except ValueError:
        raise InvalidInput(_("Choose one of the offered values."), field=field) from None


def _text(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _touch(item: Item) -> None:
    item.version += 1
    item.updated_at = timezone.now()
    item.save()


def _search_text(item: Item) -> str:
    return fold_text(item.title)


# --- Where a card sits ----------------------------------------------------------------------


def column_for(item: Item, label_ids: set[int], columns: Sequence[Column]) -> Column | None:
    """The column that shows the item: Closed when closed; else the first label column (in board
    order) whose label it carries; else Open. None when the board has no such column."""
    if item.state == ItemState.CLOSED:
        return next((c for c in columns if c.kind == ColumnKind.CLOSED), None)
    for column in columns:
        if column.kind == ColumnKind.LABEL and column.label_id in label_ids:
            return column
    return next((c for c in columns if c.kind == ColumnKind.OPEN), None)


def _place(item: Item, *, by: User | None = None) -> None:
    """Put the item in the column its state and labels say; other apps' rules (work.rules) may
    refuse the change or act on it."""
    columns = list(Column.objects.filter(board_id=item.board_id))
    label_ids = set(item.labels.values_list("id", flat=True))
    column = column_for(item, label_ids, columns)
    if column != item.column:
        old = item.column
        rules.check_column_change(item, old, column)
        item.column = column
        Item.objects.filter(pk=item.pk).update(column=column)
        rules.after_column_change(item, old, column, by)


def _replace_columns_of_board(board: Board) -> None:
    """After the columns changed, put every item of the board in the column it now belongs to."""
    columns = list(Column.objects.filter(board=board))
    closed = next((c for c in columns if c.kind == ColumnKind.CLOSED), None)
    opened = next((c for c in columns if c.kind == ColumnKind.OPEN), None)
    Item.objects.filter(board=board, state=ItemState.CLOSED).update(column=closed)
    Item.objects.filter(board=board, state=ItemState.OPEN).update(column=opened)
    # Later columns first, so an item with two column labels ends in the first of them.
    for column in reversed([c for c in columns if c.kind == ColumnKind.LABEL]):
        Item.objects.filter(board=board, state=ItemState.OPEN, labels=column.label_id).update(column=column)
