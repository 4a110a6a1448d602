"""Received mail for admins: every message with what became of it (an item, a comment, or why it
was quarantined or rejected), searchable by sender and subject; quarantined and rejected ones can
be run through the gateway again. Addresses are shaped in each board's settings and shown here."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from tandem.core.admin import ReadOnlyAdmin
from tandem.core.errors import ServiceError
from tandem.mailgate import services
from tandem.mailgate.models import InboundMessage, MailAddress, SentMessage


@admin.register(MailAddress)
class MailAddressAdmin(ReadOnlyAdmin):
    list_display = ["address", "board", "item_type", "senders", "catch_all", "active"]
    list_filter = ["active", "senders", "board"]
    search_fields = ["address"]
    list_select_related = ["board"]


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "status",
        "sender_email",
        "sender_verified",
        "subject",
        "address",
        "item_link",
        "reason",
    ]
    list_filter = ["status", "sender_verified", "via", "address"]
    search_fields = ["sender_email", "sender_name", "subject", "message_id"]
    list_select_related = ["address", "item"]
    date_hierarchy = "received_at"
    actions = ["reprocess"]
    fields = [
        "received_at",
        "status",
        "reason",
        "item_link",
        "comment",
        "sender_email",
        "sender_name",
        "sender_verified",
        "verification",
        "subject",
        "message_id",
        "identity",
        "sent_at",
        "processed_at",
        "via",
        "envelope_from",
        "peer",
        "recipients",
        "address",
        "person",
        "organization",
        "automatic",
        "size",
        "attempts",
        "raw_link",
    ]
    readonly_fields = ["item_link", "raw_link"]

    @admin.display(description=_("item"))
    def item_link(self, message: InboundMessage) -> str:
        if message.item_id is None:
            return "—"
        return format_html(
            '<a href="{}">#{}</a>', reverse("work:item", args=[message.item_id]), message.item_id
        )

    @admin.display(description=_("original"))
    def raw_link(self, message: InboundMessage) -> str:
        if not message.raw:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("mailgate:raw", args=[message.pk]), _("Download (.eml)")
        )

    @admin.action(description=_("Process the selected messages again"), permissions=["view"])
    def reprocess(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        results: dict[str, int] = {}
        for message in queryset:
            try:
                done = services.reprocess(message, by=request.user)  # type: ignore[arg-type]
            except ServiceError as error:
                messages.error(request, error.message)
                return
            label = str(done.get_status_display())
            results[label] = results.get(label, 0) + 1
        summary = ", ".join(f"{label}: {count}" for label, count in sorted(results.items()))
        messages.success(request, _("Processed again. %(summary)s") % {"summary": summary})


@admin.register(SentMessage)
class SentMessageAdmin(ReadOnlyAdmin):
    """Replies e-mailed from items: to whom, whether the mail server took them, and the last error."""

    list_display = ["created_at", "status", "to", "subject", "sent_by", "item", "sent_at", "error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    list_select_related = ["sent_by", "item"]
    raw_id_fields = ["item", "comment"]
