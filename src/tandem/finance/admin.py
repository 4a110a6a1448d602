from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin
from tandem.finance.models import Invoice


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    """Invoices, read only: a won deal's rule opens them (`finance.services.open_invoice`) and the
    finance team works them as tickets on its board."""

    list_display = ("item", "customer", "amount", "currency", "due_date", "deal")
    list_filter = ("currency",)
    date_hierarchy = "due_date"
    list_select_related = ("item", "customer", "deal")
    search_fields = ("item__title", "customer__name")
