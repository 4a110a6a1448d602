"""What the API answers about history: a record's history, timelines and feeds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from tandem.core.api.schemas import UserRef


class HistoryOut(Schema):
    id: int
    verb: str
    actor: UserRef | None
    at: datetime
    changes: dict[str, Any]


class TimelineEntryOut(HistoryOut):
    target_type: str
    target_id: int
    target_label: str
    summary: str

    @staticmethod
    def resolve_summary(obj: Any) -> str:
        return str(obj.changes_summary)


class TimelineOut(Schema):
    items: list[TimelineEntryOut]
    next: str | None = None  # pass as `before` for the next page; null: this was the last
