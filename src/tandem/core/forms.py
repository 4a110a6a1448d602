"""What every Tandem form shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_noop

# Django's own words that its Persian catalogue does not have yet; marked here so Tandem's
# catalogue (which Django reads first) carries their translation.
DJANGO_WORDS = [gettext_noop("- Select an option -")]

_CLASSES = {
    forms.CheckboxInput: "form-check-input",
    forms.CheckboxSelectMultiple: "form-check-input",
    forms.Select: "form-select",
    forms.HiddenInput: "",
}


class BootstrapForm(forms.Form):
    """Gives widgets Bootstrap's classes, and marks a field invalid wherever its error came from
    (the form's own checks or a service refusing the input)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next((c for w, c in _CLASSES.items() if isinstance(field.widget, w)), "form-control")
            if css:
                field.widget.attrs["class"] = css

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields and "is-invalid" not in self.fields[name].widget.attrs.get("class", ""):
                self.fields[name].widget.attrs["class"] = (
                    self.fields[name].widget.attrs.get("class", "") + " is-invalid"
                )
