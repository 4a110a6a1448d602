"""Import an .ics file (Google, Outlook, Apple exports…) into a calendar: each UID on its own, so
one event that cannot be read or placed never stops the rest; importing the same file again
updates the events instead of duplicating them (tandem.agenda.ical.apply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.activity.services import record
from tandem.agenda import ical
from tandem.agenda.models import Calendar
from tandem.agenda.services.events import may_write_or_raise
from tandem.agenda.verbs import AgendaVerb
from tandem.core.errors import InvalidInput, ServiceError

MAX_BYTES = 10 * 1024 * 1024
MAX_EVENTS = 5_000


def too_large() -> str:
    return _("The file is larger than %(size)s MB; export a shorter range of dates.") % {
        "size": MAX_BYTES // (1024 * 1024)
    }


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)


def import_ics(calendar: Calendar, data: bytes, *, by: User) -> ImportResult:
    """Put the events of `data` on `calendar` (who may write to it). Raises InvalidInput for a file
    that is not iCalendar, too large, or with too many events; every other problem is reported in
    `errors` ({uid, message}) and the rest imports. Events unchanged since the last import count
    as neither created nor updated."""
    may_write_or_raise(by, calendar)
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            _("The file is larger than %(size)s MB; export a shorter range.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    parsed = ical.read(data)
    if len(parsed) > MAX_EVENTS:
        raise InvalidInput(
            _("The file has %(count)s events; import at most %(max)s at a time.")
            % {"count": len(parsed), "max": MAX_EVENTS},
            field="file",
        )
    result = ImportResult()
    for each in parsed:
        label = each.summary or each.uid
        if each.error:
            result.skipped += 1
            result.errors.append({"uid": each.uid, "title": label, "message": each.error})
            continue
        try:
            with transaction.atomic():
                outcome = ical.apply(calendar, each, by=by)
        except ServiceError as error:
            result.skipped += 1
            result.errors.append({"uid": each.uid, "title": label, "message": ical.error_message(error)})
            continue
        if outcome == "created":
            result.created += 1
        elif outcome == "updated":
            result.updated += 1
        result.errors += [{"uid": each.uid, "title": label, "message": problem} for problem in each.problems]
    if result.created or result.updated or result.skipped:
        record(
            by=by,
            verb=AgendaVerb.IMPORTED,
            target=calendar,
            changes={
                "created": result.created,
                "updated": result.updated,
                "skipped": result.skipped,
                "errors": len(result.errors),
            },
        )
    return result
