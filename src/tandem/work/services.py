"""Every write to boards, labels, items, links and comments. Views, the API, the admin, bulk actions
and (later) the mail gateway and importers call these functions; the rules they enforce — one label
per scope, where a card sits, no `blocks` cycle, and above all the blocking-close rule — therefore
hold everywhere. Each runs in one transaction and records history with it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import CharField, Max, Min, ProtectedError, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.contacts.models import Organization, Person
from tandem.contacts.normalize import fold_text
from tandem.core.errors import Conflict, InvalidInput, NotFound, StaleVersion
from tandem.core.files import atomic_with_files, save_file
from tandem.work import markdown, rank, rules
from tandem.work.models import (
    Board,
    Column,
    ColumnKind,
    Comment,
    Item,
    ItemFile,
    ItemLink,
    ItemState,
    ItemType,
    Label,
    LinkKind,
    Priority,
    SavedView,
    SumField,
    TeamNotifications,
    label_scope,
)
from tandem.work.queries import may_see_board, require_visible

TITLE_MAX = 255
# A `blocks` chain longer than this is not followed further when looking for a cycle.
MAX_BLOCK_DEPTH = 1000


class Blocked(Conflict):
    """The item cannot be closed: items that block it are open. `extra["blocking"]` lists them."""

    code = "blocked"


# --- Boards, columns, labels ----------------------------------------------------------------


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


def create_board(*, by: User, data: Mapping[str, Any], columns: Sequence[Mapping[str, Any]] = ()) -> Board:
    """A new board; without `columns` it gets an Open and a Closed column."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        board = Board(created_by=by)
        _apply_board(board, data)
        board.save()
        for spec in columns or [{"kind": ColumnKind.OPEN}, {"kind": ColumnKind.CLOSED}]:
            _add_column(board, spec)
        record(actor=by, verb="created", target=board, target_type="board")
    return board


def create_board_with_stages(
    *, by: User, data: Mapping[str, Any], stages: Sequence[str] = (), scope: str = ""
) -> Board:
    """A board whose process is a list of stages, as a non-technical user defines it: each stage
    becomes a scoped label `scope::stage` of the board and a column, in order, between Open and
    Closed. The scope defaults to the board's name."""
    with transaction.atomic():
        board = create_board(by=by, data=data)
        prefix = (scope or board.name).strip().replace("::", " ")[:40] or "stage"
        for stage in stages:
            label = create_label(by=by, board=board, data={"name": f"{prefix}::{stage}"})
            add_column(board, by=by, spec={"kind": ColumnKind.LABEL, "label": label, "name": stage})
    return board


def _apply_board(board: Board, data: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    cleaners: dict[str, Any] = {
        "name": lambda v: _clean_name(v, field="name", max_length=150),
        "description": lambda v: str(v or "").strip(),
        "title_prefix": lambda v: str(v or "")[:100].lstrip(),
        "default_type": lambda v: _choice(v, ItemType, "default_type"),
        "sum_field": lambda v: _choice(v or "", SumField, "sum_field"),
        "team_notifications": lambda v: _choice(
            v or TeamNotifications.ASSIGNMENTS, TeamNotifications, "team_notifications"
        ),
        "team": lambda v: v,
        "private": bool,
    }
    for name, clean in cleaners.items():
        if name in data:
            value = clean(data[name])
            if getattr(board, name) != value:
                changes[name] = [_text(getattr(board, name)), _text(value)]
                setattr(board, name, value)
    if board.private and board.team_id is None:
        # a private board is its team's: without one nobody but admins would ever see it
        raise InvalidInput(
            _("A private board needs a team: choose the team that may see it."), field="private"
        )
    return changes


def update_board(board: Board, *, by: User, version: int | None, data: Mapping[str, Any]) -> Board:
    require(by, Permission.MANAGE_BOARDS)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        current = _lock(Board, board.pk, version)
        changes = _apply_board(current, data)
        if changes:
            current.version += 1
            current.save()
            record(actor=by, verb="updated", target=current, target_type="board", changes=changes)
    return current


def archive_board(board: Board, *, by: User) -> Board:
    require(by, Permission.MANAGE_BOARDS)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        current = _lock(Board, board.pk, None)
        if current.archived_at is None:
            current.archived_at = timezone.now()
            current.version += 1
            current.save()
            record(actor=by, verb="archived", target=current, target_type="board")
    return current


def restore_board(board: Board, *, by: User) -> Board:
    require(by, Permission.MANAGE_BOARDS)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        current = _lock(Board, board.pk, None)
        if current.archived_at is not None:
            current.archived_at = None
            current.version += 1
            current.save()
            record(actor=by, verb="restored", target=current, target_type="board")
    return current


def _add_column(board: Board, spec: Mapping[str, Any]) -> Column:
    kind = _choice(spec.get("kind") or ColumnKind.LABEL, ColumnKind, "kind")
    label = spec.get("label")
    if kind == ColumnKind.LABEL:
        if not isinstance(label, Label):
            raise InvalidInput(_("Choose the label whose items the column shows."), field="label")
        _check_label_on_board(label, board)
        if board.columns.filter(label=label).exists():
            raise InvalidInput(_("This board already has a column for that label."), field="label")
    else:
        label = None
        if board.columns.filter(kind=kind).exists():
            raise InvalidInput(_("This board already has that column."), field="kind")
    default_names = {ColumnKind.OPEN: _("Open"), ColumnKind.CLOSED: _("Closed")}
    name = spec.get("name") or (label.value if label else default_names[ColumnKind(kind)])
    wip_limit = spec.get("wip_limit")
    if wip_limit is not None and (not isinstance(wip_limit, int) or wip_limit < 1):
        raise InvalidInput(_("A limit is a whole number above zero."), field="wip_limit")
    # New label columns go before the Closed column, which stays last.
    positions = board.columns.aggregate(last=Max("position"))
    position = (positions["last"] or 0) + 1
    closed = board.columns.filter(kind=ColumnKind.CLOSED).first()
    if closed is not None and kind != ColumnKind.CLOSED:
        position = closed.position
        closed.position += 1
        closed.save(update_fields=["position"])
    column = Column.objects.create(
        board=board,
        name=_clean_name(name, field="name", max_length=100),
        kind=kind,
        label=label,
        position=position,
        wip_limit=wip_limit,
    )
    _replace_columns_of_board(board)
    return column


def add_column(board: Board, *, by: User, spec: Mapping[str, Any]) -> Column:
    """A column showing one label's items (`{"kind": "label", "label": Label}`), or the board's Open
    or Closed column. Items carrying the label move into it at once."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=board.pk).first()
        column = _add_column(board, spec)
        record(
            actor=by, verb="added column", target=board, target_type="board", changes={"column": column.name}
        )
    return column


def update_column(column: Column, *, by: User, data: Mapping[str, Any]) -> Column:
    """Rename, set or clear the WIP limit, or move to `position` (0 = first)."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=column.board_id).first()
        column = Column.objects.get(pk=column.pk)
        before = {"name": column.name, "wip_limit": column.wip_limit, "position": column.position}
        if "name" in data:
            column.name = _clean_name(data["name"], field="name", max_length=100)
        if "wip_limit" in data:
            limit = data["wip_limit"]
            if limit is not None and (not isinstance(limit, int) or limit < 1):
                raise InvalidInput(_("A limit is a whole number above zero."), field="wip_limit")
            column.wip_limit = limit
        column.save()
        if "position" in data:
            columns = [c for c in Column.objects.filter(board_id=column.board_id) if c.pk != column.pk]
            index = max(0, min(int(data["position"]), len(columns)))
            columns.insert(index, column)
            for position, each in enumerate(columns):
                Column.objects.filter(pk=each.pk).update(position=position)
            # Which label column takes an item with two column labels follows the order.
            _replace_columns_of_board(column.board)
            column.refresh_from_db(fields=["position"])
        changes = {f: [old, getattr(column, f)] for f, old in before.items() if getattr(column, f) != old}
        if changes:
            record(actor=by, verb="updated column", target=column.board, target_type="board",
                   changes={"column": column.name, **changes})  # fmt: skip
    return column


def delete_column(column: Column, *, by: User) -> None:
    """Remove a column; its items stay on the board (in the Open column if there is one)."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        board = column.board
        Board.objects.select_for_update().filter(pk=board.pk).first()
        name = column.name
        column.delete()
        _replace_columns_of_board(board)
        record(actor=by, verb="removed column", target=board, target_type="board", changes={"column": name})


def _check_label_on_board(label: Label, board: Board) -> None:
    if label.board_id is not None and label.board_id != board.pk:
        raise InvalidInput(
            _("The label %(label)s belongs to another board.") % {"label": label.name}, field="labels"
        )


def create_label(*, by: User, data: Mapping[str, Any], board: Board | None = None) -> Label:
    """A label of one board, or of every board when `board` is None."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        label = Label(board=board)
        _apply_label(label, data)
        _refuse_label_duplicate(label)
        label.save()
        record(actor=by, verb="created", target=label, target_type="label")
    return label


def update_label(label: Label, *, by: User, data: Mapping[str, Any]) -> Label:
    """Renaming a label may change its scope; items that would then carry two labels of one
    scope are refused rather than silently stripped."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        label = Label.objects.select_for_update().get(pk=label.pk)
        changes = _apply_label(label, data)
        _refuse_label_duplicate(label)
        new_scope = label_scope(label.name)
        if new_scope and "name" in changes:
            clash = (
                Label.objects.filter(scope=new_scope, items__labels=label)
                .exclude(pk=label.pk)
                .values_list("items__id", flat=True)
                .first()
            )
            if clash is not None:
                raise InvalidInput(
                    _("Item #%(id)s already has a label of the scope %(scope)s.")
                    % {"id": clash, "scope": new_scope},
                    field="name",
                )
        label.save()
        if changes:
            record(actor=by, verb="updated", target=label, target_type="label", changes=changes)
    return label


def delete_label(label: Label, *, by: User) -> None:
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        if label.columns.exists():
            raise Conflict(_("A board column shows this label; remove the column first."))
        record(actor=by, verb="deleted", target=label, target_type="label")
        try:
            label.delete()
        except ProtectedError as refusal:
            # Another app's record stands on the label (a pipeline's stage is its `stage::` label).
            users = ", ".join(
                sorted(f"{obj._meta.verbose_name} “{obj}”" for obj in refusal.protected_objects)
            )
            raise Conflict(
                _("This label is in use (%(users)s); remove that first.") % {"users": users}
            ) from refusal


def _apply_label(label: Label, data: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "name" in data:
        parts = [part.strip() for part in str(data["name"] or "").split("::")]
        name = "::".join(parts)
        if not all(parts):
            raise InvalidInput(_("A scoped label is written scope::value, with both parts."), field="name")
        name = _clean_name(name, field="name", max_length=100)
        if name != label.name:
            changes["name"] = [label.name, name]
            label.name = name
    if "color" in data:
        color = str(data["color"] or "").strip().lower()
        if not (
            len(color) == 7 and color.startswith("#") and all(c in "0123456789abcdef" for c in color[1:])
        ):
            raise InvalidInput(_("A colour is written #rrggbb."), field="color")
        label.color = color
    if "description" in data:
        label.description = str(data["description"] or "").strip()[:300]
    return changes


def _refuse_label_duplicate(label: Label) -> None:
    same = Label.objects.filter(name__iexact=label.name, board=label.board).exclude(pk=label.pk)
    if same.exists():
        raise InvalidInput(_("A label with this name already exists."), field="name")


# --- Items: create and edit -----------------------------------------------------------------


def create_item(*, by: User, board: Board, data: Mapping[str, Any], check_access: bool = True) -> Item:
    """A new open item at the top of the board. The board's title prefix goes in front of the title
    (unless the title already starts with it); the board's default type applies unless given.
    `check_access=False` only for Tandem's own rules acting on a person's behalf on a board they
    may not see (a won deal's finance ticket on a private finance board)."""
    require(by, Permission.EDIT_WORK)
    with transaction.atomic():
        locked = Board.objects.select_for_update().filter(pk=board.pk).first()
        if locked is None or (check_access and not may_see_board(by, locked.pk)):
            raise NotFound(_("This board no longer exists."))
        if locked.archived_at is not None:
            raise Conflict(_("This board is archived; restore it to add items."))
        title = _clean_title(data.get("title"))
        prefix = locked.title_prefix
        if prefix and not title.startswith(prefix):
            title = _clean_title(prefix + title)
        item = Item(
            board=locked,
            title=title,
            type=_choice(data.get("type") or locked.default_type, ItemType, "type"),
            created_by=by,
            rank=_top_rank(locked),
        )
        _apply_scalars(item, {k: v for k, v in data.items() if k not in {"title", "type"}})
        item.search_text = _search_text(item)
        item.save()
        created = _apply_relations(item, data, new=True, by=by)
        # Tandem's own accounts (the mail gateway) do not watch what they make
        watchers = {*([] if by.is_system else [by.pk]), *(u.pk for u in data.get("assignees") or [])}
        item.watchers.add(*watchers)
        if "labels" not in data:
            _place(item, by=by)
        users = created.get("_users")
        record(
            actor=by,
            verb="created",
            target=item,
            target_type="item",
            changes={"_users": users} if users else None,
        )
    return item


def update_item(item: Item, *, by: User, version: int | None, data: Mapping[str, Any]) -> Item:
    """Change the fields named in `data`; relations (`assignees`, `watchers`, `labels`,
    `organizations`, `people`) are replaced by the lists given. `version` is the version the edit
    was based on (None: no check). The history keeps the old and new title and description."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    parent = data.get("parent")
    if isinstance(parent, Item):
        require_visible(by, parent)
    with transaction.atomic():
        current = _lock(Item, item.pk, version)
        changes: dict[str, Any] = {}
        if "title" in data:
            title = _clean_title(data["title"])
            if title != current.title:
                changes["title"] = [current.title, title]
                current.title = title
        if "type" in data:
            kind = _choice(data["type"], ItemType, "type")
            if kind != current.type:
                changes["type"] = [current.type, kind]
                current.type = kind
        changes.update(_apply_scalars(current, data))
        changes.update(_apply_relations(current, data, by=by))
        new_assignees = data.get("assignees")
        if new_assignees:
            current.watchers.add(*new_assignees)
        if changes:
            current.search_text = _search_text(current)
            _touch(current)
            record(actor=by, verb="updated", target=current, target_type="item", changes=changes)
    return current


def _clean_title(value: Any) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise InvalidInput(_("A title is required."), field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            _("A title has at most %(count)d characters.") % {"count": TITLE_MAX}, field="title"
        )
    return title


def _apply_scalars(item: Item, data: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if "description" in data:
        values["description"] = str(data["description"] or "").strip()
    if "priority" in data:
        values["priority"] = int(_choice(data["priority"] or 0, Priority, "priority"))
    for name in ("start_date", "due_date"):
        if name in data:
            value = data[name]
            if value is not None and not isinstance(value, date):
                raise InvalidInput(_("Enter a date."), field=name)
            values[name] = value
    if "estimate" in data:
        estimate = data["estimate"]
        if estimate is not None:
            try:
                estimate = Decimal(str(estimate)).quantize(Decimal("0.01"))
            except ArithmeticError:
                raise InvalidInput(_("Enter a number of hours."), field="estimate") from None
            if not (0 <= estimate < 10_000_000):
                raise InvalidInput(_("Enter a number of hours from 0 up."), field="estimate")
        values["estimate"] = estimate
    if "parent" in data:
        values["parent"] = _check_parent(item, data["parent"])
    start = values.get("start_date", item.start_date)
    due = values.get("due_date", item.due_date)
    if start and due and start > due:
        raise InvalidInput(_("The due date comes before the start."), field="due_date")
    for name, value in values.items():
        old = getattr(item, name)
        if old != value:
            changes[name] = [_text(old), _text(value)]
            setattr(item, name, value)
    return changes


def _check_parent(item: Item, parent: Item | None) -> Item | None:
    if parent is None:
        return None
    if not isinstance(parent, Item):
        raise InvalidInput(_("Choose an existing item."), field="parent")
    if item.pk is not None:
        # Walk up from the new parent: meeting the item itself would make a loop.
        ancestor: Item | None = parent
        depth = 0
        while ancestor is not None and depth <= MAX_BLOCK_DEPTH:
            if ancestor.pk == item.pk:
                raise InvalidInput(
                    _("An item cannot be its own parent or the parent of its parent."), field="parent"
                )
            ancestor = Item.objects.filter(pk=ancestor.parent_id).first() if ancestor.parent_id else None
            depth += 1
    return parent


def _apply_relations(
    item: Item, data: Mapping[str, Any], *, new: bool = False, by: User | None = None
) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "assignees" in data:
        changes.update(_set_users(item, "assignees", data["assignees"] or [], new=new))
    if "watchers" in data:
        changes.update(_set_users(item, "watchers", data["watchers"] or [], new=new, history=False))
    if "labels" in data:
        changes.update(_set_labels(item, data["labels"] or [], new=new, by=by))
    for name, model in (("organizations", Organization), ("people", Person)):
        if name in data:
            records = list(dict.fromkeys(data[name] or []))
            if any(not isinstance(r, model) or r.merged_into_id for r in records):
                raise InvalidInput(_("Choose existing customers."), field=name)
            manager = getattr(item, name)
            old = [] if new else sorted(str(r) for r in manager.all())
            manager.set(records)
            now = sorted(str(r) for r in records)
            if old != now:
                changes[name] = [old, now]
    return changes


def _set_users(
    item: Item, name: str, users: Iterable[User], *, new: bool, history: bool = True
) -> dict[str, Any]:
    chosen = list(dict.fromkeys(users))
    if any(not isinstance(u, User) or not u.is_active for u in chosen):
        raise InvalidInput(_("Choose active users."), field=name)
    manager = getattr(item, name)
    before = [] if new else list(manager.all())
    manager.set(chosen)
    had, has = {u.pk for u in before}, {u.pk for u in chosen}
    if not history or had == has:
        return {}
    old = sorted(u.display_name for u in before)
    now = sorted(u.display_name for u in chosen)
    # who was added and who taken off, by id, for the notifications (tandem.notifications.fanout)
    return {name: [old, now], "_users": {"assigned": sorted(has - had), "unassigned": sorted(had - has)}}


def _scoped(labels: Iterable[Label]) -> list[Label]:
    """One label per scope: of two labels in one scope, the later one wins."""
    by_scope: dict[str, Label] = {}
    plain: list[Label] = []
    for label in labels:
        if label.scope:
            by_scope.pop(label.scope, None)
            by_scope[label.scope] = label
        elif label not in plain:
            plain.append(label)
    return [*plain, *by_scope.values()]


def _set_labels(
    item: Item, labels: Iterable[Label], *, new: bool = False, by: User | None = None
) -> dict[str, Any]:
    chosen = _scoped(labels)
    for label in chosen:
        if not isinstance(label, Label):
            raise InvalidInput(_("Choose existing labels."), field="labels")
        _check_label_on_board(label, item.board)
    old = [] if new else sorted(label.name for label in item.labels.all())
    item.labels.set(chosen)
    _place(item, by=by)
    now = sorted(label.name for label in chosen)
    return {"labels": [old, now]} if old != now else {}


def add_label(item: Item, label: Label, *, by: User) -> Item:
    """Add one label; a scoped label replaces the item's label of the same scope."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        current = _lock(Item, item.pk, None)
        labels = list(current.labels.all())
        changes = _set_labels(current, [*labels, label], by=by)
        if changes:
            _touch(current)
            record(actor=by, verb="updated", target=current, target_type="item", changes=changes)
    return current


def remove_label(item: Item, label: Label, *, by: User) -> Item:
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        current = _lock(Item, item.pk, None)
        labels = [each for each in current.labels.all() if each.pk != label.pk]
        changes = _set_labels(current, labels, by=by)
        if changes:
            _touch(current)
            record(actor=by, verb="updated", target=current, target_type="item", changes=changes)
    return current


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


# --- Moving cards ---------------------------------------------------------------------------


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
        current = _lock(Item, item.pk, None)
        if column.board_id != board.pk:
            raise InvalidInput(_("That column is on another board."), field="column")
        for anchor in (after, before):
            if anchor is not None and (anchor.board_id != board.pk or anchor.pk == current.pk):
                raise InvalidInput(_("Place the card next to another card of this board."), field="position")
        changes: dict[str, Any] = {}
        source = current.column
        if column.kind == ColumnKind.CLOSED:
            if current.state != ItemState.CLOSED:
                _close(current, by=by)
                changes["state"] = [ItemState.OPEN, ItemState.CLOSED]
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
            record(actor=by, verb="moved", target=current, target_type="item", changes=changes)
        if rank.needs_rebalance(current.rank):
            rebalance_board(board)
            current.refresh_from_db()
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


def close_item(item: Item, *, by: User) -> Item:
    """Close an item. Refused (Blocked, 409) while any item that blocks it is open."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        current = _lock(Item, item.pk, None)
        if current.state == ItemState.CLOSED:
            return current
        _close(current, by=by)
        _touch(current)
        _place(current, by=by)
        record(actor=by, verb="closed", target=current, target_type="item")
    return current


def reopen_item(item: Item, *, by: User) -> Item:
    """Reopen an item. What it had unblocked stays as it is."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        current = _lock(Item, item.pk, None)
        if current.state == ItemState.OPEN:
            return current
        _reopen(current)
        _touch(current)
        _place(current, by=by)
        record(actor=by, verb="reopened", target=current, target_type="item")
    return current


# --- Links ----------------------------------------------------------------------------------


def link_items(source: Item, target: Item, *, kind: str, by: User, check_access: bool = True) -> ItemLink:
    """`source` blocks (or relates to) `target`. Refused: a link to itself, a link that exists (in
    either direction for `relates_to`), a `blocks` link that would close a cycle; an end on a board
    `by` may not see is not found (`check_access=False` only for Tandem's own rules, as in
    `create_item`)."""
    require(by, Permission.EDIT_WORK)
    if check_access:
        require_visible(by, source)
        require_visible(by, target)
    kind = _choice(kind, LinkKind, "kind")
    if source.pk == target.pk:
        raise InvalidInput(_("An item cannot be linked to itself."), field="target")
    with transaction.atomic():
        # Lock both ends in id order, so two people linking the same pair cannot deadlock or both pass.
        locked = {
            i.pk: i
            for i in Item.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
        }
        if len(locked) != 2:
            raise NotFound(_("That item no longer exists."))
        pair = Q(source=source, target=target) | Q(source=target, target=source)
        existing = ItemLink.objects.filter(pair)
        if existing.filter(source=source, target=target, kind=kind).exists() or (
            kind == LinkKind.RELATES_TO and existing.filter(kind=LinkKind.RELATES_TO).exists()
        ):
            raise Conflict(_("These items are already linked that way."), field="target")
        if kind == LinkKind.BLOCKS:
            if existing.filter(source=target, target=source, kind=LinkKind.BLOCKS).exists():
                raise Conflict(
                    _("#%(target)s already blocks #%(source)s; two items cannot block each other.")
                    % {"target": target.pk, "source": source.pk},
                    field="target",
                )
            path = _blocks_path(target, source)
            if path:
                chain = " → ".join(f"#{pk}" for pk in path)
                raise Conflict(
                    _("This link would make a circle of blocking items: %(chain)s → #%(target)s.")
                    % {"chain": chain, "target": target.pk},
                    field="target",
                )
        link = ItemLink.objects.create(source=source, target=target, kind=kind, created_by=by)
        _record_link(link, verb="linked", by=by)
    return link


def _record_link(link: ItemLink, *, verb: str, by: User) -> None:
    """History on both ends: "blocks #7" on the source, "is blocked by #3" on the target."""
    seen_from_target = f"{link.kind}_by" if link.kind == LinkKind.BLOCKS else link.kind
    for here, there, kind in (
        (link.source, link.target, link.kind),
        (link.target, link.source, seen_from_target),
    ):
        record(
            actor=by,
            verb=verb,
            target=here,
            target_type="item",
            changes={"kind": kind, "target": there.pk, "target_title": there.title},
        )


def _blocks_path(start: Item, goal: Item) -> list[int]:
    """The chain of `blocks` links from `start` to `goal` ([start, ..., goal]), or [] if none."""
    came_from: dict[int, int | None] = {start.pk: None}
    frontier = [start.pk]
    depth = 0
    while frontier and depth < MAX_BLOCK_DEPTH:
        edges = ItemLink.objects.filter(source_id__in=frontier, kind=LinkKind.BLOCKS).values_list(
            "source_id", "target_id"
        )
        frontier = []
        for src, dst in edges:
            if dst in came_from:
                continue
            came_from[dst] = src
            if dst == goal.pk:
                path = [dst]
                while (prev := came_from[path[-1]]) is not None:
                    path.append(prev)
                return path[::-1]
            frontier.append(dst)
        depth += 1
    return []


def unlink_items(link: ItemLink, *, by: User) -> None:
    require(by, Permission.EDIT_WORK)
    require_visible(by, link.source)
    require_visible(by, link.target)
    with transaction.atomic():
        _record_link(link, verb="unlinked", by=by)
        link.delete()


# --- Comments -------------------------------------------------------------------------------


def _mentioned_users(body: str) -> list[User]:
    handles = markdown.find_mentions(body)
    if not handles:
        return []
    return list(User.objects.filter(handle__in=handles, is_active=True))


def add_comment(item: Item, *, by: User, body: str) -> Comment:
    """A Markdown comment. The author and everyone it @mentions become watchers of the item. What a
    system account writes (mail from outside, through the gateway) mentions nobody: a stranger's
    e-mail cannot page a colleague by writing their @handle."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    text = str(body or "").strip()
    if not text:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(text) > 50_000:
        raise InvalidInput(_("A comment has at most 50,000 characters."), field="body")
    with transaction.atomic():
        current = _lock(Item, item.pk, None)
        comment = Comment.objects.create(item=current, author=by, body=text)
        mentioned = [] if by.is_system else _mentioned_users(text)
        current.watchers.add(*([] if by.is_system else [by]), *mentioned)
        Item.objects.filter(pk=current.pk).update(updated_at=timezone.now())
        record(
            actor=by,
            verb="commented",
            target=current,
            target_type="item",
            changes={
                "comment": comment.pk,
                "excerpt": markdown.excerpt(text, 120),
                **_mention_hint(mentioned),
            },
        )
    return comment


@dataclass(frozen=True)
class NewFile:
    """A file to put on an item: its bytes (or an uploaded file), name and type."""

    name: str
    content: bytes | File
    content_type: str = "application/octet-stream"
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content) if isinstance(self.content, bytes) else int(self.content.size or 0)

    @classmethod
    def uploaded(cls, upload: Any) -> NewFile:
        """A file from a form or an API upload (Django's UploadedFile)."""
        return cls(
            name=upload.name or "file",
            content=upload,
            content_type=upload.content_type or "application/octet-stream",
        )


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _content_type(value: str) -> str:
    """A MIME type as given, if it looks like one; else application/octet-stream."""
    text = str(value or "").strip().lower()
    ok = (
        len(text) <= 100
        and text.count("/") == 1
        and all(c.isascii() and c.isprintable() and c != " " for c in text)
    )
    return text if ok else "application/octet-stream"


def clean_file_name(name: str) -> str:
    """A name to store and show: no folders, no control characters, at most 200 characters with its
    extension kept."""
    name = _UNSAFE_NAME.sub("_", str(name or "").rsplit("/", 1)[-1]).strip(" .") or "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 20 else name[:200]
    return name


def _storage_name(name: str) -> str:
    """The name a file is stored under: at most 120 bytes of UTF-8 before its extension, as file
    systems count name lengths in bytes (a Persian name of 150 letters is some 300 bytes)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode()) > 16:
        stem, ext = name, ""
    short = stem.encode()[:120].decode("utf-8", "ignore").strip() or "file"
    return f"{short}.{ext}" if ext else short


def max_file_bytes() -> int:
    return int(getattr(settings, "TANDEM_MAX_ATTACHMENT", 25 * 1024 * 1024))


def attach_files(item: Item, *, by: User, files: Sequence[NewFile]) -> list[ItemFile]:
    """Put files on an item, recorded as one change. Refused whole when one is empty or over the size
    limit (TANDEM_MAX_ATTACHMENT), so nothing is half attached."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    if not files:
        raise InvalidInput(_("Choose a file first."), field="file")
    limit = max_file_bytes()
    for new in files:
        if new.size <= 0:
            raise InvalidInput(_("The file %(name)s is empty.") % {"name": new.name}, field="file")
        if new.size > limit:
            raise InvalidInput(
                _("%(name)s is over the limit of %(limit)s MB for one file.")
                % {"name": new.name, "limit": f"{limit / 1024 / 1024:g}"},
                field="file",
            )
    with atomic_with_files():
        current = _lock(Item, item.pk, None)
        made = []
        for new in files:
            name = clean_file_name(new.name)
            stored = ItemFile(
                item=current,
                name=name,
                content_type=_content_type(new.content_type),
                size=new.size,
                inline=new.inline,
                uploaded_by=by,
            )
            content = ContentFile(new.content) if isinstance(new.content, bytes) else new.content
            try:
                save_file(stored.file, _storage_name(name), content)
            except OSError as error:
                raise InvalidInput(
                    _("%(name)s could not be stored: %(error)s")
                    % {"name": name, "error": error.strerror or error},
                    field="file",
                ) from None
            stored.save()
            made.append(stored)
        Item.objects.filter(pk=current.pk).update(updated_at=timezone.now())
        record(actor=by, verb="attached files", target=current, target_type="item",
               changes={"files": [f.name for f in made]})  # fmt: skip
    return made


def remove_file(stored: ItemFile, *, by: User) -> None:
    require(by, Permission.EDIT_WORK)
    require_visible(by, stored.item)
    with transaction.atomic():
        current = _lock(Item, stored.item_id, None)
        stored.delete()
        record(actor=by, verb="removed file", target=current, target_type="item",
               changes={"file": stored.name})  # fmt: skip
    transaction.on_commit(lambda: stored.file.delete(save=False))


def _mention_hint(users: Sequence[User]) -> dict[str, Any]:
    """Who a comment mentions, by id, for the notifications."""
    return {"_users": {"mentioned": sorted(u.pk for u in users)}} if users else {}


def edit_comment(comment: Comment, *, by: User, body: str) -> Comment:
    """Only the author edits a comment (admins may too); newly mentioned users become watchers."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, comment.item)
    _require_author(comment, by)
    text = str(body or "").strip()
    if not text:
        raise InvalidInput(_("Write a comment first."), field="body")
    with transaction.atomic():
        old = comment.body
        comment.body = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        mentioned = _mentioned_users(text)
        comment.item.watchers.add(*mentioned)
        if old != text:
            before = set(markdown.find_mentions(old))
            newly = [u for u in mentioned if u.handle not in before]
            record(actor=by, verb="edited comment", target=comment.item, target_type="item",
                   changes={"excerpt": text[:120], "body": [old, text], **_mention_hint(newly)})  # fmt: skip
    return comment


def delete_comment(comment: Comment, *, by: User) -> None:
    require(by, Permission.EDIT_WORK)
    require_visible(by, comment.item)
    _require_author(comment, by)
    with transaction.atomic():
        record(
            actor=by,
            verb="deleted comment",
            target=comment.item,
            target_type="item",
            changes={"excerpt": markdown.excerpt(comment.body, 120)},
        )
        comment.delete()


def _require_author(comment: Comment, by: User) -> None:
    from tandem.core.errors import NotAllowed

    if comment.author_id != by.pk and not by.is_staff:
        raise NotAllowed(_("Only the author may change a comment."))


def watch_item(item: Item, *, by: User, watching: bool = True) -> None:
    require(by, Permission.VIEW_WORK)
    require_visible(by, item)
    if watching:
        item.watchers.add(by)
    else:
        item.watchers.remove(by)


# --- Bulk actions ---------------------------------------------------------------------------


def bulk_update(items: Sequence[Item], *, by: User, action: str, value: Any = None) -> int:
    """Apply one action to many items, all or nothing: `assign` (a User), `unassign` (a User),
    `label` (a Label), `unlabel` (a Label), `move` (a Column), `close`, `reopen`. Closing refuses
    the whole batch, naming every blocked item, if any of them is blocked."""
    require(by, Permission.EDIT_WORK)
    if not items:
        raise InvalidInput(_("Select some items first."), field="items")
    with transaction.atomic():
        if action == "close":
            blocked = [i for i in items if i.state == ItemState.OPEN and open_blockers(i)]
            if blocked:
                refs = ", ".join(f"#{i.pk}" for i in blocked)
                raise Blocked(
                    _("Nothing was closed: %(refs)s are blocked by open items.") % {"refs": refs},
                    field="items",
                    extra={
                        "blocking": [
                            {"id": i.pk, "reference": i.reference, "title": i.title} for i in blocked
                        ]
                    },
                )
        for item in items:
            if action == "assign":
                current = _lock(Item, item.pk, None)
                users = [*current.assignees.all(), value]
                update_item(current, by=by, version=None, data={"assignees": users})
            elif action == "unassign":
                current = _lock(Item, item.pk, None)
                users = [u for u in current.assignees.all() if u.pk != getattr(value, "pk", None)]
                update_item(current, by=by, version=None, data={"assignees": users})
            elif action == "label":
                add_label(item, value, by=by)
            elif action == "unlabel":
                remove_label(item, value, by=by)
            elif action == "move":
                if not isinstance(value, Column) or value.board_id != item.board_id:
                    raise InvalidInput(_("Choose a column of the item's board."), field="column")
                move_item(item, by=by, column=value)
            elif action == "close":
                close_item(item, by=by)
            elif action == "reopen":
                reopen_item(item, by=by)
            else:
                raise InvalidInput(_("Choose what to do with the selected items."), field="action")
    return len(items)


# --- Saved views ----------------------------------------------------------------------------


def save_view(*, by: User, board: Board, name: str, query: str) -> SavedView:
    """Save (or overwrite) the user's view of a board under a name."""
    require(by, Permission.VIEW_WORK)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    clean = _clean_name(name, field="name", max_length=100)
    view, _created = SavedView.objects.update_or_create(
        user=by, board=board, name=clean, defaults={"query": str(query or "").lstrip("?")[:1000]}
    )
    return view


def delete_view(view: SavedView, *, by: User) -> None:
    if view.user_id != by.pk:
        raise NotFound(_("No such saved view."))
    view.delete()


# --- Helpers --------------------------------------------------------------------------------


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


def _lock[M: (Board, Item)](model: type[M], pk: int, version: int | None) -> M:
    current = model.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        raise NotFound(_("This record no longer exists."))
    if version is not None and current.version != version:
        raise StaleVersion(
            _("Someone else changed this after you opened it. Reload to see their change, then try again."),
            extra={"current_version": current.version},
        )
    return current
