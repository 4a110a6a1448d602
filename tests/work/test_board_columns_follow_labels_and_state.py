"""Moving a card to a column changes its label or state; changing the label or state moves the card."""

from __future__ import annotations

from tandem.work import services
from tandem.work.models import ColumnKind, ItemState
from tests.work.conftest import fresh, titles


def test_a_new_item_without_a_stage_sits_in_open(make_item, column):
    item = make_item("New deal")
    assert fresh(item).column == column("Open")


def test_the_label_decides_the_column(member, make_item, column, label):
    item = make_item("Deal", labels=[label("sales::lead")])
    assert fresh(item).column == column("lead")
    services.add_label(item, label("sales::proposal"), by=member)
    assert fresh(item).column == column("proposal")
    services.remove_label(item, label("sales::proposal"), by=member)
    assert fresh(item).column == column("Open")


def test_moving_to_a_label_column_sets_the_label(member, make_item, column):
    item = make_item("Deal")
    services.move_item(item, by=member, column=column("qualified"))
    item = fresh(item)
    assert item.column == column("qualified")
    assert list(item.labels.values_list("name", flat=True)) == ["sales::qualified"]


def test_moving_between_plain_label_columns_drops_the_old_label(manager, member, board, make_item):
    todo = services.create_label(by=manager, board=board, data={"name": "todo"})
    doing = services.create_label(by=manager, board=board, data={"name": "doing"})
    services.add_column(board, by=manager, spec={"kind": ColumnKind.LABEL, "label": todo})
    services.add_column(board, by=manager, spec={"kind": ColumnKind.LABEL, "label": doing})
    item = make_item("Task", labels=[todo])
    services.move_item(item, by=member, column=board.columns.get(label=doing))
    assert list(fresh(item).labels.values_list("name", flat=True)) == ["doing"]


def test_moving_to_open_removes_the_stage_labels_only(manager, member, make_item, column, label):
    vip = services.create_label(by=manager, data={"name": "vip"})
    item = make_item("Deal", labels=[label("sales::proposal"), vip])
    services.move_item(item, by=member, column=column("Open"))
    item = fresh(item)
    assert item.column == column("Open")
    assert list(item.labels.values_list("name", flat=True)) == ["vip"]


def test_moving_to_closed_closes_and_back_reopens(member, make_item, column):
    item = make_item("Deal")
    services.move_item(item, by=member, column=column("Closed"))
    closed = fresh(item)
    assert (closed.state, closed.column, closed.closed_by) == (ItemState.CLOSED, column("Closed"), member)
    assert closed.closed_at is not None
    services.move_item(item, by=member, column=column("lead"))
    reopened = fresh(item)
    assert (reopened.state, reopened.column, reopened.closed_at) == (ItemState.OPEN, column("lead"), None)


def test_closing_and_reopening_move_the_card(member, make_item, column, label):
    item = make_item("Deal", labels=[label("sales::lead")])
    services.close_item(item, by=member)
    assert fresh(item).column == column("Closed")
    services.reopen_item(item, by=member)
    assert fresh(item).column == column("lead")  # the stage label stayed on it


def test_position_inside_the_column(member, make_item, column):
    first, second, third = (make_item(t) for t in ("first", "second", "third"))
    # new items go on top: third, second, first
    assert titles(column("Open")) == ["third", "second", "first"]
    services.move_item(third, by=member, column=column("Open"), after=first)
    assert titles(column("Open")) == ["second", "first", "third"]
    services.move_item(first, by=member, column=column("Open"), before=second)
    assert titles(column("Open")) == ["first", "second", "third"]
    services.move_item(second, by=member, column=column("lead"))
    services.move_item(third, by=member, column=column("lead"), before=second)
    assert titles(column("lead")) == ["third", "second"]


def test_a_move_is_one_history_entry(member, make_item, column):
    from tandem.activity.models import HistoryEntry

    item = make_item("Deal")
    services.move_item(item, by=member, column=column("qualified"))
    entry = HistoryEntry.objects.filter(target_type="item", target_id=item.pk, verb="moved").get()
    assert entry.changes["column"] == ["Open", "qualified"]


def test_adding_a_column_moves_the_items_that_carry_its_label(manager, member, board, make_item):
    hot = services.create_label(by=manager, board=board, data={"name": "temperature::hot"})
    item = make_item("Deal", labels=[hot])
    assert fresh(item).column.name == "Open"
    column = services.add_column(board, by=manager, spec={"kind": ColumnKind.LABEL, "label": hot})
    assert fresh(item).column == column
    assert list(board.columns.values_list("name", flat=True))[-1] == "Closed"  # Closed stays last
    services.delete_column(column, by=manager)
    assert fresh(item).column.name == "Open"
