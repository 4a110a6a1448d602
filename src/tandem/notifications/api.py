"""Notifications through the API: the inbox a page at a time, marking read, and the preferences."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.auth import acting_user
from tandem.accounts.roles import Permission, require
from tandem.activity.schemas import TimelineEntryOut
from tandem.core.api.errors import errors
from tandem.core.api.types import MAX_ID, PathId
from tandem.notifications import services
from tandem.notifications.kinds import Channel, Kind
from tandem.notifications.links import target_url

notifications = Router(tags=["Notifications"])


class NotificationOut(Schema):
    id: int
    kind: Kind
    reason: str = Field(
        description="Why you hear of it: mentioned, assignee, unassigned, owner, watcher, team."
    )
    read: bool
    read_at: Any = None
    created_at: Any
    entry: TimelineEntryOut
    url: str = Field(description="The page of the record.")

    @staticmethod
    def resolve_read(obj: Any) -> bool:
        return obj.read_at is not None

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return target_url(obj.target_type, obj.target_id)


class InboxOut(Schema):
    items: list[NotificationOut]
    unread: int = Field(description="Unread notifications, counted up to 100.")
    next: int | None = Field(None, description="Pass as `before` for the next page; null: this was the last.")


class ReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    read: bool = Field(True, strict=True, description="false marks it unread again.")


class ReadAllIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    up_to: int | None = Field(None, ge=1, le=MAX_ID, description="Only notifications up to this id.")


class ReadAllOut(Schema):
    marked: int


class PreferencesIO(BaseModel):
    """The channel of each kind: app (the inbox), email (the inbox and an e-mail soon), digest (the
    inbox and the daily digest) or off."""

    model_config = ConfigDict(extra="forbid")
    assignment: Channel | None = None
    mention: Channel | None = None
    comment: Channel | None = None
    status: Channel | None = None
    created: Channel | None = None
    change: Channel | None = None


@notifications.get("", response={200: InboxOut, **errors()})
def list_notifications(
    request: HttpRequest,
    unread: bool = False,
    before: PathId | None = None,
) -> dict[str, Any]:
    """Your notifications, newest first, 30 a page; `unread=true` for the unread ones only."""
    user = acting_user(request)
    require(user, Permission.VIEW_WORK)
    page = services.inbox_page(user, unread_only=unread, before=before)
    return {"items": page.notifications, "unread": services.unread_count(user), "next": page.more}


@notifications.post("/{id}/read", response={200: NotificationOut, **errors(404)})
def mark_notification(request: HttpRequest, id: PathId, payload: ReadIn | None = None) -> Any:
    """Mark one notification read (or, with `{"read": false}`, unread again)."""
    user = acting_user(request)
    read = payload.read if payload is not None else True
    return services.mark_read(user, services.get_notification(user, id), read=read)


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
    return services.preferences(user)


@notifications.patch("/preferences", response={200: PreferencesIO, **errors()})
def set_preferences(request: HttpRequest, payload: PreferencesIO) -> dict[str, str]:
    """Change the channel of the kinds you name; the others stay."""
    user = acting_user(request)
    choices = payload.model_dump(exclude_none=True)
    return services.set_preferences(user, choices=choices)
