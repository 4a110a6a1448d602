"""The records a timeline reads, asked of the apps that own them. A scope is a list of parts,
`(target type, ids)`: the ids a list, a subquery of ids (so a big customer's thousands of people
never travel), or None for every record of the type. Each app registers, in its AppConfig.ready(),
the parts it owns of each scope:

- "organization": a customer and what is linked to it (contacts: the organization and its people;
  work: the items linked to it);
- "person": a person and what they are linked to;
- "home": what a user owns, is assigned to or watches;
- "board": a board and its items;
- "team": what a team works on (the items on its boards, the customers its members own).

The feeds and timelines (tandem.feeds) and the live updates (tandem.notifications) assemble a
scope from the registered parts, so an app that lands later (calendar, projects, documents) adds
its records to a customer's timeline or someone's home feed by registering, without their knowing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

# A timeline's scope: (target type, the ids of that type: a list or a subquery of ids; None: all)
Scope = Sequence[tuple[str, Any]]
# the subject of a scope (an organization, a person, a user, a board, a team) -> its parts
ScopePart = Callable[[Any], Scope]

SCOPES = ("organization", "person", "home", "board", "team")

_parts: dict[str, list[tuple[int, ScopePart]]] = {}


def register_scope(name: str, part: ScopePart, *, order: int = 50) -> None:
    """Add `part` to the scope `name` (one of SCOPES); a part registered twice counts once. A
    timeline reads the parts in `order` (lowest first; then as registered), one query each: the
    rows it shows do not depend on it, the order of its queries does."""
    if name not in SCOPES:
        raise ValueError(f"unknown timeline scope {name!r}: one of {', '.join(SCOPES)}")
    parts = _parts.setdefault(name, [])
    if all(part != known for _order, known in parts):
        parts.append((order, part))
        parts.sort(key=lambda each: each[0])  # stable: ties stay as registered


def scope_of(name: str, subject: Any) -> list[tuple[str, Any]]:
    """The scope `name` of `subject`: the parts of every app that registered some."""
    return [each for _order, part in _parts.get(name, []) for each in part(subject)]


def registered() -> dict[str, list[ScopePart]]:
    """What is registered, in order (for tests and for the architecture page)."""
    return {name: [part for _order, part in parts] for name, parts in _parts.items()}
