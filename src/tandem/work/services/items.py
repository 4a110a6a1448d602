"""Creating and editing items, watching them, and bulk actions over many items (all or nothing)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.contacts.models import Organization, Person
from tandem.core.errors import Conflict, InvalidInput, NotFound
from tandem.core.locking import lock_version
from tandem.work.models import Board, Column, Item, ItemState, ItemType, Priority
from tandem.work.queries import may_see_board, require_visible
from tandem.work.services._common import MAX_BLOCK_DEPTH, _choice, _place, _search_text, _text, _touch
from tandem.work.services.labels import _set_labels, add_label, remove_label
from tandem.work.services.moves import Blocked, _top_rank, close_item, move_item, open_blockers, reopen_item

TITLE_MAX = 255


def create_item(*, by: User, board: Board, data: Mapping[str, Any], check_access: bool = True) -> Item:
    """A new open item at the top of the board. The board's title prefix goes in front of the title
    (unless the title already starts with it); the board's default type applies unless given, and
    its default assignee (when active) unless someone is assigned. `check_access=False` only for Tandem's own rules acting on a person's behalf on a board they
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
        if not data.get("assignees") and locked.default_assignee_id is not None:
            default = User.objects.filter(pk=locked.default_assignee_id, is_active=True).first()
            data = {**data, "assignees": [default]} if default is not None else data
        created = _apply_relations(item, data, new=True, by=by)
        # Tandem's own accounts (the mail gateway) do not watch what they make
        watchers = {*([] if by.is_system else [by.pk]), *(u.pk for u in data.get("assignees") or [])}
        item.watchers.add(*watchers)
        if "labels" not in data:
            _place(item, by=by)
        users = created.get("_users")
        record(
            by=by,
            verb=RecordVerb.CREATED,
            target=item,
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
        current = lock_version(Item, item.pk, version)
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
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
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
                current = lock_version(Item, item.pk, None)
                users = [*current.assignees.all(), value]
                update_item(current, by=by, version=None, data={"assignees": users})
            elif action == "unassign":
                current = lock_version(Item, item.pk, None)
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
