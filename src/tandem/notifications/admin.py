from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin
from tandem.notifications.models import Notification, Outbox


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Who was told of what, and whether the e-mail went: read only, for answering "why did I (not)
    hear of this?"."""

    list_display = [
        "created_at",
        "user",
        "kind",
        "reason",
        "target_type",
        "target_id",
        "read_at",
        "mail",
        "mailed_at",
    ]
    list_filter = ["kind", "reason", "mail", "target_type"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    raw_id_fields = ["user", "entry"]


@admin.register(Outbox)
class OutboxAdmin(ReadOnlyAdmin):
    """History entries waiting for the worker to fan them out: this list stays short while a worker runs."""

    list_display = ["entry", "created_at"]
    raw_id_fields = ["entry"]
