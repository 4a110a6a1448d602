"""What the calendar shows on other apps' pages (tandem.core.panels), registered in
AgendaConfig.ready(): an "Events" card on the customer page (page "customer-cards", in the place
the page kept for it) and an events section on the item page, each listing the upcoming and recent
events linked to that record (those the reader may see) with "New event" prefilled with the link.
The event page itself takes panels of page "event" (the rituals add theirs there)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from tandem.accounts.guards import acting_user
from tandem.accounts.roles import Permission, can
from tandem.agenda.queries import occurrences_linked
from tandem.agenda.recurrence import Occurrence, iso
from tandem.contacts.models import Organization, Person
from tandem.core.panels import register_panel
from tandem.work.models import Item

UPCOMING = 5
RECENT = 3
LOOK_BACK = timedelta(days=60)
LOOK_AHEAD = timedelta(days=180)


def _url(occurrence: Occurrence) -> str:
    url = reverse("agenda:event", args=[occurrence.series_id])
    if occurrence.recurrence_id is not None:
        url += "?" + urlencode({"occurrence": iso(occurrence.recurrence_id)})
    return url


def _events(request: HttpRequest, *, param: str, pk: int, **record: int) -> dict[str, Any]:
    user = acting_user(request)
    now = timezone.now()
    found = occurrences_linked(user, now - LOOK_BACK, now + LOOK_AHEAD, **record)
    upcoming = [o for o in found if o.end >= now][:UPCOMING]
    recent = [o for o in found if o.end < now][-RECENT:][::-1]
    return {
        "upcoming_events": [(o, _url(o)) for o in upcoming],
        "recent_events": [(o, _url(o)) for o in recent],
        "new_event_url": (
            reverse("agenda:event-create") + "?" + urlencode({param: pk})
            if can(user, Permission.EDIT_EVENTS)
            else ""
        ),
    }


def customer_events(request: HttpRequest, record: Organization | Person) -> dict[str, Any]:
    if isinstance(record, Organization):
        return _events(request, param="organization", pk=record.pk, organization=record.pk)
    return _events(request, param="person", pk=record.pk, person=record.pk)


def item_events(request: HttpRequest, item: Item) -> dict[str, Any] | None:
    context = _events(request, param="item", pk=item.pk, item=item.pk)
    if not context["upcoming_events"] and not context["recent_events"] and not context["new_event_url"]:
        return None
    return context


def register() -> None:
    register_panel(
        "customer-cards",
        "events",
        template="agenda/partials/customer_events.html",
        context=customer_events,
        order=50,
    )
    register_panel(
        "item", "events", template="agenda/partials/item_events.html", context=item_events, order=80
    )
