"""Notifications through the API: the inbox a page at a time, marking read, and the preferences."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from tandem.accounts.auth import acting_user
from tandem.accounts.roles import Permission, require
from tandem.core.api.errors import errors
from tandem.core.api.types import PathId
from tandem.notifications import queries, services
from tandem.notifications.schemas import (
    InboxOut,
    NotificationOut,
    PreferencesIO,
    ReadAllIn,
    ReadAllOut,
    ReadIn,
)

notifications = Router(tags=["Notifications"])


@notifications.get("", response={200: InboxOut, **errors()})
def list_notifications(
    request: HttpRequest,
    unread: bool = False,
    before: PathId | None = None,
) -> dict[str, Any]:
    """Your notifications, newest first, 30 a page; `unread=true` for the unread ones only."""
    user = acting_user(request)
    require(user, Permission.VIEW_WORK)
    page = queries.inbox_page(user, unread_only=unread, before=before)
    return {"items": page.notifications, "unread": queries.unread_count(user), "next": page.more}


@notifications.post("/{id}/read", response={200: NotificationOut, **errors(404)})
def mark_notification(request: HttpRequest, id: PathId, payload: ReadIn | None = None) -> Any:
    """Mark one notification read (or, with `{"read": false}`, unread again)."""
    user = acting_user(request)
    read = payload.read if payload is not None else True
    return services.mark_read(user, queries.get_notification(user, id), read=read)


@notifications.post("/read-all", response={200: ReadAllOut, **errors()})
def mark_all_notifications(request: HttpRequest, payload: ReadAllIn | None = None) -> dict[str, int]:
    """Mark every unread notification read (up to `up_to`, the newest you have seen, if given)."""
    user = acting_user(request)
    return {"marked": services.mark_all_read(user, up_to=payload.up_to if payload else None)}


@notifications.get("/preferences", response={200: PreferencesIO, **errors()})
def get_preferences(request: HttpRequest) -> dict[str, str]:
    """Your channel for each kind of notification."""
    user = acting_user(request)
    require(user, Permission.VIEW_WORK)
    return queries.preferences(user)


@notifications.patch("/preferences", response={200: PreferencesIO, **errors()})
def set_preferences(request: HttpRequest, payload: PreferencesIO) -> dict[str, str]:
    """Change the channel of the kinds you name; the others stay."""
    user = acting_user(request)
    choices = payload.model_dump(exclude_none=True)
    return services.set_preferences(user, choices=choices)
