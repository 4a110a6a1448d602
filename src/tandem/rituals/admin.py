from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin
from tandem.rituals.models import ActionLine, Minutes, Ritual


@admin.register(Ritual)
class RitualAdmin(ReadOnlyAdmin):
    """Rituals, read only: set up through `rituals.services.create_ritual` (its event through the
    calendar's services)."""

    list_display = ("name", "kind", "event", "board", "created_at")
    list_filter = ("kind",)
    list_select_related = ("event", "board")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    """Minutes, read only: written on the ritual's page or through the API (`save_minutes`)."""

    list_display = ("ritual", "occurrence_start", "version", "updated_by", "updated_at")
    list_select_related = ("ritual", "updated_by")


@admin.register(ActionLine)
class ActionLineAdmin(ReadOnlyAdmin):
    list_display = ("minutes", "item", "key", "created_at")
    list_select_related = ("minutes", "item")
