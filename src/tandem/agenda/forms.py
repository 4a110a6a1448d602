"""Forms of the calendar's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.agenda.services.imports import MAX_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("iCalendar file (.ics)"),
        help_text=_(
            "An export from Google Calendar, Outlook, Apple Calendar or any other calendar app, up to %(size)s MB."
        )
        % {"size": MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".ics,text/calendar", "class": "form-control"}),
    )
