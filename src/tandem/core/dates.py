"""Days as people give them in filters: `YYYY-MM-DD` text, and a datetime column falling on a range
of days in the current time zone, written as a range an index can serve (not a per-row date cast)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone


def day_or_none(text: str | None) -> date | None:
    """The day `text` names, or None for no day or one that is not a day (the filter is left out)."""
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def on_days(field_name: str, since: date | None, until: date | None) -> Q:
    """`field_name` falls on a day from `since` to `until` (both included, either open)."""
    condition = Q()
    if since is not None:
        condition &= Q(**{f"{field_name}__gte": timezone.make_aware(datetime.combine(since, time.min))})
    if until is not None:
        next_day = datetime.combine(until + timedelta(days=1), time.min)
        condition &= Q(**{f"{field_name}__lt": timezone.make_aware(next_day)})
    return condition
