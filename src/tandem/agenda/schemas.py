"""What the API reads and writes for calendars, events, occurrences and free/busy.

Input schemas forbid unknown fields and use strict types (as every Tandem schema): a typo or a
number sent as text is a 422 naming the field. Times are ISO 8601; one without an offset is read
in the event's `time_zone`. Answers give UTC instants (`…Z`) and the event's zone beside them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.schemas import UserRef
from tandem.agenda.models import Calendar, CalendarKind, Event, EventStatus, Response
from tandem.agenda.recurrence import iso
from tandem.core.api.types import Flag, Int64, NoNul, RecordId

Name = Annotated[str, Field(strict=True, min_length=1, max_length=200), NoNul]
Title = Annotated[str, Field(strict=True, min_length=1, max_length=300), NoNul]
Text = Annotated[str, Field(strict=True, max_length=50_000), NoNul]
Short = Annotated[str, Field(strict=True, max_length=300), NoNul]
Url = Annotated[str, Field(strict=True, max_length=500), NoNul]
Zone = Annotated[str, Field(strict=True, min_length=1, max_length=64), NoNul]
Rule = Annotated[str, Field(strict=True, max_length=500), NoNul]
Colour = Annotated[str, Field(strict=True, pattern=r"^#[0-9a-fA-F]{6}$")]
Ids = Annotated[list[RecordId], Field(max_length=50)]
ManyIds = Annotated[list[RecordId], Field(max_length=200)]
Dates = Annotated[list[datetime], Field(max_length=500)]
Minutes = Annotated[int, Field(strict=True, ge=0, le=40_320)]
Priority = Annotated[int, Field(strict=True, ge=0, le=9)]
Capacity = Annotated[int, Field(strict=True, ge=0, le=100_000)]
Kind = Literal["personal", "team", "resource"]
Scope = Literal["this", "following", "all"]
Status = Literal["confirmed", "tentative", "cancelled"]
Answer = Literal["accepted", "tentative", "declined"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ref(Schema):
    id: int
    name: str


# --- Calendars -------------------------------------------------------------------------------------


class CalendarIn(_Input):
    name: Name
    kind: Kind = CalendarKind.PERSONAL  # type: ignore[assignment]
    owner: RecordId | None = Field(
        None, description="A personal calendar's owner (default: you; admins only for others)."
    )
    team: RecordId | None = Field(None, description="A team calendar's team.")
    colour: Colour = "#4f46e5"
    description: Text = ""
    location: Short = Field("", description="A resource's place.")
    capacity: Capacity | None = Field(None, description="How many people a resource holds.")
    private: Flag = Field(False, description="Only the owner (or the team) and admins see it.")
    time_zone: Zone | None = Field(None, description="The zone of new events (default: yours).")


class CalendarPatch(_Input):
    name: Name | None = None
    colour: Colour | None = None
    description: Text | None = None
    location: Short | None = None
    capacity: Capacity | None = None
    private: Flag | None = None
    time_zone: Zone | None = None
    version: Int64 | None = None


class CalendarOut(Schema):
    id: int
    name: str
    colour: str
    kind: str
    owner: UserRef | None
    team: Ref | None
    description: str
    location: str
    capacity: int | None
    private: bool
    time_zone: str
    archived: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_team(obj: Calendar) -> dict[str, Any] | None:
        return {"id": obj.team.pk, "name": obj.team.name} if obj.team_id and obj.team else None

    @staticmethod
    def resolve_archived(obj: Calendar) -> bool:
        return obj.archived_at is not None


# --- Events -------------------------------------------------------------------------------------


class _EventFields(_Input):
    description: Text | None = None
    location: Short | None = None
    video_url: Url | None = Field(None, description="A link to the video call (http or https).")
    time_zone: Zone | None = Field(
        None, description="The IANA zone the event's times live in (default: the calendar's)."
    )
    all_day: Flag | None = None
    busy: Flag | None = Field(
        None, description="Counts for its people's free/busy (default: true, all-day events false)."
    )
    status: Status | None = None
    priority: Priority | None = Field(None, description="RFC 5545: 0 none, 1 highest … 9 lowest.")
    rrule: Rule | None = Field(None, description='RFC 5545 RRULE, e.g. "FREQ=WEEKLY;BYDAY=MO"; "" for none.')
    rdates: Dates | None = None
    exdates: Dates | None = None
    reminders: Annotated[list[Minutes], Field(max_length=5)] | None = Field(
        None, description="Minutes before each occurrence's start at which its attendees are reminded."
    )
    attendees: ManyIds | None = Field(None, description="Users (ids).")
    people: ManyIds | None = Field(None, description="People of the customer base (ids).")
    resources: Ids | None = Field(None, description="Resource calendars to book (ids).")
    items: Ids | None = Field(None, description="Linked work items and deals (ids).")
    organizations: Ids | None = Field(None, description="Linked organizations (ids).")
    linked_people: Ids | None = Field(None, description="Linked people (ids).")
    confirm_conflicts: Flag = Field(
        False, description="Schedule even though attendees have other events then."
    )


class EventIn(_EventFields):
    calendar: RecordId
    title: Title
    start: datetime
    end: datetime | None = None


class EventPatch(_EventFields):
    calendar: RecordId | None = None
    title: Title | None = None
    start: datetime | None = None
    end: datetime | None = None
    version: Int64 | None = None
    occurrence: datetime | None = Field(
        None, description="The original start of the occurrence to change (its `occurrence` in the list)."
    )
    scope: Scope = Field(
        "all", description="this: one occurrence; following: it and the later ones; all: the series."
    )


class RespondIn(_Input):
    response: Answer
    occurrence: datetime | None = None


class AttendeeOut(Schema):
    user: int | None
    person: int | None
    email: str
    response: str


def _attendees(event: Event) -> list[dict[str, Any]]:
    return [
        {"user": a.user_id, "person": a.person_id, "email": a.email, "response": a.response}
        for a in event.attendees.all()
    ]


class EventOut(Schema):
    id: int
    uid: str
    calendar: int
    master: int | None = Field(description="For an overridden occurrence: its series.")
    recurrence_id: str | None = Field(
        description="For an overridden occurrence: the original start it replaces."
    )
    title: str
    description: str
    location: str
    video_url: str
    start: str
    end: str
    time_zone: str
    all_day: bool
    busy: bool
    status: str
    priority: int
    organizer: UserRef | None
    rrule: str
    rdates: list[str]
    exdates: list[str]
    reminders: list[int]
    recurring: bool
    attendees: list[AttendeeOut]
    resources: list[int]
    items: list[int]
    organizations: list[int]
    linked_people: list[int]
    sequence: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_calendar(obj: Event) -> int:
        return obj.calendar_id

    @staticmethod
    def resolve_master(obj: Event) -> int | None:
        return obj.master_id

    @staticmethod
    def resolve_recurrence_id(obj: Event) -> str | None:
        return iso(obj.recurrence_id) if obj.recurrence_id else None

    @staticmethod
    def resolve_start(obj: Event) -> str:
        return iso(obj.start)

    @staticmethod
    def resolve_end(obj: Event) -> str:
        return iso(obj.end)

    @staticmethod
    def resolve_attendees(obj: Event) -> list[dict[str, Any]]:
        return _attendees(obj)

    @staticmethod
    def resolve_resources(obj: Event) -> list[int]:
        return sorted(b.resource_id for b in obj.bookings.all())

    @staticmethod
    def resolve_items(obj: Event) -> list[int]:
        return sorted(x.item_id for x in obj.links.all() if x.item_id)

    @staticmethod
    def resolve_organizations(obj: Event) -> list[int]:
        return sorted(x.organization_id for x in obj.links.all() if x.organization_id)

    @staticmethod
    def resolve_linked_people(obj: Event) -> list[int]:
        return sorted(x.person_id for x in obj.links.all() if x.person_id)


class OccurrenceOut(Schema):
    id: int = Field(description="The event or series: PATCH and DELETE /events/{id} with `occurrence`.")
    event: int = Field(description="The row it comes from: the series, or the override that replaced it.")
    occurrence: str | None = Field(description="Its original start in the series (null: not recurring).")
    occurrence_start: str
    occurrence_end: str
    title: str
    all_day: bool
    recurring: bool
    overridden: bool
    calendar: int
    colour: str
    time_zone: str
    location: str
    video_url: str
    priority: int
    status: str
    busy: bool
    attendees: list[AttendeeOut]
    resources: list[int]
    version: int = Field(description="The series' version, for PATCH and DELETE.")


class OccurrencePage(Schema):
    start: str
    end: str
    count: int
    limit: int
    offset: int
    items: list[OccurrenceOut]


class Span(Schema):
    start: str
    end: str


class BusyOf(Schema):
    id: int
    busy: list[Span]


class FreeBusyOut(Schema):
    start: str
    end: str
    users: list[BusyOf]
    resources: list[BusyOf]


STATUSES = EventStatus.values
RESPONSES = Response.values


class ImportErrorOut(Schema):
    uid: str = Field(description="The UID of the event in the file.")
    title: str = Field("", description="Its SUMMARY, or its UID.")
    message: str = Field(description="What is wrong with it, for a person to read.")


class ImportOut(Schema):
    created: int = Field(description="Events (or series) new on the calendar.")
    updated: int = Field(description="Events already imported before, changed from this file.")
    skipped: int = Field(description="Events that could not be imported.")
    errors: list[ImportErrorOut] = Field(
        description="Each event left out (and each changed occurrence left out of a series)."
    )
