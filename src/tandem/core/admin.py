from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.core.models import WorkerBeat


class ReadOnlyAdmin(admin.ModelAdmin):
    """A list admins read but never add to, change or delete from: what Tandem itself writes, and
    what the app shapes through its services (any writes an admin offers are actions that call them).
    The one read-only admin every app uses."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnlyAdmin):
    """The background workers and when each last said it was alive (read only: workers write it)."""

    list_display = ("worker_id", "host", "pid", "started_at", "seen_at")
