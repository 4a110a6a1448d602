"""Creating and editing items: the board's title prefix and default type, fields, subtasks,
history of title and description, roles."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.accounts.models import Team
from tandem.activity.models import HistoryEntry
from tandem.core.errors import InvalidInput, NotAllowed, NotFound, StaleVersion
from tandem.work import queries, services
from tandem.work.models import Item, ItemType
from tests.work.conftest import fresh


def test_board_prefix_and_default_type_apply_to_new_items(manager, member):
    actions = services.create_board(
        by=manager,
        data={
            "name": "Board actions",
            "title_prefix": "Acme Board Meeting action: ",
            "default_type": "action",
        },
    )
    item = services.create_item(by=member, board=actions, data={"title": "Hire a CFO"})
    assert item.title == "Acme Board Meeting action: Hire a CFO"
    assert item.type == ItemType.ACTION
    again = services.create_item(by=member, board=actions, data={"title": "Acme Board Meeting action: Audit"})
    assert again.title == "Acme Board Meeting action: Audit"  # not doubled


def test_fields_are_saved_and_the_creator_watches(member, admin_user, make_item):
    item = make_item(
        "Call back",
        description="**Soon**",
        priority=3,
        start_date=date(2026, 12, 1),
        due_date=date(2026, 12, 5),
        estimate="2.5",
        assignees=[admin_user],
    )
    item = fresh(item)
    assert (item.priority, item.due_date, str(item.estimate)) == (3, date(2026, 12, 5), "2.50")
    assert set(item.watchers.all()) == {member, admin_user}
    assert list(item.assignees.all()) == [admin_user]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "ok", "start_date": date(2026, 2, 2), "due_date": date(2026, 2, 1)}, "due_date"),
        ({"title": "ok", "estimate": "-1"}, "estimate"),
        ({"title": "ok", "estimate": "lots"}, "estimate"),
        ({"title": "ok", "priority": 9}, "priority"),
        ({"title": "ok", "type": "bug"}, "type"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(member, board, data, field):
    with pytest.raises(InvalidInput) as refused:
        services.create_item(by=member, board=board, data=data)
    assert refused.value.field == field
    assert not Item.objects.exists()


def test_edit_history_keeps_old_and_new_title_and_description(member, make_item):
    item = make_item("Draft", description="first text")
    services.update_item(item, by=member, version=1, data={"title": "Final", "description": "second text"})
    entry = HistoryEntry.objects.get(target_type="item", target_id=item.pk, verb="updated")
    assert entry.changes["title"] == ["Draft", "Final"]
    assert entry.changes["description"] == ["first text", "second text"]


def test_a_stale_edit_is_refused(member, make_item):
    item = make_item("Draft")
    services.update_item(item, by=member, version=1, data={"title": "One"})
    with pytest.raises(StaleVersion):
        services.update_item(item, by=member, version=1, data={"title": "Two"})
    assert fresh(item).title == "One"


def test_subtasks_at_any_depth_and_progress(member, make_item):
    parent = make_item("Launch")
    child_a = make_item("Design", parent=parent)
    child_b = make_item("Build", parent=parent)
    make_item("Backend", parent=child_b)
    services.close_item(child_a, by=member)
    (with_progress,) = queries.with_progress(Item.objects.filter(pk=parent.pk))
    assert (with_progress.children_total, with_progress.children_closed) == (2, 1)
    assert [c.title for c in queries.children_of(parent, user=member)] == ["Build", "Design"]  # open first


def test_no_parent_loops(member, make_item):
    top = make_item("Top")
    middle = make_item("Middle", parent=top)
    bottom = make_item("Bottom", parent=middle)
    for parent in (top, bottom):
        with pytest.raises(InvalidInput):
            services.update_item(
                top, by=member, version=None, data={"parent": parent if parent != top else top}
            )
    with pytest.raises(InvalidInput):
        services.update_item(top, by=member, version=None, data={"parent": bottom})
    assert fresh(top).parent is None


def test_guests_read_but_do_not_write(guest, manager, board, make_item):
    item = make_item("Visible")
    # a guest (a contractor) reads the boards of their teams only
    with pytest.raises(NotFound):
        queries.get_item_for_user(guest, item.pk)
    team = Team.objects.create(name="Sales", slug="sales")
    services.update_board(board, by=manager, version=None, data={"team": team})
    guest.teams.add(team)
    assert queries.get_item_for_user(guest, item.pk) == item
    with pytest.raises(NotAllowed):
        services.create_item(by=guest, board=board, data={"title": "Nope"})
    with pytest.raises(NotAllowed):
        services.close_item(item, by=guest)
    with pytest.raises(NotAllowed):
        services.create_board(by=guest, data={"name": "Nope"})


def test_members_work_but_do_not_shape_boards(member, board):
    with pytest.raises(NotAllowed):
        services.create_board(by=member, data={"name": "Mine"})
    with pytest.raises(NotAllowed):
        services.create_label(by=member, board=board, data={"name": "x"})


def test_archived_board_takes_no_new_items(manager, member, board):
    services.archive_board(board, by=manager)
    with pytest.raises(Exception, match="archived"):
        services.create_item(by=member, board=board, data={"title": "Late"})
