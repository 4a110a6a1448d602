"""The customer page: an organization's or a person's page, composed of the panels the apps register
for it (tandem.core.panels, page "customer"): contacts' people or organizations, the cards (page
"customer-cards": work's deals and work items, the mail gateway's e-mails, and the places kept for
projects, documents and events), feeds' history. Its header and sidebar are contacts' partials.
Opening it reads one's notifications of the record (the notifications app's on_show hook), and the
page follows the record live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.roles import Permission
from tandem.contacts.models import Organization, Person
from tandem.contacts.queries import get_organization_for_user, get_person_for_user
from tandem.contacts.views import to_survivor
from tandem.core.panels import is_registered, panels_for, register_panel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@guarded_view(Permission.VIEW_CUSTOMERS)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_organization_for_user(acting_user(request), pk)
    if organization.merged_into_id:
        return to_survivor(request, organization, "organization-detail")
    return _page(request, organization, nav="organizations", title=organization.name)


@guarded_view(Permission.VIEW_CUSTOMERS)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(acting_user(request), pk)
    if person.merged_into_id:
        return to_survivor(request, person, "person-detail")
    return _page(request, person, nav="people", title=person.full_name)


def _page(request: HttpRequest, record: Organization | Person, *, nav: str, title: str) -> HttpResponse:
    kind = "organization" if isinstance(record, Organization) else "person"
    context = {
        "nav": nav,
        kind: record,
        "record": record,
        "title": title,
        "customer_header": f"contacts/partials/{kind}_header.html",
        "live_topic": f"{kind}:{record.pk}",
        "panels": panels_for("customer", request, record),
    }
    return render(request, "web/customer.html", context)


def cards(request: HttpRequest, record: Organization | Person) -> dict[str, Any]:
    """The cards in the middle of the customer page, each a panel of its own."""
    return {"cards": panels_for("customer-cards", request, record)}


@dataclass(frozen=True)
class Placeholder:
    """A card whose place is kept for an app to come, until it registers its own under the key."""

    card_id: str
    title: StrOrPromise
    empty: StrOrPromise

    def __call__(self, request: HttpRequest, record: Organization | Person) -> dict[str, Any]:
        return {"card_id": self.card_id, "card_title": self.title, "card_empty": self.empty}


CARDS = 50  # under the people or organizations, above the history
PLACEHOLDERS = [  # (key, order): the work items' card is 10, the e-mails' 40
    (Placeholder("projects", _("Projects"), _("No projects yet")), 20),
    (Placeholder("documents", _("Documents"), _("No documents yet")), 30),
    (Placeholder("events", _("Events"), _("No events yet")), 50),
]


def register() -> None:
    register_panel(
        "customer", "cards", template="web/partials/customer_cards.html", context=cards, order=CARDS
    )
    for card, order in PLACEHOLDERS:
        if not is_registered("customer-cards", card.card_id):
            register_panel(
                "customer-cards",
                card.card_id,
                template="web/partials/placeholder_card.html",
                context=card,
                order=order,
            )
