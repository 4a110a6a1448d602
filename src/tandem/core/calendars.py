"""Which calendar dates are shown in: the Gregorian one, or the Persian (Solar Hijri) one a user
can choose in their profile. Like the time zone, the calendar is active per request
(tandem.accounts.middleware) or per e-mail (tandem.notifications.mail), and only pages and mail
show it: dates are stored, sent in the API, exported and put in `datetime` attributes as ISO
(Gregorian) dates.

The conversion is jdatetime's; the formatting is Django's own (`django.utils.dateformat`), with
the day, month and year replaced by the Solar Hijri ones, so every format of every locale (the
language's DATE_FORMAT, SHORT_DATE_FORMAT, ...) works unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

import jdatetime
from django.utils import translation
from django.utils.dateformat import DateFormat
from django.utils.translation import gettext_lazy as _

GREGORIAN = "gregorian"
PERSIAN = "persian"
CHOICES = [(GREGORIAN, _("Gregorian")), (PERSIAN, _("Persian (Solar Hijri)"))]

_active: ContextVar[str] = ContextVar("tandem_calendar", default=GREGORIAN)


def active() -> str:
    return _active.get()


def _known(calendar: str) -> str:
    return calendar if calendar in dict(CHOICES) else GREGORIAN


def activate(calendar: str) -> None:
    _active.set(_known(calendar))


def deactivate() -> None:
    _active.set(GREGORIAN)


@contextmanager
def override(calendar: str) -> Iterator[None]:
    token = _active.set(_known(calendar))
    try:
        yield
    finally:
        _active.reset(token)


def month_start(day: date, calendar: str) -> date:
    """The (Gregorian) date of the first day of the month `day` falls in, in `calendar`: reports
    that add days up into months do it in the reader's calendar, so a Persian month is whole."""
    if calendar == PERSIAN:
        solar = jdatetime.date.fromgregorian(date=day)
        return jdatetime.date(solar.year, solar.month, 1).togregorian()
    return day.replace(day=1)


def next_month(first: date, calendar: str) -> date:
    """The first day of the month after the one `first` falls in, in `calendar`."""
    if calendar == PERSIAN:
        solar = jdatetime.date.fromgregorian(date=first)
        year, month = (solar.year + 1, 1) if solar.month == 12 else (solar.year, solar.month + 1)
        return jdatetime.date(year, month, 1).togregorian()
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


# The months' names: Persian on a Persian page, the usual Latin spelling on any other.
_MONTHS_LATIN = (
    "Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
    "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand",
)  # fmt: skip


class SolarHijriFormat(DateFormat):
    """Django's date formatter with the Solar Hijri day, month and year (the weekday and the time
    are the same in both calendars, so Django's own methods for them stay)."""

    def __init__(self, obj: date | datetime) -> None:
        super().__init__(obj)
        self.solar = jdatetime.date.fromgregorian(date=date(obj.year, obj.month, obj.day))

    def _month_name(self) -> str:
        if translation.get_language_bidi():
            return str(jdatetime.date.j_months_fa[self.solar.month - 1])
        return _MONTHS_LATIN[self.solar.month - 1]

    def b(self) -> str:
        return self._month_name()[:3].lower()

    def d(self) -> str:
        return f"{self.solar.day:02d}"

    def E(self) -> str:
        return self._month_name()

    def F(self) -> str:
        return self._month_name()

    def j(self) -> int:
        return int(self.solar.day)

    def L(self) -> bool:
        return bool(self.solar.isleap())

    def m(self) -> str:
        return f"{self.solar.month:02d}"

    def M(self) -> str:
        return self._month_name()[:3]

    def n(self) -> int:
        return int(self.solar.month)

    def N(self) -> str:
        return self._month_name()

    def S(self) -> str:
        return (
            "th" if 11 <= self.solar.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(self.solar.day % 10, "th")
        )

    def t(self) -> str:
        days = int(jdatetime.j_days_in_month[self.solar.month - 1])
        return str(days + 1 if self.solar.month == 12 and self.solar.isleap() else days)

    def y(self) -> str:
        return f"{self.solar.year % 100:02d}"

    def Y(self) -> int:
        return int(self.solar.year)

    def z(self) -> int:
        return int(self.solar.yday())


def format_date(value: date | datetime, format_string: str) -> str:
    """`value` in `format_string` (Django's format characters) in the active calendar."""
    if active() == PERSIAN:
        return str(SolarHijriFormat(value).format(format_string))
    return str(DateFormat(value).format(format_string))
