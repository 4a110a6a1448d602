"""Occurrences of events: RFC 5545 recurrence (RRULE, RDATE, EXDATE, overridden occurrences)
expanded with python-dateutil in each event's own time zone.

A rule is expanded on the event's local wall-clock times (naive datetimes in its IANA zone), and
each occurrence is then placed in that zone: a weekly meeting at 09:00 Europe/Berlin is at 09:00
there before and after the change to summer time (08:00 UTC, then 07:00 UTC). A local time that
does not exist (02:30 on the night clocks go forward) takes the offset before the gap, as RFC 5545
says (03:30 summer time). Occurrences are compared and stored as UTC instants: an EXDATE or an
override's RECURRENCE-ID names the UTC instant of the occurrence it removes or replaces.

Pure functions over Event rows: nothing here reads or writes the database."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule, rruleset, rrulestr
from django.utils.translation import gettext as _

from tandem.core.errors import InvalidInput

if TYPE_CHECKING:
    from tandem.agenda.models import Event

# The widest range one question may ask about (a year and a month: a year view with its edges).
MAX_RANGE = timedelta(days=400)
# Occurrences counted before a series with COUNT or UNTIL is treated as endless for range queries.
MAX_COUNTED = 20_000
MAX_COUNT = 10_000
MAX_INTERVAL = 1_000

_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
_PARTS = {
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
}
_UNTIL = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event in time: from a single event, a series or an override."""

    event: Event  # the row it comes from: a single event, a series, or an override
    start: datetime  # UTC
    end: datetime  # UTC
    recurrence_id: datetime | None  # its original start in the series (None: not part of one)

    @property
    def series_id(self) -> int:
        return self.event.master_id or self.event.pk

    @property
    def overridden(self) -> bool:
        return self.event.master_id is not None

    @property
    def recurring(self) -> bool:
        return self.recurrence_id is not None

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return overlaps(self.start, self.end, start, end)


def overlaps(start1: datetime, end1: datetime, start2: datetime, end2: datetime) -> bool:
    """Whether two spans share time; a span without length is the instant at its start."""
    if start1 == end1 or start2 == end2:
        return start2 <= start1 < end2 if start1 == end1 else start1 <= start2 < end1
    return start1 < end2 and start2 < end1


# --- Time zones --------------------------------------------------------------------------------

_ZONES: set[str] | None = None


def zone(name: str, *, field: str = "time_zone") -> ZoneInfo:
    """The IANA zone `name`; a 422 naming `field` for one that does not exist."""
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones() | {"UTC"}
    if name not in _ZONES:
        raise InvalidInput(
            _("“%(zone)s” is not a time zone Tandem knows; use an IANA name such as Europe/Berlin.")
            % {"zone": name[:64]},
            field=field,
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:  # pragma: no cover - listed but unreadable
        raise InvalidInput(_("This time zone cannot be read."), field=field) from error


def local(instant: datetime, tz: ZoneInfo) -> datetime:
    """The wall-clock time (naive) of an instant in a zone."""
    return instant.astimezone(tz).replace(tzinfo=None)


def place(wall: datetime, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in a zone (a time in a gap: the offset before it)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)


def aware(value: datetime, tz: ZoneInfo) -> datetime:
    """A datetime as a UTC instant: a naive one is read in `tz`."""
    return place(value, tz) if value.tzinfo is None else value.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- Rules -------------------------------------------------------------------------------------


def normalise_rule(text: str, *, field: str = "rrule") -> str:
    """An RRULE as Tandem stores it ("FREQ=WEEKLY;BYDAY=MO"), or a 422 naming `field` that says
    what is wrong. An empty text is no rule."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        return ""
    if any(char in text for char in "\r\n\x00"):
        raise InvalidInput(_("A repeat rule is one line, such as FREQ=WEEKLY;BYDAY=MO."), field=field)
    parts: dict[str, str] = {}
    for piece in text.upper().strip(";").split(";"):
        name, sep, value = piece.partition("=")
        if not sep or not value:
            raise InvalidInput(
                _("“%(part)s” is not part of a repeat rule (NAME=value).") % {"part": piece[:40]}, field=field
            )
        if name not in _PARTS:
            raise InvalidInput(
                _("Tandem does not repeat events by %(part)s.") % {"part": name[:40]}, field=field
            )
        if name in parts:
            raise InvalidInput(_("%(part)s appears twice in the repeat rule.") % {"part": name}, field=field)
        parts[name] = value
    if parts.get("FREQ") not in _FREQUENCIES:
        raise InvalidInput(
            _("A repeat rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY (Tandem repeats at most daily)."),
            field=field,
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise InvalidInput(_("A repeat rule has COUNT or UNTIL, not both."), field=field)
    for name, limit in (("COUNT", MAX_COUNT), ("INTERVAL", MAX_INTERVAL)):
        if name in parts and not (
            parts[name].isascii() and parts[name].isdigit() and 1 <= int(parts[name]) <= limit
        ):
            raise InvalidInput(
                _("%(part)s must be a whole number from 1 to %(limit)s.") % {"part": name, "limit": limit},
                field=field,
            )
    if "UNTIL" in parts and not _UNTIL.match(parts["UNTIL"]):
        raise InvalidInput(
            _("UNTIL must be a date (20261231) or a UTC time (20261231T170000Z)."), field=field
        )
    rule = ";".join(f"{name}={value}" for name, value in parts.items())
    try:
        wall_clock = datetime(2026, 1, 1, 9)  # noqa: DTZ001 (rules run on naive wall-clock times)
        next(iter(rrulestr(_local_rule(rule, ZoneInfo("UTC"), all_day=False), dtstart=wall_clock)), None)
    except (ValueError, TypeError, OverflowError, KeyError, IndexError) as error:
        raise InvalidInput(
            _("This repeat rule cannot be read: %(rule)s.") % {"rule": rule[:200]}, field=field
        ) from error
    return rule


def _local_rule(rule: str, tz: ZoneInfo, *, all_day: bool) -> str:
    """The rule with its UNTIL as a wall-clock time in the event's zone, which dateutil needs
    beside a naive DTSTART. A date alone means the whole of that day."""

    def until(match: re.Match[str]) -> str:
        day, clock, utc = _UNTIL.match(match.group(1)).groups()  # type: ignore[union-attr]
        if clock is None:
            return f"UNTIL={day}T000000" if all_day else f"UNTIL={day}T235959"
        if utc:
            moment = datetime.strptime(day + clock, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
            return f"UNTIL={local(moment, tz):%Y%m%dT%H%M%S}"
        return f"UNTIL={day}T{clock}"

    return re.sub(r"UNTIL=([0-9TZ]+)", until, rule)


def _rule(event: Event, tz: ZoneInfo, dtstart: datetime) -> rrule:
    return rrulestr(_local_rule(event.rrule, tz, all_day=event.all_day), dtstart=dtstart)  # type: ignore[return-value]


def _period_days(rule: str) -> int | None:
    """The days one period of a daily or weekly rule without COUNT lasts (its interval in days or
    weeks), or None when the rule cannot be started later (COUNT counts from DTSTART; monthly and
    yearly rules have few occurrences to skip anyway)."""
    parts = dict(piece.partition("=")[::2] for piece in rule.split(";"))
    if "COUNT" in parts or parts.get("FREQ") not in ("DAILY", "WEEKLY"):
        return None
    interval = int(parts.get("INTERVAL", "1"))
    return interval * (7 if parts["FREQ"] == "WEEKLY" else 1)


def _fast_forward(rule: str, dtstart: datetime, low: datetime | None) -> datetime:
    """A later DTSTART for expanding from `low` on: a whole number of the rule's periods after the
    first, one period before `low`, at the same wall-clock time on the same weekday, so it gives the
    occurrences after `low` the original DTSTART gives, without stepping through years of them
    (dateutil walks a rule from its DTSTART). The original DTSTART stays an occurrence of its own."""
    period = _period_days(rule) if low is not None else None
    if period is None or low is None:
        return dtstart
    skipped = (low.date() - dtstart.date()).days // period - 1
    return dtstart + timedelta(days=skipped * period) if skipped > 0 else dtstart


def _ruleset(event: Event, tz: ZoneInfo, low: datetime | None = None) -> rruleset:
    """The event's occurrences as a dateutil rule set on wall-clock times; `low` (wall clock) says
    that no occurrence before it is wanted."""
    dtstart = local(event.start, tz)
    rules = rruleset()
    if event.rrule:
        rules.rrule(_rule(event, tz, _fast_forward(event.rrule, dtstart, low)))
    rules.rdate(dtstart)  # DTSTART is always the first occurrence (RFC 5545 3.8.5.3)
    for text in event.rdates:
        rules.rdate(local(parse_instant(text), tz))
    return rules


def wall_length(event: Event, tz: ZoneInfo) -> timedelta:
    """How long each occurrence lasts on the wall clock (an all-day event: whole days)."""
    return local(event.end, tz) - local(event.start, tz)


def expand(
    event: Event,
    start: datetime,
    end: datetime,
    *,
    overridden: Iterable[datetime] = (),
) -> list[Occurrence]:
    """The occurrences of one row that share time with [start, end): a single event or an override
    is its one occurrence; a series gives each occurrence of its rule and RDATEs except its EXDATEs
    and the occurrences `overridden` (the recurrence ids of its overrides, which answer for those
    occurrences themselves)."""
    if not event.recurring or event.master_id:
        if overlaps(event.start, event.end, start, end):
            return [Occurrence(event, event.start, event.end, event.recurrence_id)]
        return []
    tz = ZoneInfo(event.time_zone)
    length = wall_length(event, tz)
    left_out = {parse_instant(text) for text in event.exdates} | {
        moment.astimezone(UTC) for moment in overridden
    }
    low = local(start, tz) - length - timedelta(days=1)
    high = local(end, tz) + timedelta(days=1)
    found: list[Occurrence] = []
    for wall in _ruleset(event, tz, low).between(low, high, inc=True):
        begins = place(wall, tz)
        if begins in left_out:
            continue
        ends = place(wall + length, tz)
        if overlaps(begins, ends, start, end):
            found.append(Occurrence(event, begins, ends, begins))
    return found


def occurrence_at(event: Event, moment: datetime) -> tuple[datetime, datetime] | None:
    """The occurrence of a series (or single event) that starts at `moment` (its recurrence id),
    overridden or left out or not: (start, end), or None when the series has none then."""
    moment = moment.astimezone(UTC)
    if not event.recurring:
        return (event.start, event.end) if moment == event.start else None
    tz = ZoneInfo(event.time_zone)
    length = wall_length(event, tz)
    wall = local(moment, tz)
    for candidate in _ruleset(event, tz).between(
        wall - timedelta(hours=3), wall + timedelta(hours=3), inc=True
    ):
        if place(candidate, tz) == moment:
            return moment, place(candidate + length, tz)
    return None


def count_before(event: Event, moment: datetime) -> int:
    """How many occurrences of the series' rule (EXDATEs counted, as COUNT counts them) start
    before `moment`."""
    tz = ZoneInfo(event.time_zone)
    dtstart = local(event.start, tz)
    if not event.rrule:
        return 0
    return sum(
        1
        for wall in _rule(event, tz, dtstart).between(dtstart, local(moment, tz), inc=True)
        if place(wall, tz) < moment
    )


def last_end(event: Event) -> datetime | None:
    """The end of the last occurrence of a row (None: the series never ends, or has more
    occurrences than are worth counting)."""
    if not event.recurring or event.master_id:
        return event.end
    tz = ZoneInfo(event.time_zone)
    length = wall_length(event, tz)
    ends = [place(local(event.start, tz) + length, tz)]
    ends += [place(local(parse_instant(text), tz) + length, tz) for text in event.rdates]
    if event.rrule:
        rule = _rule(event, tz, local(event.start, tz))
        if "COUNT=" not in event.rrule and "UNTIL=" not in event.rrule:
            return None
        last = None
        for number, wall in enumerate(rule):
            if number >= MAX_COUNTED:
                return None
            last = wall
        if last is not None:
            ends.append(place(last + length, tz))
    return max(ends)


def check_range(start: datetime, end: datetime) -> None:
    """A range a question may ask about: end after start, at most MAX_RANGE long."""
    if end <= start:
        raise InvalidInput(_("The end of the range must be after its start."), field="end")
    if end - start > MAX_RANGE:
        raise InvalidInput(
            _("Ask for at most %(days)s days at a time.") % {"days": MAX_RANGE.days}, field="end"
        )


def all_day_span(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """An all-day event's span: from local midnight of its first day to local midnight after its
    last (at least one day), as UTC instants."""
    first = local(start, tz).replace(hour=0, minute=0, second=0, microsecond=0)
    last_wall = local(end, tz)
    after = last_wall.replace(hour=0, minute=0, second=0, microsecond=0)
    if after < last_wall:
        after += timedelta(days=1)
    if after <= first:
        after = first + timedelta(days=1)
    return place(first, tz), place(after, tz)
