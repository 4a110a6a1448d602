from django.contrib import admin

from tandem.activity.models import HistoryEntry


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    """Read only: history is never edited or deleted; the list links to the CSV export."""

    change_list_template = "activity/admin/history_change_list.html"
    list_display = ["at", "actor", "verb", "target_type", "target_label"]
    list_filter = ["target_type", "verb"]
    list_select_related = ["actor"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
