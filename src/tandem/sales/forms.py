"""Forms of the sales pages; the rules stay in tandem.sales.services and tandem.sales.rules."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.contacts.models import Organization, Person
from tandem.core.forms import BootstrapForm
from tandem.core.text import latin_commas
from tandem.sales.models import DocumentKind, Pipeline, RequiredField, Stage
from tandem.work.forms import active_users, customer_picker, picked_customer
from tandem.work.models import Board, ItemType
from tandem.work.queries import board_visibility


class PipelineSettingsForm(BootstrapForm):
    """A pipeline's own settings (the stages are edited one by one beside them)."""

    name = forms.CharField(label=_("Name"), max_length=150)
    currency = forms.CharField(label=_("Currency of new deals"), max_length=3, initial="EUR")
    finance_board = forms.ModelChoiceField(
        label=_("Finance board"),
        queryset=Board.objects.none(),
        required=False,
        help_text=_("Winning a deal opens its invoice ticket there."),
    )
    close_won_deals = forms.BooleanField(
        label=_("Close won deals when their invoice is closed"),
        required=False,
        initial=True,
        help_text=_(
            "A won deal closes itself once finance closes its invoice ticket. Off: close it yourself "
            "once the invoice is paid."
        ),
    )

    def __init__(self, *args: Any, user: Any, current: Board | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the finance boards the user may see, and the one the pipeline has (even if private to finance)
        boards = Board.objects.filter(
            board_visibility(user), archived_at__isnull=True, default_type=ItemType.FINANCE
        )
        if current is not None:
            boards = boards | Board.objects.filter(pk=current.pk)
        self.fields["finance_board"].queryset = boards.order_by("name")  # type: ignore[attr-defined]


class PipelineForm(PipelineSettingsForm):
    """A new pipeline: its settings and its stages, one per line."""

    stages = forms.CharField(
        label=_("Stages"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line, in order, with its win probability: “Qualified, 30”. Won and Lost are added."
        ),
    )

    def clean_stages(self) -> list[dict[str, Any]]:
        stages = []
        for line in str(self.cleaned_data.get("stages") or "").splitlines():
            if not line.strip():
                continue
            name, _sep, probability = latin_commas(line).rpartition(",")
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


class StageForm(BootstrapForm):
    """One stage: what it is called, how likely a deal in it is won, and what must be true before
    a deal enters it."""

    name = forms.CharField(label=_("Name"), max_length=50)
    probability = forms.DecimalField(
        label=_("Win probability (%)"), min_value=0, max_value=100, decimal_places=2, initial=0
    )
    required_fields = forms.MultipleChoiceField(
        label=_("Required to enter"),
        choices=RequiredField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required_document = forms.ChoiceField(
        label=_("Document required to enter"),
        choices=[("", _("None")), *DocumentKind.choices],
        required=False,
    )
    checklist = forms.CharField(
        label=_("Steps done before entering"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One step per line."),
    )
    stale_after_days = forms.IntegerField(
        label=_("Flag deals in this stage after (days)"), min_value=1, max_value=3650, required=False
    )

    def clean_checklist(self) -> list[str]:
        return [
            line.strip()
            for line in str(self.cleaned_data.get("checklist") or "").splitlines()
            if line.strip()
        ]

    @classmethod
    def for_stage(cls, stage: Stage, data: Any = None) -> StageForm:
        initial = {
            "name": stage.display_name,
            "probability": stage.probability,
            "required_fields": stage.required_fields,
            "required_document": stage.required_document,
            "checklist": "\n".join(stage.checklist),
            "stale_after_days": stage.stale_after_days,
        }
        return cls(data, initial=initial, prefix=f"stage-{stage.pk}")


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
    source = forms.CharField(label=_("Source"), max_length=100, required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    add_organization = forms.CharField(
        label=_("Organization"),
        required=False,
        max_length=220,
        widget=forms.TextInput(attrs={"list": "organization-options", "autocomplete": "off"}),
        help_text=_("Type a few letters and pick one; empty: none."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_users()  # type: ignore[attr-defined]
        self.fields["add_organization"].widget.attrs.update(customer_picker("organization"))

    def clean_add_organization(self) -> Organization | None:
        return picked_customer(self.cleaned_data.get("add_organization", ""), Organization)

    def service_data(self) -> dict[str, Any]:
        """The service's fields: the picked organization under its own name."""
        data = dict(self.cleaned_data)
        data["organization"] = data.pop("add_organization")
        return data


class ContactForm(BootstrapForm):
    add_person = forms.CharField(
        label=_("Person"),
        max_length=220,
        widget=forms.TextInput(attrs={"list": "person-options", "autocomplete": "off"}),
    )
    role = forms.CharField(label=_("Role on the deal"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add_person"].widget.attrs.update(customer_picker("person"))

    def clean_add_person(self) -> Person | None:
        return picked_customer(self.cleaned_data.get("add_person", ""), Person)


class DocumentForm(BootstrapForm):
    # no kind is taken for granted: an upload counts for a stage's gate (or the win's signed
    # contract) only as the kind someone chose for it
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Choose a kind…")), *DocumentKind.choices],
        error_messages={"required": _("Choose the kind of document.")},
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
    """The pipeline a lead goes into, and what is known of the deal already. The figures are checked
    by the service (tandem.sales.services.qualify_lead), whose refusal shows beside the field."""

    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.order_by("name"))
    value = forms.CharField(
        label=_("Value"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Optional: what the deal is worth, such as 1200.50."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": "3", "autocomplete": "off"}),
        help_text=_("Empty: the pipeline's currency."),
    )
    expected_close = forms.DateField(
        label=_("Expected close"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, pipelines: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pipelines is not None:
            field = self.fields["pipeline"]
            field.queryset = pipelines  # type: ignore[attr-defined]
            only = list(pipelines[:2])
            if len(only) == 1:  # one pipeline: nothing to choose
                field.initial = only[0].pk

    def deal_figures(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in ("value", "currency", "expected_close")}
