"""The customers' parts of the timelines' scopes (tandem.activity.scopes), registered in
ContactsConfig.ready(): an organization with its people, a person, the customers someone owns (their
home feed) and those a team's members own (the team's feed)."""

from __future__ import annotations

from tandem.accounts.models import Team, User
from tandem.activity.scopes import Scope, register_scope
from tandem.contacts.models import Membership, Organization, Person


def organization_parts(organization: Organization) -> Scope:
    return [
        ("organization", [organization.pk]),
        ("person", Membership.objects.filter(organization=organization).values("person_id")),
    ]


def person_parts(person: Person) -> Scope:
    return [("person", [person.pk])]


def home_parts(user: User) -> Scope:
    return [
        ("organization", Organization.objects.filter(owner=user).values("pk")),
        ("person", Person.objects.filter(owner=user).values("pk")),
    ]


def team_parts(team: Team) -> Scope:
    return [("organization", Organization.objects.filter(owner__teams=team).values("pk"))]


def register() -> None:
    register_scope("organization", organization_parts)
    register_scope("person", person_parts)
    register_scope("home", home_parts)
    register_scope("team", team_parts)
