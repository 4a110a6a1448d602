"""Timelines (a record page's history and its next pages, for "Load more"), the feed pages, and the
history export for admins: every history row as CSV, filtered by kind of record, verb, who
and when, streamed in keyset pages so millions of rows never sit in memory. History is read only
everywhere: no page or endpoint edits or deletes it (the admin lists it read only)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import Team
from tandem.accounts.roles import Permission
from tandem.activity.models import HistoryEntry
from tandem.activity.scopes import Scope
from tandem.contacts.models import Organization, Person
from tandem.contacts.queries import get_organization_for_user, get_person_for_user
from tandem.core.csv_export import SafeWriter
from tandem.core.dates import day_or_none, on_days
from tandem.core.htmx import is_htmx_partial
from tandem.core.views import int_or_none
from tandem.feeds import feeds, queries
from tandem.work.models import Board, Item
from tandem.work.queries import get_board_for_user, get_item_for_user

PAGE = 2000


def _entries(request: HttpRequest) -> Any:
    entries = HistoryEntry.objects.select_related("actor").order_by("id")
    if request.GET.get("target_type"):
        entries = entries.filter(target_type=request.GET["target_type"][:40])
    if request.GET.get("verb"):
        entries = entries.filter(verb=request.GET["verb"][:40])
    actor = int_or_none(request.GET.get("actor"))
    if actor is not None:
        entries = entries.filter(actor_id=actor)
    return entries.filter(
        on_days("at", day_or_none(request.GET.get("since")), day_or_none(request.GET.get("until")))
    )


def _rows(entries: Any) -> Iterator[str]:
    out = SafeWriter()
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


def timeline_context(kind: str, record: Organization | Person | Item, request: HttpRequest) -> dict[str, Any]:
    """What a record page's timeline section needs: its first page (or the page after `?before=`)
    and where "Load more" fetches the next."""
    scope: Scope
    if isinstance(record, Organization):
        scope = feeds.customer_scope(record)
    elif isinstance(record, Person):
        scope = feeds.person_scope(record)
    else:
        scope = [(kind, [record.pk])]
    return {
        "page": queries.timeline(
            scope, viewer=acting_user(request), before=queries.parse_cursor(request.GET.get("before"))
        ),
        "more_url": reverse("activity:timeline", args=[kind, record.pk]),
        "show_target": kind in ("organization", "person"),
    }


@guarded_view(Permission.VIEW_CUSTOMERS)
def timeline(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """A page of a record's timeline: the rows alone for htmx, else a page around them."""
    user = acting_user(request)
    record: Organization | Person | Item
    if kind == "organization":
        record = get_organization_for_user(user, pk)
    elif kind == "person":
        record = get_person_for_user(user, pk)
    elif kind == "item":
        record = get_item_for_user(user, pk)
    else:
        raise Http404(_("Not found."))
    context = {**timeline_context(kind, record, request), "record": record}
    if is_htmx_partial(request):
        return render(request, "feeds/partials/timeline.html", context)
    return render(request, "feeds/timeline.html", context)


FEEDS = {
    "home": _("What concerns you"),
    "board": _("Board feed"),
    "team": _("Team feed"),
    "new-work": _("New work"),
}


@guarded_view(Permission.VIEW_WORK)
def feed(request: HttpRequest, kind: str) -> HttpResponse:
    """A feed, a page at a time: `home` (yours), `board?board=`, `team?team=`, `new-work`
    (`?organization=` for one customer). The rows alone for htmx ("Load more")."""
    user = acting_user(request)
    before = queries.parse_cursor(request.GET.get("before"))
    subject: Board | Team | Organization | None = None
    if kind == "home":
        page = feeds.home(user, before)
    elif kind == "board":
        board = get_board_for_user(user, int_or_none(request.GET.get("board")) or 0)
        page, subject = feeds.board_feed(board, before, viewer=user), board
    elif kind == "team":
        team = Team.objects.filter(pk=int_or_none(request.GET.get("team")) or 0).first()
        if team is None:
            raise Http404(_("Not found."))
        page, subject = feeds.team_feed(team, before, viewer=user), team
    elif kind == "new-work":
        organization = int_or_none(request.GET.get("organization"))
        customer = Organization.objects.filter(pk=organization).first() if organization else None
        if organization and customer is None:
            raise Http404(_("Not found."))
        page, subject = feeds.new_work(customer, before, viewer=user), customer
    else:
        raise Http404(_("Not found."))
    query = {k: v for k, v in request.GET.items() if k in ("board", "team", "organization")}
    context = {
        "page": page,
        "more_url": reverse("activity:feed", args=[kind]) + ("?" + urlencode(query) + "&" if query else "?"),
        "show_target": True,
        "kind": kind,
        "title": FEEDS[kind],
        "subject": subject,
        "teams": Team.objects.order_by("name"),
        "nav": "feeds",
    }
    if is_htmx_partial(request):
        return render(request, "feeds/partials/timeline.html", context)
    return render(request, "feeds/feed.html", context)
