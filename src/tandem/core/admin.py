from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tandem.core.models import WorkerBeat


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    """The background workers and when each last said it was alive (read only: workers write it)."""

    list_display = ("worker_id", "host", "pid", "started_at", "seen_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
