"""The work items' card on the customer page (tandem.core.panels; the page is composed in
tandem.web), registered in WorkConfig.ready(): the customer's deals and other work items, open
first, each with "New item" for that customer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tandem.accounts.guards import acting_user
from tandem.accounts.roles import Permission, can
from tandem.contacts.models import Organization, Person
from tandem.core.panels import register_panel
from tandem.work.queries import boards_for, work_for_customer


def customer_work(request: HttpRequest, record: Organization | Person) -> dict[str, Any]:
    """The customer's deals and other work items, for the sections of its page."""
    user = acting_user(request)
    if isinstance(record, Organization):
        kind, work = "organization", work_for_customer(user=user, organization=record)
    else:
        kind, work = "person", work_for_customer(user=user, person=record)
    sections = [
        (_("Deals"), work.deals, work.deals_open, _("No deals yet"), "deals"),
        (_("Work items"), work.other, work.other_open, _("No work items yet"), "work-items"),
    ]
    return {
        "work_sections": sections,
        "customer_param": (kind, record.pk),
        "work_boards": list(boards_for(user)) if can(user, Permission.EDIT_WORK) else [],
    }


def register() -> None:
    register_panel(
        "customer-cards", "work", template="work/partials/customer_work.html", context=customer_work, order=10
    )
