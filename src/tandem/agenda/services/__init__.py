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
    may_write_or_raise,
    move_event,
    respond,
    update_event,
)
from tandem.agenda.services.feeds import create_feed, revoke_feed, rotate_feed
from tandem.agenda.services.imports import ImportResult, import_ics

__all__ = [
    "SCOPES",
    "ImportResult",
    "changes_of",
    "connect_account",
    "create_calendar",
    "create_event",
    "create_feed",
    "delete_calendar",
    "delete_event",
    "disconnect_account",
    "import_ics",
    "may_write_or_raise",
    "move_event",
    "personal_calendar",
    "respond",
    "revoke_feed",
    "rotate_feed",
    "update_account",
    "update_calendar",
    "update_event",
]
