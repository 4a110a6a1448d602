"""Every write to calendars and events (docs/architecture.md, "The service layer")."""

from tandem.agenda.services.accounts import connect_account, disconnect_account, update_account
from tandem.agenda.services.calendars import (
    create_calendar,
    delete_calendar,
    personal_calendar,
    update_calendar,
)
from tandem.agenda.services.events import (
    SCOPES,
    changes_of,
    create_event,
    delete_event,
    move_event,
    respond,
    update_event,
)

__all__ = [
    "SCOPES",
    "changes_of",
    "connect_account",
    "create_calendar",
    "create_event",
    "delete_calendar",
    "delete_event",
    "disconnect_account",
    "move_event",
    "personal_calendar",
    "respond",
    "update_account",
    "update_calendar",
    "update_event",
]
