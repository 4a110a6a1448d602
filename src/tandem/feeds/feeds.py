"""Feeds: what happened that concerns someone, a team, a board, or everyone who takes on new work.
Each is a timeline (tandem.feeds.queries.timeline) over a scope of records given as subqueries,
read a page at a time with the same keyset cursor. The scopes are assembled from the parts the apps
that own the records register (tandem.activity.scopes):

- home: the records a person owns (customers, deals), is assigned to or watches (mentioning
  someone makes them a watcher) — without what they did themselves;
- board: the board and its items;
- team: the items on the team's boards and the customers its members own;
- a customer (an organization: itself, its people and the items linked to it; a person: themself
  and their items), for its page's timeline;
- new work: every item and deal created anywhere, or for one customer."""

from __future__ import annotations

from datetime import datetime

from tandem.accounts.models import Team, User
from tandem.activity.grouping import GROUP_WINDOW
from tandem.activity.scopes import Scope, scope_of
from tandem.contacts.models import Organization, Person
from tandem.feeds.queries import TimelinePage, timeline
from tandem.work.models import Board, Item

NEW_WORK_VERBS = ("created",)


def customer_scope(organization: Organization) -> Scope:
    """An organization and everything linked to it: its people and the items (deals among them)
    linked to it. The ids are subqueries, so a big customer's thousands of people never travel."""
    return scope_of("organization", organization)


def person_scope(person: Person) -> Scope:
    """A person and the items they are linked to."""
    return scope_of("person", person)


def home_scope(user: User) -> Scope:
    return scope_of("home", user)


def board_scope(board: Board) -> Scope:
    return scope_of("board", board)


def team_scope(team: Team) -> Scope:
    return scope_of("team", team)


def new_work_scope(organization: Organization | None = None) -> Scope:
    if organization is None:
        return [("item", None)]
    return [("item", Item.organizations.through.objects.filter(organization=organization).values("item_id"))]


def home(user: User, before: tuple[datetime, int] | None = None) -> TimelinePage:
    """Without the demo seeder's history (no news to anyone), runs of alike entries as one line."""
    return timeline(
        home_scope(user), viewer=user, before=before, not_by=user, generated=False, group_window=GROUP_WINDOW
    )


def board_feed(
    board: Board, before: tuple[datetime, int] | None = None, *, viewer: User | None
) -> TimelinePage:
    return timeline(board_scope(board), viewer=viewer, before=before, group_window=GROUP_WINDOW)


def team_feed(team: Team, before: tuple[datetime, int] | None = None, *, viewer: User | None) -> TimelinePage:
    return timeline(team_scope(team), viewer=viewer, before=before, group_window=GROUP_WINDOW)


def new_work(
    organization: Organization | None = None,
    before: tuple[datetime, int] | None = None,
    *,
    viewer: User | None,
) -> TimelinePage:
    return timeline(
        new_work_scope(organization),
        viewer=viewer,
        before=before,
        verbs=NEW_WORK_VERBS,
        group_window=GROUP_WINDOW,
    )
