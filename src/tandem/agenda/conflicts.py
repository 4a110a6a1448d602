"""Double booking: the occurrences of other events that overlap a new or changed event's for the
same people or resources, recurrences and time zones included (each side expanded in its own
zone, compared as UTC instants).

A series that never ends is checked over its first `HORIZON` (a year); a finite one over all of it.
A resource refuses a clash (409 `conflict`, nothing saved); a person's clash is a warning the
caller must confirm (`confirm_conflicts`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.agenda import queries
from tandem.agenda.recurrence import Occurrence, iso, overlaps
from tandem.core.errors import Conflict

HORIZON = timedelta(days=366)


@dataclass
class Clash:
    occurrence: Occurrence
    users: set[int] = field(default_factory=set)
    resources: set[int] = field(default_factory=set)


def find(
    spans: Sequence[tuple[datetime, datetime]],
    *,
    users: set[int],
    resources: set[int],
    leave_out: set[int],
) -> list[Clash]:
    """The other occurrences that share time with any of `spans` (sorted by start) for `users` or
    `resources`; rows whose ids are in `leave_out` (the event's own series) do not count."""
    if not spans or not (users or resources):
        return []
    longest = max(end - start for start, end in spans)
    starts = [start for start, _end in spans]
    first, last = spans[0][0], max(end for _start, end in spans)
    rows = [
        row
        for row in queries.busy_rows(users=users, resources=resources, start=first, end=last)
        if row.pk not in leave_out and row.master_id not in leave_out
    ]
    clashes: list[Clash] = []
    for occurrence in queries.occurrences(rows, first, last):
        # the spans that start before this occurrence ends, walked back to those that may reach it
        index = bisect_left(starts, occurrence.end)
        hit = False
        while index > 0:
            index -= 1
            start, end = spans[index]
            if start < occurrence.start - longest:
                break
            if overlaps(start, end, occurrence.start, occurrence.end):
                hit = True
                break
        if occurrence.start == occurrence.end and not hit:
            hit = any(overlaps(s, e, occurrence.start, occurrence.end) for s, e in spans[index : index + 2])
        if not hit:
            continue
        clash = Clash(
            occurrence,
            users=queries.people_of(occurrence.event) & users,
            resources=queries.resources_of(occurrence.event) & resources,
        )
        if clash.users or clash.resources:
            clashes.append(clash)
    return clashes


def describe(clashes: Sequence[Clash], viewer: Any) -> list[dict[str, Any]]:
    """The clashes as the API and the pages show them; an event the viewer may not see is only
    "busy", without its title."""
    ids = {clash.occurrence.event.pk for clash in clashes}
    seen = set(
        queries.Event.objects.filter(queries.event_visibility(viewer), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    described = []
    for clash in clashes:
        occurrence = clash.occurrence
        visible = occurrence.event.pk in seen
        described.append(
            {
                "id": occurrence.series_id if visible else None,
                "occurrence": iso(occurrence.recurrence_id) if visible and occurrence.recurrence_id else None,
                "title": occurrence.event.title if visible else _("Busy"),
                "calendar": occurrence.event.calendar_id if visible else None,
                "occurrence_start": iso(occurrence.start),
                "occurrence_end": iso(occurrence.end),
                "users": sorted(clash.users),
                "resources": sorted(clash.resources),
                "private": not visible,
            }
        )
    return described


def check(
    spans: Sequence[tuple[datetime, datetime]],
    *,
    users: set[int],
    resources: set[int],
    leave_out: set[int],
    confirmed: bool,
    viewer: Any,
) -> None:
    """Refuse a resource's double booking always, a person's unless `confirmed`."""
    clashes = find(spans, users=users, resources=resources, leave_out=leave_out)
    if not clashes:
        return
    if any(clash.resources for clash in clashes):
        taken = [clash for clash in clashes if clash.resources]
        raise Conflict(
            ngettext(
                "A resource is already booked then: %(count)s overlapping event.",
                "A resource is already booked then: %(count)s overlapping events.",
                len(taken),
            )
            % {"count": len(taken)},
            field="resources",
            extra={"conflicts": describe(taken, viewer), "confirmable": False},
        )
    if not confirmed:
        raise Conflict(
            ngettext(
                "An attendee has %(count)s other event then. Send confirm_conflicts to schedule it anyway.",
                "Attendees have %(count)s other events then. Send confirm_conflicts to schedule it anyway.",
                len(clashes),
            )
            % {"count": len(clashes)},
            field="attendees",
            extra={"conflicts": describe(clashes, viewer), "confirmable": True},
        )
