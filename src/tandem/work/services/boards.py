"""Boards and their columns: create (plain, or from a list of stages), edit, archive and restore
a board; add, change and remove its columns, after which every card moves to its column."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, Role, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.core import builtin_names
from tandem.core.errors import InvalidInput, NotFound
from tandem.core.locking import lock_version
from tandem.work.models import Board, Column, ColumnKind, ItemType, Label, SumField, TeamNotifications
from tandem.work.queries import may_see_board
from tandem.work.services._common import _choice, _clean_name, _replace_columns_of_board, _text
from tandem.work.services.labels import _check_label_on_board, create_label
from tandem.work.verbs import WorkVerb


def create_board(*, by: User, data: Mapping[str, Any], columns: Sequence[Mapping[str, Any]] = ()) -> Board:
    """A new board; without `columns` it gets an Open and a Closed column."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        board = Board(created_by=by)
        _apply_board(board, data)
        board.save()
        for spec in columns or [{"kind": ColumnKind.OPEN}, {"kind": ColumnKind.CLOSED}]:
            _add_column(board, spec)
        record(by=by, verb=RecordVerb.CREATED, target=board)
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
        "default_assignee": _default_assignee,
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
    assignee = board.default_assignee
    if (
        assignee is not None
        and ("default_assignee" in changes or "private" in changes or "team" in changes)
        and (board.private or assignee.role == Role.GUEST)
        and assignee.role != Role.ADMIN
        and (board.team_id is None or not assignee.teams.filter(pk=board.team_id).exists())
    ):
        # nobody is given work on a board they may not see (tandem.work.queries.board_visibility)
        raise InvalidInput(
            _("%(name)s may not see this board: choose someone of its team.")
            % {"name": assignee.display_name},
            field="default_assignee",
        )
    return changes


def _default_assignee(value: Any) -> User | None:
    if value is not None and (not isinstance(value, User) or not value.is_active or value.is_system):
        raise InvalidInput(_("Choose an active user."), field="default_assignee")
    return value


def update_board(board: Board, *, by: User, version: int | None, data: Mapping[str, Any]) -> Board:
    require(by, Permission.MANAGE_BOARDS)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        current = lock_version(Board, board.pk, version)
        changes = _apply_board(current, data)
        if changes:
            current.version += 1
            current.save()
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


def archive_board(board: Board, *, by: User) -> Board:
    require(by, Permission.MANAGE_BOARDS)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        current = lock_version(Board, board.pk, None)
        if current.archived_at is None:
            current.archived_at = timezone.now()
            current.version += 1
            current.save()
            record(by=by, verb=RecordVerb.ARCHIVED, target=current)
    return current


def restore_board(board: Board, *, by: User) -> Board:
    require(by, Permission.MANAGE_BOARDS)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    with transaction.atomic():
        current = lock_version(Board, board.pk, None)
        if current.archived_at is not None:
            current.archived_at = None
            current.version += 1
            current.save()
            record(by=by, verb=RecordVerb.RESTORED, target=current)
    return current


def _add_column(board: Board, spec: Mapping[str, Any], *, builtin: str = "") -> Column:
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
    if not spec.get("name") and label is None:
        builtin = str(kind)  # Tandem names it: shown in the reader's language until renamed
    elif not builtin_names.known(builtin):
        builtin = ""
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
        builtin=builtin,
    )
    _replace_columns_of_board(board)
    return column


def add_column(board: Board, *, by: User, spec: Mapping[str, Any], builtin: str = "") -> Column:
    """A column showing one label's items (`{"kind": "label", "label": Label}`), or the board's Open
    or Closed column. Items carrying the label move into it at once. `builtin`: the key of the name
    Tandem gives it (tandem.core.builtin_names), as a pipeline does its stages' columns."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=board.pk).first()
        column = _add_column(board, spec, builtin=builtin)
        record(
            by=by,
            verb=WorkVerb.ADDED_COLUMN,
            target=board,
            changes={"column": column.name},
        )
    return column


def update_column(column: Column, *, by: User, data: Mapping[str, Any]) -> Column:
    """Rename, set or clear the WIP limit, or move to `position` (0 = first)."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        Board.objects.select_for_update().filter(pk=column.board_id).first()
        column = Column.objects.get(pk=column.pk)
        before = {"name": column.name, "wip_limit": column.wip_limit, "position": column.position}
        if "name" in data and not builtin_names.is_unchanged(
            str(data["name"] or ""), column.name, column.builtin
        ):
            column.name = _clean_name(data["name"], field="name", max_length=100)
            column.builtin = ""  # renamed: shown as typed from now on
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
            record(
                by=by,
                verb=WorkVerb.UPDATED_COLUMN,
                target=column.board,
                changes={"column": column.name, **changes},
            )
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
        record(by=by, verb=WorkVerb.REMOVED_COLUMN, target=board, changes={"column": name})
