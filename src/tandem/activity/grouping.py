"""Runs of alike history shown as one line: "Ada Admin created 129 people". A pure function over a
list already read (a page of a feed, of the inbox), so grouping never changes what a page holds or
where the next page starts; a run cut by a page's end continues as its own line on the next page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from tandem.activity import verbs

if TYPE_CHECKING:
    from tandem.activity.models import HistoryEntry

# Entries belong to one line when the same person did the same thing to the same kind of record,
# one right after the other, and the whole run took at most this long.
GROUP_WINDOW = timedelta(minutes=10)
# A line of a run lists this many of its records under its disclosure, then says how many more.
GROUP_SHOWN = 10


@dataclass
class Group[Row]:
    """One line: a row alone, or a run of alike rows (newest first, as they were read)."""

    rows: list[Row]
    entry_of: Callable[[Row], HistoryEntry] = field(repr=False)

    @property
    def first(self) -> Row:
        return self.rows[0]

    @property
    def entry(self) -> HistoryEntry:
        """The newest entry of the run: its actor, verb and kind of record are the run's."""
        return self.entry_of(self.rows[0])

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def is_run(self) -> bool:
        return len(self.rows) > 1

    @property
    def shown(self) -> list[Row]:
        return self.rows[:GROUP_SHOWN]

    @property
    def not_shown(self) -> int:
        return max(0, len(self.rows) - GROUP_SHOWN)

    @property
    def counted_targets(self) -> str:
        """ "129 people", in the reader's language."""
        return verbs.counted_target_type(self.entry.target_type, self.count)


def _identity(row: object) -> HistoryEntry:
    return row  # type: ignore[return-value]


def alike(newest: HistoryEntry, entry: HistoryEntry, window: timedelta = GROUP_WINDOW) -> bool:
    """Whether `entry` (older) continues a run that began with `newest`."""
    return (
        entry.actor_id == newest.actor_id
        and entry.verb == newest.verb
        and entry.target_type == newest.target_type
        and abs(newest.at - entry.at) <= window
    )


def group_runs[Row](
    rows: Sequence[Row],
    *,
    entry_of: Callable[[Row], HistoryEntry] = _identity,
    window: timedelta = GROUP_WINDOW,
) -> list[Group[Row]]:
    """Consecutive rows whose entries are alike (same actor, verb and kind of record, within
    `window` of the run's newest) as one group each; every other row a group of its own. The order
    of the rows is kept."""
    groups: list[Group[Row]] = []
    for row in rows:
        if groups and alike(groups[-1].entry, entry_of(row), window):
            groups[-1].rows.append(row)
        else:
            groups.append(Group([row], entry_of))
    return groups
