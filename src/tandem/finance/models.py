"""A finance ticket's invoice record, beside its work item (same id): what to invoice, to whom,
by when. The ticket itself moves across the finance board like any item."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class Invoice(models.Model):
    item = models.OneToOneField(
        "work.Item", on_delete=models.CASCADE, primary_key=True, related_name="invoice"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    customer = models.ForeignKey(
        "contacts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    deal = models.ForeignKey(
        "sales.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        indexes: ClassVar = [models.Index(fields=["due_date"], name="invoice_due")]

    def __str__(self) -> str:
        return f"invoice #{self.item_id}"
