"""The event form's friendly repeat chooser and RRULE, both ways, and a rule read out in words.

The chooser covers what people ask for (every N days, weeks on some weekdays, months on the same
day, years; ending never, on a date or after a number of times); anything else is a raw RFC 5545
rule the expert types ("custom"). `describe()` says a stored rule in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tandem.core.calendars import format_date
from tandem.core.errors import InvalidInput

FREQUENCIES = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}
REPEAT_CHOICES = [
    ("none", gettext_lazy("Does not repeat")),
    ("daily", gettext_lazy("Daily")),
    ("weekly", gettext_lazy("Weekly")),
    ("monthly", gettext_lazy("Monthly")),
    ("yearly", gettext_lazy("Yearly")),
    ("custom", gettext_lazy("Custom rule (RRULE)")),
]
WEEKDAYS = [
    ("MO", gettext_lazy("Monday")),
    ("TU", gettext_lazy("Tuesday")),
    ("WE", gettext_lazy("Wednesday")),
    ("TH", gettext_lazy("Thursday")),
    ("FR", gettext_lazy("Friday")),
    ("SA", gettext_lazy("Saturday")),
    ("SU", gettext_lazy("Sunday")),
]
ENDS_CHOICES = [
    ("never", gettext_lazy("Never")),
    ("until", gettext_lazy("On a date")),
    ("count", gettext_lazy("After a number of times")),
]


@dataclass
class Repeat:
    repeat: str = "none"
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    ends: str = "never"
    until: date | None = None
    count: int | None = None
    rrule: str = ""  # the raw rule ("custom")


def to_rule(choice: Repeat) -> str:
    """The RRULE the chooser stands for ("" for none); InvalidInput naming the field at fault."""
    if choice.repeat == "none":
        return ""
    if choice.repeat == "custom":
        return choice.rrule.strip()
    if choice.repeat not in FREQUENCIES:
        raise InvalidInput(_("Choose how the event repeats."), field="repeat")
    parts = [f"FREQ={FREQUENCIES[choice.repeat]}"]
    if choice.interval and choice.interval > 1:
        parts.append(f"INTERVAL={choice.interval}")
    if choice.repeat == "weekly" and choice.weekdays:
        known = [code for code, _label in WEEKDAYS if code in choice.weekdays]
        parts.append("BYDAY=" + ",".join(known))
    if choice.ends == "until":
        if choice.until is None:
            raise InvalidInput(_("Say on which day the repeats end."), field="until")
        parts.append(f"UNTIL={choice.until:%Y%m%d}")
    elif choice.ends == "count":
        if not choice.count:
            raise InvalidInput(_("Say how many times it happens."), field="count")
        parts.append(f"COUNT={choice.count}")
    return ";".join(parts)


def from_rule(rule: str) -> Repeat:
    """The chooser's values for a stored rule: its own fields when it can say it, else "custom"."""
    if not rule:
        return Repeat()
    parts = dict(piece.partition("=")[::2] for piece in rule.split(";") if "=" in piece)
    frequency = {v: k for k, v in FREQUENCIES.items()}.get(parts.pop("FREQ", ""))
    choice = Repeat(repeat=frequency or "custom", rrule=rule)
    interval = parts.pop("INTERVAL", "1")
    choice.interval = int(interval) if interval.isdigit() else 1
    if "BYDAY" in parts and frequency == "weekly":
        days = parts.pop("BYDAY").split(",")
        if all(day in dict(WEEKDAYS) for day in days):
            choice.weekdays = days
        else:
            choice.repeat = "custom"
    if "UNTIL" in parts:
        text = parts.pop("UNTIL")
        try:
            choice.until, choice.ends = date(int(text[:4]), int(text[4:6]), int(text[6:8])), "until"
        except ValueError:
            choice.repeat = "custom"
    if "COUNT" in parts:
        text = parts.pop("COUNT")
        choice.count, choice.ends = (int(text) if text.isdigit() else None), "count"
    parts.pop("WKST", None)
    if parts or frequency is None:
        choice.repeat = "custom"
    return choice


def describe(rule: str) -> str:
    """The rule in words ("Every 2 weeks on Monday, Wednesday, 10 times"); a rule the chooser
    cannot say is shown as it is."""
    if not rule:
        return ""
    choice = from_rule(rule)
    if choice.repeat == "custom":
        return rule
    n = choice.interval
    every = {
        "daily": ngettext("Every day", "Every %(n)s days", n),
        "weekly": ngettext("Every week", "Every %(n)s weeks", n),
        "monthly": ngettext("Every month", "Every %(n)s months", n),
        "yearly": ngettext("Every year", "Every %(n)s years", n),
    }[choice.repeat] % {"n": n}
    if choice.weekdays:
        names = dict(WEEKDAYS)
        every = _("%(every)s on %(days)s") % {
            "every": every,
            "days": ", ".join(str(names[day]) for day in choice.weekdays),
        }
    if choice.ends == "until" and choice.until is not None:
        return _("%(every)s, until %(day)s") % {
            "every": every,
            "day": format_date(choice.until, str(get_format("SHORT_DATE_FORMAT"))),
        }
    if choice.ends == "count" and choice.count:
        return ngettext("%(every)s, once", "%(every)s, %(count)s times", choice.count) % {
            "every": every,
            "count": choice.count,
        }
    return every
