"""Labels of one board or of every board, and the labels an item carries: one label per scope
(`scope::value`), and adding or removing one puts the card in the column it now belongs to."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.core import builtin_names
from tandem.core.errors import Conflict, InvalidInput
from tandem.core.locking import lock_version
from tandem.work.models import Board, Item, Label, label_scope
from tandem.work.queries import require_visible
from tandem.work.services._common import _clean_name, _place, _touch


def _check_label_on_board(label: Label, board: Board) -> None:
    if label.board_id is not None and label.board_id != board.pk:
        raise InvalidInput(
            _("The label %(label)s belongs to another board.") % {"label": label.name}, field="labels"
        )


def create_label(
    *, by: User, data: Mapping[str, Any], board: Board | None = None, builtin: str = ""
) -> Label:
    """A label of one board, or of every board when `board` is None. `builtin`: the key of the
    name Tandem gives its value (tandem.core.builtin_names), as a pipeline does its stages'."""
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        label = Label(board=board, builtin=builtin if builtin_names.known(builtin) else "")
        _apply_label(label, data)
        _refuse_label_duplicate(label)
        label.save()
        record(by=by, verb=RecordVerb.CREATED, target=label)
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
            record(by=by, verb=RecordVerb.UPDATED, target=label, changes=changes)
    return label


def delete_label(label: Label, *, by: User) -> None:
    require(by, Permission.MANAGE_BOARDS)
    with transaction.atomic():
        if label.columns.exists():
            raise Conflict(_("A board column shows this label; remove the column first."))
        record(by=by, verb=RecordVerb.DELETED, target=label)
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
        if name != label.name and not (label.pk and name == label.display_name):
            changes["name"] = [label.name, name]
            label.name = name
            if label.pk:
                label.builtin = ""  # renamed: shown as typed from now on
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


# --- The labels an item carries -------------------------------------------------------------


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
        current = lock_version(Item, item.pk, None)
        labels = list(current.labels.all())
        changes = _set_labels(current, [*labels, label], by=by)
        if changes:
            _touch(current)
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


def remove_label(item: Item, label: Label, *, by: User) -> Item:
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    with transaction.atomic():
        current = lock_version(Item, item.pk, None)
        labels = [each for each in current.labels.all() if each.pk != label.pk]
        changes = _set_labels(current, labels, by=by)
        if changes:
            _touch(current)
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current
