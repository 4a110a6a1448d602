"""Feeds and timelines through the API: the same pages as the feed pages and a customer page's
history, 30 entries at a time with a cursor. A customer's timeline keeps its place beside the
customer's other endpoints (`/organizations/{id}/timeline`): its router is mounted there."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from tandem.accounts.auth import acting_user
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Permission, require
from tandem.contacts.models import Organization
from tandem.contacts.queries import get_organization_for_user
from tandem.core.api.errors import errors
from tandem.core.api.types import PathId
from tandem.core.errors import InvalidInput, NotFound
from tandem.feeds import feeds as feed_scopes
from tandem.feeds import queries
from tandem.feeds.schemas import TimelineOut
from tandem.work.queries import get_board_for_user

feeds = Router(tags=["Feeds"])
customer_timelines = Router(tags=["Organizations"])


def cursor_from(before: str | None) -> tuple[datetime, int] | None:
    """The `before` of a timeline or feed request: none (the first page) or the `next` of a page."""
    cursor = queries.parse_cursor(before)
    if before is not None and cursor is None:
        raise InvalidInput(_("Pass the “next” of the page before as “before”."), field="before")
    return cursor


def timeline_out(page: queries.TimelinePage) -> dict[str, Any]:
    """A timeline or feed page as the API answers it (TimelineOut)."""
    return {"items": [entry for _day, entries in page.days for entry in entries], "next": page.more}


def _page(request: HttpRequest, before: str | None) -> tuple[User, tuple[datetime, int] | None]:
    user = acting_user(request)
    require(user, Permission.VIEW_WORK)
    return user, cursor_from(before)


@feeds.get("/home", response={200: TimelineOut, **errors()})
def home_feed(request: HttpRequest, before: str | None = None) -> dict[str, Any]:
    """What others did to what you own, are assigned to or watch, newest first."""
    user, cursor = _page(request, before)
    return timeline_out(feed_scopes.home(user, cursor))


@feeds.get("/new-work", response={200: TimelineOut, **errors(404)})
def new_work_feed(
    request: HttpRequest, before: str | None = None, organization: PathId | None = None
) -> dict[str, Any]:
    """Every item and deal created, newest first; `organization`: only that customer's."""
    user, cursor = _page(request, before)
    customer = None
    if organization is not None:
        customer = Organization.objects.filter(pk=organization).first()
        if customer is None:
            raise NotFound(_("Not found."))
    return timeline_out(feed_scopes.new_work(customer, cursor, viewer=user))


@feeds.get("/boards/{id}", response={200: TimelineOut, **errors(404)})
def board_feed(request: HttpRequest, id: PathId, before: str | None = None) -> dict[str, Any]:
    user, cursor = _page(request, before)
    return timeline_out(
        queries.timeline(feed_scopes.board_scope(get_board_for_user(user, id)), viewer=user, before=cursor)
    )


@feeds.get("/teams/{id}", response={200: TimelineOut, **errors(404)})
def team_feed(request: HttpRequest, id: PathId, before: str | None = None) -> dict[str, Any]:
    user, cursor = _page(request, before)
    team = Team.objects.filter(pk=id).first()
    if team is None:
        raise NotFound(_("Not found."))
    return timeline_out(queries.timeline(feed_scopes.team_scope(team), viewer=user, before=cursor))


@customer_timelines.get("/{id}/timeline", response={200: TimelineOut, **errors(404)})
def organization_timeline(request: HttpRequest, id: PathId, before: str | None = None) -> dict[str, Any]:
    """The customer's whole timeline, newest first, 30 at a time: the organization, its people and
    the items and deals linked to it. `before`: the `next` of the page before."""
    org = get_organization_for_user(acting_user(request), id)
    page = queries.timeline(
        feed_scopes.customer_scope(org), viewer=acting_user(request), before=cursor_from(before)
    )
    return timeline_out(page)
