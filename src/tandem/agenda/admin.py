from __future__ import annotations

from django.contrib import admin

from tandem.agenda.models import Calendar, CalendarAccount, Event
from tandem.core.admin import ReadOnlyAdmin


@admin.register(Calendar)
class CalendarAdmin(ReadOnlyAdmin):
    """Calendars, read only: they are made and changed through `agenda.services` (the API)."""

    list_display = ("name", "kind", "owner", "team", "private", "time_zone", "archived_at")
    list_filter = ("kind", "private")
    list_select_related = ("owner", "team")
    search_fields = ("name",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Events, read only: every change goes through `agenda.services`, which keeps series,
    overrides, conflicts and reminders consistent."""

    list_display = ("title", "calendar", "start", "end", "time_zone", "rrule", "master", "status")
    list_filter = ("status", "all_day")
    list_select_related = ("calendar", "master")
    search_fields = ("title", "uid")
    date_hierarchy = "start"


@admin.register(CalendarAccount)
class CalendarAccountAdmin(ReadOnlyAdmin):
    """Connected CalDAV calendars, read only, for support: status and last error. The encrypted
    password is left out; connecting and disconnecting is the owner's (agenda.services)."""

    list_display = ("__str__", "user", "calendar", "status", "last_synced_at", "enabled")
    list_filter = ("status", "enabled")
    list_select_related = ("user", "calendar")
    exclude = ("password_encrypted",)
