"""What a reader may see of history. History points at records of every app; what a viewer may
not see of them is decided by the apps that own them (work: the items of boards private to a team).
They register it here, in their AppConfig.ready(), so history reads know no app above them. The
timelines and feeds (tandem.feeds), the live updates and the inbox (tandem.notifications) and the
history endpoints (contacts, work) all read through these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet

from tandem.activity.models import HistoryEntry

HiddenTargets = Callable[[Any], QuerySet[Any, Any] | None]  # viewer → ids they may not see, or None
VisibleIds = Callable[[Any, set[int]], set[int]]  # viewer, ids → those they may see
_hidden: dict[str, HiddenTargets] = {}
_visible: dict[str, VisibleIds] = {}


def register_visibility(target_type: str, *, hidden: HiddenTargets, visible: VisibleIds) -> None:
    _hidden[target_type] = hidden
    _visible[target_type] = visible


def without_hidden_items(entries: QuerySet[HistoryEntry], viewer: Any) -> QuerySet[HistoryEntry]:
    """Leave out the history of the records `viewer` may not see (items on private boards). A viewer
    of None sees everything: for Tandem's own tools and the tests, never for a request."""
    if viewer is None:
        return entries
    for target_type, hidden_of in _hidden.items():
        hidden = hidden_of(viewer)
        if hidden is not None:
            entries = entries.exclude(target_type=target_type, target_id__in=hidden)
    return entries


def mask_private_links(entries: Sequence[HistoryEntry], viewer: Any) -> None:
    """A link entry whose other end is on a board `viewer` may not see names it only as "a private
    item": its number and title are taken out of the entry's changes (in memory, never saved)."""
    visible_of = _visible.get("item")
    if viewer is None or visible_of is None:
        return
    links = [e for e in entries if e.verb in LINK_VERBS and isinstance(e.changes, dict)]
    ids = {int(e.changes["target"]) for e in links if str(e.changes.get("target", "")).isdigit()}
    if not ids:
        return
    seen = visible_of(viewer, ids)
    for entry in links:
        if str(entry.changes.get("target", "")).isdigit() and int(entry.changes["target"]) not in seen:
            entry.changes = {"kind": entry.changes.get("kind", ""), "_private": True}


LINK_VERBS = ("linked", "unlinked")
