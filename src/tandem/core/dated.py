"""Dated records on the calendar: an app whose records carry a date (a work item's due date, a
deal's expected close, later a project's milestone) registers a source in its AppConfig.ready(),
and the calendar page (tandem.agenda, which may not import the apps beside or above it) asks every
source for the entries of a range and moves one through its source when it is dragged.

- `register_dated_source(key, label, entries=, move=)`: `entries(user, start, end, people)` gives
  the records `user` may see dated in [start, end) (days), of the users in `people` only (None:
  everyone's); `move(user, pk, day)` changes one record's date through the owning app's service
  (a `ServiceError` when it may not). A key registered again replaces the source.
- `dated_sources()`: the sources, in the order they were registered; `dated_source(key)`: one."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class DatedEntry:
    """A record shown read-only on a day of the calendar, linking to its page."""

    source: str  # the key of the source that gave it
    pk: int
    title: str
    day: date
    url: str
    movable: bool = True  # whether the reader may drag it to another day


Entries = Callable[[Any, date, date, Collection[int] | None], list[DatedEntry]]
Move = Callable[[Any, int, date], None]


@dataclass(frozen=True)
class DatedSource:
    key: str
    label: str | Promise
    entries: Entries
    move: Move


_sources: dict[str, DatedSource] = {}


def register_dated_source(key: str, label: str | Promise, *, entries: Entries, move: Move) -> None:
    _sources[key] = DatedSource(key=key, label=label, entries=entries, move=move)


def dated_sources() -> list[DatedSource]:
    return list(_sources.values())


def dated_source(key: str) -> DatedSource | None:
    return _sources.get(key)
