"""The customers' own sections of the customer page (tandem.core.panels; the page is composed in
tandem.web), registered in ContactsConfig.ready(): an organization's people, a person's
organizations. The page's header and its sidebar (contact details, notes) are contacts' partials
too (contacts/partials/organization_header.html, person_header.html, record_sidebar.html)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.contacts.models import Organization, Person
from tandem.contacts.queries import organization_people
from tandem.core.panels import register_panel

PEOPLE_ON_ORGANIZATION_PAGE = 50


def people(request: HttpRequest, record: Organization | Person) -> dict[str, Any] | None:
    """An organization's people (the first 50, and a link to the list of all of them)."""
    if not isinstance(record, Organization):
        return None
    memberships = list(organization_people(record)[: PEOPLE_ON_ORGANIZATION_PAGE + 1])
    return {
        "memberships": memberships[:PEOPLE_ON_ORGANIZATION_PAGE],
        "more_people": len(memberships) > PEOPLE_ON_ORGANIZATION_PAGE,
    }


def organizations(request: HttpRequest, record: Organization | Person) -> dict[str, Any] | None:
    """A person's organizations (read with the person)."""
    return {} if isinstance(record, Person) else None


def register() -> None:
    register_panel(
        "customer", "people", template="contacts/partials/people_card.html", context=people, order=10
    )
    register_panel(
        "customer",
        "organizations",
        template="contacts/partials/organizations_card.html",
        context=organizations,
        order=10,
    )
