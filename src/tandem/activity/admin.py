from django.contrib import admin

from tandem.activity.models import HistoryEntry
from tandem.core.admin import ReadOnlyAdmin


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    """Read only: history is never edited or deleted; the list links to the CSV export."""

    change_list_template = "activity/admin/history_change_list.html"
    list_display = ["at", "actor", "verb", "target_type", "target_label"]
    list_filter = ["target_type", "verb"]
    list_select_related = ["actor"]
