"""Calendars and events made through the services, for the agenda's tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tandem.accounts.models import User
from tandem.agenda import services
from tandem.agenda.models import Calendar, CalendarKind, Event

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(zone: ZoneInfo, *parts: int) -> datetime:
    """A wall-clock time in a zone, as an aware datetime."""
    return datetime(*parts, tzinfo=zone)  # type: ignore[misc]


@pytest.fixture
def calendar_of(admin_user: User) -> Callable[..., Calendar]:
    def make(user: User, name: str = "", **data: Any) -> Calendar:
        return services.create_calendar(
            by=admin_user if user.pk != admin_user.pk else user,
            kind=CalendarKind.PERSONAL,
            owner=user,
            data={"name": name or f"{user.display_name}'s calendar", **data},
        )

    return make


@pytest.fixture
def room(admin_user: User) -> Calendar:
    return services.create_calendar(
        by=admin_user, kind=CalendarKind.RESOURCE, data={"name": "Room Everest", "capacity": 8}
    )


@pytest.fixture
def schedule() -> Callable[..., Event]:
    def make(by: User, calendar: Calendar, start: datetime, end: datetime, **data: Any) -> Event:
        data.setdefault("title", "Meeting")
        data.setdefault("time_zone", str(start.tzinfo))
        confirm = data.pop("confirm_conflicts", False)
        return services.create_event(
            by=by, calendar=calendar, data={"start": start, "end": end, **data}, confirm_conflicts=confirm
        )

    return make


@pytest.fixture
def api_as(api_token_for: Callable[[User], str]) -> Callable[[User | None], Any]:
    from tests.api.conftest import ApiClient

    def make(user: User | None) -> ApiClient:
        return ApiClient(api_token_for(user) if user is not None else None)

    return make


@pytest.fixture
def radicale(tmp_path: Any, settings: Any) -> Any:
    """A real Radicale CalDAV server on 127.0.0.1 with users alice and bob (tests/agenda/radicale_server.py);
    Tandem may connect to it (loopback)."""
    from tests.agenda.radicale_server import radicale_server

    settings.TANDEM_CALDAV_ALLOW_LOCAL = True
    yield from radicale_server(tmp_path / "radicale")
