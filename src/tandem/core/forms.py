"""What every Tandem form shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_noop

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
