"""Feeds: what happened that concerns someone, a team, a board, or everyone who takes on new work.
Each is a timeline (tandem.activity.queries.timeline) over a scope of records given as subqueries,
read a page at a time with the same keyset cursor.

- home: the records a person owns (customers, deals), is assigned to or watches (mentioning
  someone makes them a watcher) — without what they did themselves;
- board: the board and its items;
- team: the items on the team's boards and the customers its members own;
- new work: every item and deal created anywhere, or for one customer."""

from __future__ import annotations

from typing import Any

from tandem.activity.queries import Scope, TimelinePage, timeline

NEW_WORK_VERBS = ("created",)


def home_scope(user: Any) -> Scope:
    from tandem.contacts.models import Organization, Person
    from tandem.work.models import Item

    return [
        ("item", Item.watchers.through.objects.filter(user=user).values("item_id")),
        ("item", Item.assignees.through.objects.filter(user=user).values("item_id")),
        ("organization", Organization.objects.filter(owner=user).values("pk")),
        ("person", Person.objects.filter(owner=user).values("pk")),
    ]


def board_scope(board: Any) -> Scope:
    from tandem.work.models import Item

    return [("board", [board.pk]), ("item", Item.objects.filter(board=board).values("pk"))]


def team_scope(team: Any) -> Scope:
    from tandem.contacts.models import Organization
    from tandem.work.models import Item

    return [
        ("item", Item.objects.filter(board__team=team).values("pk")),
        ("organization", Organization.objects.filter(owner__teams=team).values("pk")),
    ]


def new_work_scope(organization: Any = None) -> Scope:
    from tandem.work.models import Item

    if organization is None:
        return [("item", None)]
    return [("item", Item.organizations.through.objects.filter(organization=organization).values("item_id"))]


def home(user: Any, before: Any = None) -> TimelinePage:
    return timeline(home_scope(user), viewer=user, before=before, not_by=user)


def new_work(organization: Any = None, before: Any = None, *, viewer: Any) -> TimelinePage:
    return timeline(new_work_scope(organization), viewer=viewer, before=before, verbs=NEW_WORK_VERBS)
