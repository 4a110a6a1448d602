"""The rituals' API shapes (docs/api.md, "Rituals")."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from tandem.core.numbers import MAX_ID


class RitualOut(Schema):
    id: int
    kind: str = Field(description="finance_run or board_meeting")
    name: str
    event: int = Field(description="The recurring event (series) on the calendar.")
    calendar: int
    board: int
    url: str


class PersonRef(Schema):
    id: int
    name: str


class LinkEndOut(Schema):
    id: int | None
    reference: str
    title: str
    state: str = Field(description="open or closed")
    private: bool = False


class ReviewItemOut(Schema):
    id: int
    reference: str
    title: str
    url: str
    created_at: datetime
    age_days: int
    due_date: date | None
    overdue: bool
    column: str | None
    assignees: list[PersonRef]
    blocked: bool = Field(description="An open item blocks it: it cannot be closed yet.")
    blocked_by: list[LinkEndOut]
    blocks: list[LinkEndOut]


class OccurrenceOut(Schema):
    occurrence: datetime = Field(description="The occurrence's original start in the series (its name).")
    start: datetime
    end: datetime


class ReviewOut(Schema):
    ritual: int
    occurrence: OccurrenceOut | None
    items: list[ReviewItemOut]


class MinutesIn(Schema):
    occurrence: datetime = Field(description="The occurrence's original start, with its offset.")
    text: str = Field(max_length=100_000)
    version: int = Field(
        0, ge=0, le=MAX_ID, description="The version the edit is based on (0: not written yet)."
    )


class MinutesOut(Schema):
    ritual: int
    occurrence: datetime
    text: str
    version: int
    items: list[int] = Field(description="The items its action lines became.")


class ConvertIn(Schema):
    occurrence: datetime


class ActionItemOut(Schema):
    id: int
    reference: str
    title: str
    due_date: date | None
    assignees: list[PersonRef]
    url: str


class ConvertOut(Schema):
    minutes: MinutesOut
    created: list[ActionItemOut]
    existing: list[ActionItemOut]
