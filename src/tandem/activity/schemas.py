"""What the API answers about a history entry: in a record's history, and with its record named
(timelines, feeds and the inbox)."""

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
