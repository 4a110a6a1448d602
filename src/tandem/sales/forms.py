"""Forms of the sales pages; the rules stay in tandem.sales.services and tandem.sales.rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import BootstrapForm
from tandem.sales.models import DocumentKind, Pipeline
from tandem.work.models import Board, ItemType


class PipelineForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=150)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    finance_board = forms.ModelChoiceField(
        label=_("Finance board"),
        queryset=Board.objects.none(),
        required=False,
        help_text=_("Winning a deal opens its invoice ticket there."),
    )
    stages = forms.CharField(
        label=_("Stages"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line, in order, with its win probability: “Qualified, 30”. Won and Lost are added."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finance_board"].queryset = Board.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True, default_type=ItemType.FINANCE
        ).order_by("name")

    def clean_stages(self) -> list[dict[str, Any]]:
        stages = []
        for line in str(self.cleaned_data.get("stages") or "").splitlines():
            if not line.strip():
                continue
            name, _sep, probability = line.rpartition(",")
            if not name.strip():
                name, probability = probability, "0"
            try:
                percent = Decimal(probability.strip() or "0")
            except InvalidOperation:
                raise forms.ValidationError(_("Write each stage as “Name, probability”.")) from None
            stages.append({"name": name.strip(), "probability": percent})
        if not stages:
            raise forms.ValidationError(_("Name at least one stage."))
        return stages


class DealForm(BootstrapForm):
    value = forms.DecimalField(label=_("Value"), required=False, min_value=0, max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    probability = forms.DecimalField(
        label=_("Probability (%)"), required=False, min_value=0, max_value=100, decimal_places=2,
        help_text=_("Empty: the stage's."),
    )  # fmt: skip
    expected_close = forms.DateField(
        label=_("Expected close"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    next_step_due = forms.DateField(
        label=_("Next step due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DocumentForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=DocumentKind.choices, initial=DocumentKind.SIGNED_CONTRACT
    )
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("or a link"), required=False, max_length=500, assume_scheme="https")


class LeadForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class QualifyForm(BootstrapForm):
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.order_by("name"))
