"""What the API reads and writes for notifications: the inbox, marking read, the preferences.

Input schemas forbid unknown fields: a typo is a 422 naming the field."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.activity.schemas import TimelineEntryOut
from tandem.core.api.types import MAX_ID
from tandem.notifications.kinds import Channel, Kind
from tandem.notifications.links import target_url


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
    reminder: Channel | None = None
