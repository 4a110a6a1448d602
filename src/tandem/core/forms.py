"""What every Tandem form shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from tandem.core.errors import ServiceError

# Django's own words that its Persian catalogue does not have yet; marked here so Tandem's
# catalogue (which Django reads first) carries their translation.
DJANGO_WORDS = [gettext_noop("- Select an option -")]

_CLASSES = {
    forms.CheckboxInput: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
    forms.Select: "form-select",
    forms.HiddenInput: "",
}


class BootstrapBoundField(BoundField):
    """Marks a field with an error `is-invalid`, wherever the error came from (the form's own checks
    or a service refusing the input after them)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            css = attrs.get("class", (widget or self.field.widget).attrs.get("class", ""))
            attrs["class"] = f"{css} is-invalid".strip()
        return attrs


class BootstrapForm(forms.Form):
    """Gives widgets Bootstrap's classes and shows a service's refusal next to the field it names.
    The one base of every Tandem form."""

    bound_field_class = BootstrapBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for w, c in _CLASSES.items() if isinstance(field.widget, w)), "form-control")
            if css:
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def add_service_error(self, exc: ServiceError) -> None:
        """A service's refusal next to the field it names, or above the form."""
        self.add_error(exc.field if exc.field in self.fields else None, exc.message)


class PickerMixin:
    """A select that lists only its chosen rows and finds the rest as one types (Tom Select, started
    by web/ui.js on `[data-picker]`, asking `/pick/<kind>/`). For choices from a table that could hold
    thousands (organizations, people, users): the page never renders the whole table, and the form
    field still checks each submitted id against its full queryset."""

    choices: Any
    allow_multiple_selected: bool

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)  # type: ignore[call-arg]
        self.kind = kind

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        attrs = {**(attrs or {}), "data-picker": reverse("pick", args=[self.kind])}
        attrs.setdefault("data-picker-empty", gettext("Nothing found."))
        return super().get_context(name, value, attrs)  # type: ignore[misc]

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        wanted = [int(v) for v in value if str(v).isascii() and str(v).isdigit() and len(str(v)) <= 18]
        options: list[tuple[Any, str]] = []
        empty_label = getattr(self.choices.field, "empty_label", None)
        if not self.allow_multiple_selected and empty_label is not None:
            options.append(("", str(empty_label)))
        if wanted:
            options += [self.choices.choice(row) for row in queryset.filter(pk__in=wanted)]
        chosen = {str(v) for v in value}
        return [
            (None, [self.create_option(name, v, label, str(v) in chosen, index, attrs=attrs)], index)  # type: ignore[attr-defined]
            for index, (v, label) in enumerate(options)
        ]


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass
