"""Moving cards and closing items. A move into a column changes the item's labels or state; the
rank keeps the order on the board. Closing obeys the blocking-close rule, kept here in one place
(`_close`): an item is not closed while an item that blocks it is open."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import CharField, Max, Min, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.core.errors import Conflict, InvalidInput
from tandem.core.locking import lock_version
from tandem.work import rank, rules
from tandem.work.models import Board, Column, ColumnKind, Item, ItemState, LinkKind
from tandem.work.queries import may_see_board, require_visible
from tandem.work.services._common import _place, _touch
from tandem.work.services.labels import _set_labels
from tandem.work.verbs import WorkVerb


class Blocked(Conflict):
    """The item cannot be closed: items that block it are open. `extra["blocking"]` lists them."""

    code = "blocked"


def move_item(
    item: Item,
    *,
    by: User,
    column: Column,
    after: Item | None = None,
    before: Item | None = None,
) -> Item:
    """Move a card to `column`, just below `after` or just above `before` (neither: the top).
    Entering a label column gives the item that label (a scoped one replaces its scope's label,
    the label of the column it left is removed); entering Open removes the labels of the board's
    label columns and reopens it; entering Closed closes it, which the blocking-close rule may
    refuse. The position is one rank update; moves on one board are serialised by locking it."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        board = Board.objects.select_for_update().get(pk=item.board_id)
        current = lock_version(Item, item.pk, None)
        if column.board_id != board.pk:
            raise InvalidInput(_("That column is on another board."), field="column")
        for anchor in (after, before):
            if anchor is not None and (anchor.board_id != board.pk or anchor.pk == current.pk):
                raise InvalidInput(_("Place the card next to another card of this board."), field="position")
        changes: dict[str, Any] = {}
        source = current.column
        closed_now = False
        if column.kind == ColumnKind.CLOSED:
            if current.state != ItemState.CLOSED:
                _close(current, by=by)
                changes["state"] = [ItemState.OPEN, ItemState.CLOSED]
                closed_now = True
        else:
            if current.state == ItemState.CLOSED:
                _reopen(current)
                changes["state"] = [ItemState.CLOSED, ItemState.OPEN]
            labels = list(current.labels.all())
            if column.kind == ColumnKind.LABEL and column.label is not None:
                if source is not None and source.kind == ColumnKind.LABEL and source.pk != column.pk:
                    labels = [label for label in labels if label.pk != source.label_id]
                labels.append(column.label)
            elif column.kind == ColumnKind.OPEN:
                column_labels = set(
                    board.columns.filter(kind=ColumnKind.LABEL).values_list("label_id", flat=True)
                )
                labels = [label for label in labels if label.pk not in column_labels]
            changes.update(_set_labels(current, labels, by=by))
        new_rank = _rank_near(board, current, after=after, before=before)
        if new_rank != current.rank:
            current.rank = new_rank
        _place(current, by=by)
        _touch(current)
        if source != current.column or changes:
            changes.setdefault(
                "column", [source.name if source else "", current.column.name if current.column else ""]
            )
            record(by=by, verb=WorkVerb.MOVED, target=current, changes=changes)
        if rank.needs_rebalance(current.rank):
            rebalance_board(board)
            current.refresh_from_db()
        if closed_now:
            rules.after_close(current, by)
    return current


def _top_rank(board: Board) -> str:
    first = Item.objects.filter(board=board).aggregate(first=Min("rank"))["first"]
    key = rank.rank_between(None, first)
    if rank.needs_rebalance(key):
        rebalance_board(board)
        first = Item.objects.filter(board=board).aggregate(first=Min("rank"))["first"]
        key = rank.rank_between(None, first)
    return key


def _rank_near(board: Board, item: Item, *, after: Item | None, before: Item | None) -> str:
    """A rank just below `after` (or just above `before`, or at the top), between it and its
    neighbour on the board — any card of the board, so the key is unique on the board."""
    others = Item.objects.filter(board=board).exclude(pk=item.pk)
    if after is not None:
        low = Item.objects.values_list("rank", flat=True).get(pk=after.pk)
        high = others.filter(rank__gt=low).aggregate(r=Min("rank"))["r"]
    elif before is not None:
        high = Item.objects.values_list("rank", flat=True).get(pk=before.pk)
        low = others.filter(rank__lt=high).aggregate(r=Max("rank"))["r"]
    else:
        low, high = None, others.aggregate(r=Min("rank"))["r"]
    if item.rank and (low is None or item.rank > low) and (high is None or item.rank < high):
        return item.rank  # already there
    return rank.rank_between(low, high)


def rebalance_board(board: Board) -> None:
    """Rewrite every rank of the board evenly spaced, keeping the order. Rare: only when a key grew
    past rank.MAX_LENGTH. Two passes — first every key becomes "~<id>" (outside the key alphabet),
    then the new keys — so no new key collides with an old one midway."""
    ids = list(Item.objects.filter(board=board).order_by("rank").values_list("id", flat=True))
    keys = rank.spread(len(ids))
    Item.objects.filter(board=board).update(rank=Concat(Value("~"), Cast("id", output_field=CharField())))
    batch = 1000
    for start in range(0, len(ids), batch):
        rows = [
            Item(pk=pk, rank=key)
            for pk, key in zip(ids[start : start + batch], keys[start : start + batch], strict=True)
        ]
        Item.objects.bulk_update(rows, ["rank"])


# --- Closing and the blocking-close rule ------------------------------------------------------


def open_blockers(item: Item) -> list[Item]:
    """The open items that block this one, oldest first."""
    return list(
        Item.objects.filter(links_out__target=item, links_out__kind=LinkKind.BLOCKS, state=ItemState.OPEN)
        .order_by("pk")
        .distinct()
    )


def _close(item: Item, *, by: User) -> None:
    blockers = open_blockers(item)
    if blockers:
        # a blocker on a board `by` may not see is named only as "a private item"
        seen = {b.pk for b in blockers if may_see_board(by, b.board_id)}
        refs = ", ".join(f"#{b.pk} {b.title}" if b.pk in seen else _("a private item") for b in blockers)
        message = ngettext(
            "This item cannot be closed while %(refs)s is open: it blocks this item.",
            "This item cannot be closed while these items are open: %(refs)s. They block this item.",
            len(blockers),
        ) % {"refs": refs}
        raise Blocked(
            message,
            field="state",
            extra={
                "blocking": [
                    {"id": b.pk, "reference": b.reference, "title": b.title, "url": b.get_absolute_url()}
                    if b.pk in seen
                    else {
                        "id": None,
                        "reference": "",
                        "title": _("a private item"),
                        "url": "",
                        "private": True,
                    }
                    for b in blockers
                ]
            },
        )
    rules.check_close(item)
    item.state = ItemState.CLOSED
    item.closed_at = timezone.now()
    item.closed_by = by
    rules.after_state_change(item)


def _reopen(item: Item) -> None:
    item.state = ItemState.OPEN
    item.closed_at = None
    item.closed_by = None
    rules.after_state_change(item)


def close_item(item: Item, *, by: User, check_access: bool = True) -> Item:
    """Close an item. Refused (Blocked, 409) while any item that blocks it is open. Then the
    rules' "closed" hooks run (a won deal whose last blocker this was closes too).
    `check_access=False` only for Tandem's own rules acting on a person's behalf on a board they
    may not see (closing a won deal once finance has closed its ticket)."""
    require(by, Permission.EDIT_WORK)
    if check_access:
        require_visible(by, item)
    with transaction.atomic():
        current = lock_version(Item, item.pk, None)
        if current.state == ItemState.CLOSED:
            return current
        _close(current, by=by)
        _touch(current)
        _place(current, by=by)
        record(by=by, verb=WorkVerb.CLOSED, target=current)
        rules.after_close(current, by)
    return current


def reopen_item(item: Item, *, by: User) -> Item:
    """Reopen an item. What it had unblocked stays as it is."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        current = lock_version(Item, item.pk, None)
        if current.state == ItemState.OPEN:
            return current
        _reopen(current)
        _touch(current)
        _place(current, by=by)
        record(by=by, verb=WorkVerb.REOPENED, target=current)
    return current
