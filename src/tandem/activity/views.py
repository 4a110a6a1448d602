"""The history export for admins: every history row as CSV, filtered by kind of record, verb, who
and when, streamed in keyset pages so millions of rows never sit in memory. History is read only
everywhere: no page or endpoint edits or deletes it (the admin lists it read only)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from tandem.accounts.roles import Permission
from tandem.activity.models import HistoryEntry
from tandem.core.views import guarded_view, int_or_none

PAGE = 2000


class _Line:
    """What csv.writer writes to: hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def _entries(request: HttpRequest) -> Any:
    entries = HistoryEntry.objects.select_related("actor").order_by("id")
    if request.GET.get("target_type"):
        entries = entries.filter(target_type=request.GET["target_type"][:40])
    if request.GET.get("verb"):
        entries = entries.filter(verb=request.GET["verb"][:40])
    actor = int_or_none(request.GET.get("actor"))
    if actor is not None:
        entries = entries.filter(actor_id=actor)
    since, until = _day(request.GET.get("since")), _day(request.GET.get("until"))
    if since is not None:
        entries = entries.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until is not None:
        entries = entries.filter(
            at__lt=timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
        )
    return entries


def _rows(entries: Any) -> Iterator[str]:
    out = csv.writer(_Line())
    yield out.writerow(
        ["id", "at", "actor_id", "actor", "verb", "target_type", "target_id", "target", "changes"]
    )
    last = 0
    while True:
        page = list(entries.filter(id__gt=last)[:PAGE])
        for entry in page:
            actor = entry.actor.email if entry.actor else ""
            yield out.writerow([entry.pk, entry.at.isoformat(), entry.actor_id or "", actor, entry.verb,
                                entry.target_type, entry.target_id, entry.target_label,
                                json.dumps(entry.changes, ensure_ascii=False, sort_keys=True)])  # fmt: skip
        if len(page) < PAGE:
            return
        last = page[-1].pk


@guarded_view(Permission.EXPORT_HISTORY)
def export_history(request: HttpRequest) -> StreamingHttpResponse:
    """`?target_type=&verb=&actor=&since=&until=` (dates as YYYY-MM-DD, both days included)."""
    response = StreamingHttpResponse(_rows(_entries(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="tandem-history-{timezone.localdate().isoformat()}.csv"'
    )
    return response
