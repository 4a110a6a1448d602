from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts import services as accounts
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Role
from tandem.notifications import fanout
from tandem.notifications.models import Notification
from tandem.work import services as work
from tandem.work.models import Board, Item
from tests.conftest import make_user


@pytest.fixture
def ana(db: None) -> User:
    return make_user("ana@tandem.test", Role.MEMBER, full_name="Ana Actor")


@pytest.fixture
def ben(db: None) -> User:
    return make_user("ben@tandem.test", Role.MEMBER, full_name="Ben Assignee")


@pytest.fixture
def cleo(db: None) -> User:
    return make_user("cleo@tandem.test", Role.MEMBER, full_name="Cleo Colleague")


@pytest.fixture
def dan(db: None) -> User:
    return make_user("dan@tandem.test", Role.MEMBER, full_name="Dan Elsewhere")


@pytest.fixture
def support(admin_user: User, ana: User, ben: User, cleo: User) -> Team:
    """Ana, Ben and Cleo are the support team; Dan is not in it."""
    team = accounts.create_team(name="Support", slug="support", by=admin_user)
    for user in (ana, ben, cleo):
        accounts.update_user(user, by=admin_user, teams=[team])
    return team


@pytest.fixture
def board(admin_user: User, support: Team) -> Board:
    return work.create_board(by=admin_user, data={"name": "Support", "team": support})


@pytest.fixture
def make_item(ana: User, board: Board) -> Callable[..., Item]:
    def make(title: str = "Printer on fire", **data: Any) -> Item:
        return work.create_item(
            by=data.pop("by", ana), board=data.pop("board", board), data={"title": title, **data}
        )

    return make


def delivered() -> dict[str, list[tuple[str, str, str]]]:
    """Run the fan-out; then each user's notifications as (verb, kind, reason), oldest first."""
    fanout.fan_out.call()
    found: dict[str, list[tuple[str, str, str]]] = {}
    for n in Notification.objects.select_related("user", "entry").order_by("id"):
        found.setdefault(n.user.email.split("@")[0], []).append((n.entry.verb, n.kind, n.reason))
    return found


def forget() -> None:
    """Fan out what is waiting, then forget every notification (to look at what comes next)."""
    fanout.fan_out.call()
    Notification.objects.all().delete()
