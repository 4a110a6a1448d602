"""What the calendar's views share: the reader's zone, wall-clock times both ways, JSON errors."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.http import JsonResponse
from django.utils.translation import gettext as _

from tandem.agenda.recurrence import place, zone
from tandem.core.errors import InvalidInput, ServiceError


def reader_zone(user: Any) -> ZoneInfo:
    try:
        return zone(getattr(user, "time_zone", "") or "UTC")
    except InvalidInput:
        return ZoneInfo("UTC")


def wall(instant: datetime, tz: ZoneInfo) -> str:
    """An instant as the reader's wall-clock time, without an offset (the calendar page shows
    times as the server sends them: FullCalendar runs in UTC as a plain wall clock)."""
    return instant.astimezone(tz).replace(tzinfo=None).isoformat(timespec="seconds")


def parse_wall(text: str | None, tz: ZoneInfo, field: str) -> datetime:
    """A time the page sent as a wall-clock time in `tz` (an offset, FullCalendar's "Z", is
    ignored: its clock is the reader's), as a UTC instant."""
    value = (text or "").strip()
    if not value or len(value) > 40:
        raise InvalidInput(_("Enter a date and time."), field=field)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return place(moment.replace(tzinfo=None), tz)
    except (ValueError, OverflowError) as error:
        raise InvalidInput(_("Enter a date and time."), field=field) from error


def parse_day(text: str | None, field: str) -> date:
    value = (text or "").strip()[:40]
    try:
        return date.fromisoformat(value[:10])
    except ValueError as error:
        raise InvalidInput(_("Enter a date."), field=field) from error


def json_error(error: ServiceError) -> JsonResponse:
    body: dict[str, Any] = {"detail": error.message, "code": error.code, "field": error.field}
    body.update(error.extra)
    return JsonResponse(body, status=error.status)
