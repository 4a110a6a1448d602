"""Links between items: `blocks` (no cycles) and `relates_to`, recorded on both ends."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.core.errors import Conflict, InvalidInput, NotFound
from tandem.work.models import Item, ItemLink, LinkKind
from tandem.work.queries import require_visible
from tandem.work.services._common import MAX_BLOCK_DEPTH, _choice
from tandem.work.verbs import WorkVerb


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
        _record_link(link, verb=WorkVerb.LINKED, by=by)
    return link


def _record_link(link: ItemLink, *, verb: WorkVerb, by: User) -> None:
    """History on both ends: "blocks #7" on the source, "is blocked by #3" on the target."""
    seen_from_target = f"{link.kind}_by" if link.kind == LinkKind.BLOCKS else link.kind
    for here, there, kind in (
        (link.source, link.target, link.kind),
        (link.target, link.source, seen_from_target),
    ):
        record(
            by=by,
            verb=verb,
            target=here,
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
        _record_link(link, verb=WorkVerb.UNLINKED, by=by)
        link.delete()
