"""The admin looks at boards, labels and items and acts on them only through tandem.work.services,
so the rules hold here too: closing a blocked item from the admin is refused like anywhere else."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline
from tandem.core.errors import ServiceError
from tandem.work import services
from tandem.work.models import Board, Column, Item, Label


class ColumnInline(ReadOnlyInline):
    model = Column
    fields = ("position", "name", "kind", "label", "wip_limit")


@admin.register(Board)
class BoardAdmin(ReadOnlyAdmin):
    """Boards and labels are shaped in the app (board settings), where the services keep columns,
    labels and cards consistent; the admin shows them."""

    list_display = ["name", "team", "default_type", "title_prefix", "archived_at"]
    search_fields = ["name"]
    inlines = [ColumnInline]


@admin.register(Label)
class LabelAdmin(ReadOnlyAdmin):
    list_display = ["name", "scope", "board", "color"]
    list_filter = ["board"]
    search_fields = ["name"]


@admin.register(Item)
class ItemAdmin(ReadOnlyAdmin):
    """Items are read here; closing and reopening go through the services (the blocking-close rule)."""

    list_display = ["id", "title", "board", "type", "state", "column", "due_date"]
    list_filter = ["state", "type", "board"]
    search_fields = ["title"]
    list_select_related = ["board", "column"]
    actions = ["close_items", "reopen_items"]

    @admin.action(description=_("Close the selected items"), permissions=["view"])
    def close_items(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        self._bulk(request, queryset, "close")

    @admin.action(description=_("Reopen the selected items"), permissions=["view"])
    def reopen_items(self, request: HttpRequest, queryset: QuerySet[Item]) -> None:
        self._bulk(request, queryset, "reopen")

    def _bulk(self, request: HttpRequest, queryset: QuerySet[Item], action: str) -> None:
        try:
            count = services.bulk_update(list(queryset), by=request.user, action=action)  # type: ignore[arg-type]
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)d items done.") % {"count": count})
