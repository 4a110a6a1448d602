from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tandem.core.errors import ServiceError
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


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent (a board's columns, a pipeline's stages), never added, changed
    or deleted there: the app's settings pages shape them through its services."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose forms save through the app's services (its `save_model` calls them). A
    service's refusal undoes the whole save and comes back as a message above the form, as the
    app's own pages show it, instead of an error page."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceError as error:  # raised inside the admin's transaction, which is rolled back
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnlyAdmin):
    """The background workers and when each last said it was alive (read only: workers write it)."""

    list_display = ("worker_id", "host", "pid", "started_at", "seen_at")
