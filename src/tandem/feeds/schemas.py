"""What the API answers for a timeline or a feed: a page of history entries and the cursor of the next."""

from __future__ import annotations

from ninja import Schema

from tandem.activity.schemas import TimelineEntryOut


class TimelineOut(Schema):
    items: list[TimelineEntryOut]
    next: str | None = None  # pass as `before` for the next page; null: this was the last
