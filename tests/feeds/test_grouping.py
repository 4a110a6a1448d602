"""Runs of alike history as one line (tandem.activity.grouping.group_runs): the same person doing
the same to the same kind of record, one after the other, within the window; anything else breaks
the run. A pure function: the entries here are never saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.activity.grouping import GROUP_SHOWN, GROUP_WINDOW, group_runs
from tandem.activity.models import HistoryEntry

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def entry(n: int, *, actor: int | None = 1, verb: str = "created", kind: str = "person", minutes: float = 0):
    """The n-th entry, `minutes` before START (a page is newest first)."""
    return HistoryEntry(
        pk=1000 - n, actor_id=actor, verb=verb, target_type=kind, target_id=n,
        target_label=f"Record {n}", at=START - timedelta(minutes=minutes),
    )  # fmt: skip


def sizes(entries) -> list[int]:
    return [group.count for group in group_runs(entries)]


def test_a_run_of_alike_entries_is_one_line_in_their_order():
    entries = [entry(n, minutes=n * 0.01) for n in range(129)]
    (group,) = group_runs(entries)
    assert group.count == 129 and group.is_run and group.rows == entries
    assert group.entry is entries[0]  # the newest speaks for the run
    assert group.counted_targets == "129 people"
    assert len(group.shown) == GROUP_SHOWN and group.not_shown == 129 - GROUP_SHOWN


def test_a_single_entry_is_a_line_of_its_own():
    (group,) = group_runs([entry(1)])
    assert not group.is_run and group.count == 1 and group.not_shown == 0
    assert group_runs([]) == []


def test_another_actor_breaks_the_run():
    entries = [entry(0), entry(1), entry(2, actor=2), entry(3), entry(4)]
    assert sizes(entries) == [2, 1, 2]


def test_another_verb_breaks_the_run():
    entries = [entry(0), entry(1, verb="updated"), entry(2, verb="updated"), entry(3)]
    assert sizes(entries) == [1, 2, 1]


def test_another_kind_of_record_breaks_the_run():
    entries = [entry(0), entry(1, kind="organization"), entry(2)]
    assert sizes(entries) == [1, 1, 1]
    assert group_runs([entry(0, kind="organization"), entry(1, kind="organization")])[0].counted_targets == (
        "2 organizations"
    )


def test_a_run_spans_at_most_the_window_from_its_newest_entry():
    window = GROUP_WINDOW.total_seconds() / 60
    inside = [entry(0), entry(1, minutes=window / 2), entry(2, minutes=window)]
    assert sizes(inside) == [3]
    # every step is short, but the run would outgrow the window: the late part starts a new line
    creeping = [entry(n, minutes=n * window / 3) for n in range(7)]
    assert sizes(creeping) == [4, 3]
    assert sizes([entry(0), entry(1, minutes=window + 0.01)]) == [1, 1]


def test_entries_by_tandem_itself_group_too():
    assert sizes([entry(0, actor=None), entry(1, actor=None), entry(2, actor=1)]) == [2, 1]


def test_other_rows_group_by_their_entry():
    """The inbox groups notifications by the entry each is about."""
    rows = [("a", entry(0)), ("b", entry(1)), ("c", entry(2, verb="commented"))]
    groups = group_runs(rows, entry_of=lambda row: row[1])
    assert [[name for name, _e in group.rows] for group in groups] == [["a", "b"], ["c"]]
