"""The work items' parts of the timelines' scopes (tandem.activity.scopes), registered in
WorkConfig.ready(): the items linked to a customer, the items someone watches or is assigned to
(their home feed), a board with its items, and the items on a team's boards."""

from __future__ import annotations

from tandem.accounts.models import Team, User
from tandem.activity.scopes import Scope, register_scope
from tandem.contacts.models import Organization, Person
from tandem.work.models import Board, Item


def organization_parts(organization: Organization) -> Scope:
    return [("item", Item.organizations.through.objects.filter(organization=organization).values("item_id"))]


def person_parts(person: Person) -> Scope:
    return [("item", Item.people.through.objects.filter(person=person).values("item_id"))]


def home_parts(user: User) -> Scope:
    return [
        ("item", Item.watchers.through.objects.filter(user=user).values("item_id")),
        ("item", Item.assignees.through.objects.filter(user=user).values("item_id")),
    ]


def board_parts(board: Board) -> Scope:
    return [("board", [board.pk]), ("item", Item.objects.filter(board=board).values("pk"))]


def team_parts(team: Team) -> Scope:
    return [("item", Item.objects.filter(board__team=team).values("pk"))]


def register() -> None:
    register_scope("organization", organization_parts)
    register_scope("person", person_parts)
    # a home or team feed reads the items first, then the customers (contacts' parts)
    register_scope("home", home_parts, order=10)
    register_scope("board", board_parts)
    register_scope("team", team_parts, order=10)
