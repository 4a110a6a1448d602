"""A finance run and a board meeting set up through the services, for the rituals' tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tandem.accounts.models import Team, User
from tandem.agenda import services as agenda
from tandem.agenda.models import Calendar, CalendarKind
from tandem.rituals import services
from tandem.rituals.models import Ritual, RitualKind
from tandem.work import services as work
from tandem.work.models import Board

BERLIN = ZoneInfo("Europe/Berlin")


def week_start() -> datetime:
    """Monday 09:00 Berlin, four weeks ago: the series has past and coming occurrences."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 28)
    return datetime(monday.year, monday.month, monday.day, 9, 0, tzinfo=BERLIN)


@pytest.fixture
def finance_team(admin_user: User, manager: User, member: User) -> Team:
    team = Team.objects.create(name="Finance", slug="finance")
    manager.teams.add(team)
    return team


@pytest.fixture
def team_calendar(admin_user: User, finance_team: Team) -> Calendar:
    return agenda.create_calendar(
        by=admin_user,
        kind=CalendarKind.TEAM,
        team=finance_team,
        data={"name": "Finance team", "time_zone": "Europe/Berlin"},
    )


@pytest.fixture
def private_finance_board(admin_user: User, finance_team: Team) -> Board:
    return work.create_board_with_stages(
        by=admin_user,
        data={"name": "Finance", "default_type": "finance", "team": finance_team, "private": True},
        stages=["to invoice", "invoiced"],
        scope="finance",
    )


@pytest.fixture
def finance_run(manager: User, team_calendar: Calendar, private_finance_board: Board) -> Ritual:
    return services.create_ritual(
        by=manager,
        kind=RitualKind.FINANCE_RUN,
        name="Weekly finance run",
        calendar=team_calendar,
        board=private_finance_board,
        start=week_start(),
        attendees=[manager],
    )


@pytest.fixture
def actions_board(admin_user: User) -> Board:
    return work.create_board_with_stages(
        by=admin_user,
        data={
            "name": "Board actions",
            "default_type": "action",
            "title_prefix": "Acme Board Meeting action: ",
        },
        stages=["to do"],
        scope="action",
    )


@pytest.fixture
def board_meeting(admin_user: User, actions_board: Board, member: User, manager: User) -> Ritual:
    calendar = agenda.create_calendar(
        by=admin_user, kind=CalendarKind.TEAM, team=Team.objects.create(name="Board", slug="board"),
        data={"name": "Board", "time_zone": "Europe/Berlin"},
    )  # fmt: skip
    start = week_start() - timedelta(days=90)
    return services.create_ritual(
        by=admin_user,
        kind=RitualKind.BOARD_MEETING,
        name="Board meeting",
        calendar=calendar,
        board=actions_board,
        start=start,
        attendees=[admin_user, member, manager],
    )


def first_occurrence(ritual: Ritual) -> datetime:
    return ritual.event.start


def make_item(by: User, board: Board, title: str, **data: Any) -> Any:
    return work.create_item(by=by, board=board, data={"title": title, **data})
