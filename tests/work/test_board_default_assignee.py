"""A board's default assignee: new items nobody was assigned to go to them (the invoice a won deal
opens on the finance board, an item made in the form with no assignee); someone chosen keeps the
item. Only an active person who may see the board can be the default assignee."""

from __future__ import annotations

import pytest

from tandem.accounts.models import Team
from tandem.accounts.roles import Role
from tandem.core.errors import InvalidInput
from tandem.work import services as work
from tandem.work.models import Board
from tests.conftest import login, make_user


@pytest.fixture
def board(manager):
    return work.create_board(by=manager, data={"name": "Finance", "default_type": "finance"})


def test_new_items_nobody_was_assigned_to_go_to_the_default_assignee(admin_user, manager, member, board):
    work.update_board(board, by=admin_user, version=None, data={"default_assignee": member})
    item = work.create_item(by=manager, board=board, data={"title": "Invoice Acme"})
    assert list(item.assignees.all()) == [member] and member in item.watchers.all()
    chosen = work.create_item(by=manager, board=board, data={"title": "Chase Zeta", "assignees": [manager]})
    assert list(chosen.assignees.all()) == [manager]
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert not work.create_item(by=manager, board=board, data={"title": "Later"}).assignees.exists()


def test_only_an_active_person_who_sees_the_board(admin_user, member, deactivated, guest, board):
    with pytest.raises(InvalidInput) as refused:
        work.update_board(board, by=admin_user, version=None, data={"default_assignee": deactivated})
    assert refused.value.field == "default_assignee"
    with pytest.raises(InvalidInput):
        work.update_board(board, by=admin_user, version=None, data={"default_assignee": guest})
    team = Team.objects.create(name="Finance", slug="finance")
    work.update_board(board, by=admin_user, version=None, data={"team": team, "private": True})
    with pytest.raises(InvalidInput, match="may not see this board"):
        work.update_board(board, by=admin_user, version=None, data={"default_assignee": member})
    member.teams.add(team)
    work.update_board(board, by=admin_user, version=None, data={"default_assignee": member})
    other_admin = make_user("ada@tandem.test", Role.ADMIN)
    work.update_board(board, by=admin_user, version=None, data={"default_assignee": other_admin})
    assert Board.objects.get(pk=board.pk).default_assignee == other_admin


def test_the_board_settings_choose_it(manager, member, board):
    client = login(manager)
    page = client.get(f"/boards/{board.pk}/settings/").content.decode()
    assert "Default assignee" in page
    client.post(
        f"/boards/{board.pk}/settings/",
        {
            "name": "Finance",
            "default_type": "finance",
            "team_notifications": "assignments",
            "default_assignee": member.pk,
        },
    )
    assert Board.objects.get(pk=board.pk).default_assignee == member
