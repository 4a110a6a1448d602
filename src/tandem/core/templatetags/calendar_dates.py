"""The `date` filter of every template (a builtin library, tandem.settings TEMPLATES), as Django's,
but in the reader's calendar (tandem.core.calendars) where the format is a named one
(DATE_FORMAT, SHORT_DATETIME_FORMAT, ...). A format spelled out, like 'Y-m-d' or 'c' in a
`datetime` attribute, is machine-readable and stays Gregorian."""

from __future__ import annotations

from datetime import date as date_type
from typing import Any

from django import template
from django.template import defaultfilters
from django.utils.formats import FORMAT_SETTINGS, get_format

from tandem.core import calendars

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    name = arg or "DATE_FORMAT"
    if calendars.active() == calendars.PERSIAN and name in FORMAT_SETTINGS and isinstance(value, date_type):
        return calendars.format_date(value, str(get_format(name)))
    return str(defaultfilters.date(value, arg))
