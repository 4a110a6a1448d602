"""Leads: who might buy, before they are a deal; qualifying one makes its organization, person
and deal (in the pipeline's first stage), disqualifying ends it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.contacts import services as contacts
from tandem.contacts.models import Organization, Person
from tandem.core.errors import Conflict, InvalidInput
from tandem.sales.models import CONTACT_ROLE, Deal, Lead, LeadStatus, Pipeline
from tandem.sales.services._values import _active_user, _currency, _date, _money
from tandem.sales.services.deals import create_deal
from tandem.sales.verbs import SalesVerb


def create_lead(*, by: User, data: Mapping[str, Any]) -> Lead:
    """An unqualified lead: a name, and what is known — company, e-mail, phone, source."""
    require(by, Permission.EDIT_WORK)
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        raise InvalidInput(_("A lead needs a name."), field="name")
    email = str(data.get("email") or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(_("Enter a valid e-mail address."), field="email") from None
    with transaction.atomic():
        lead = Lead.objects.create(
            name=name[:200],
            company=" ".join(str(data.get("company") or "").split())[:200],
            email=email[:254],
            phone=str(data.get("phone") or "").strip()[:40],
            source=str(data.get("source") or "").strip()[:100],
            notes=str(data.get("notes") or "").strip(),
            owner=_active_user(data.get("owner", by)),
        )
        record(by=by, verb=RecordVerb.CREATED, target=lead)
    return lead


@dataclass
class LeadMatches:
    """Customers Tandem already has that the lead may be: offered before creating new ones."""

    organizations: list[Organization]
    people: list[Person]


def lead_matches(lead: Lead) -> LeadMatches:
    first, _sep, last = lead.name.rpartition(" ")
    people = contacts.find_duplicate_people(
        first_name=first or lead.name,
        last_name=last if first else "",
        emails=[lead.email] if lead.email else [],
    )
    organizations = contacts.find_duplicate_organizations(name=lead.company) if lead.company else []
    return LeadMatches(
        organizations=[d.record for d in organizations if isinstance(d.record, Organization)],
        people=[d.record for d in people if isinstance(d.record, Person)],
    )


def qualify_lead(
    lead: Lead,
    *,
    by: User,
    pipeline: Pipeline,
    organization: Organization | None = None,
    person: Person | None = None,
    create_new: bool = False,
    data: Mapping[str, Any] | None = None,
) -> Deal:
    """Turn the lead into an opportunity in the pipeline's first stage, with its organization and
    person: the existing ones given, or new ones made from the lead. Making new ones when Tandem
    has look-alikes is refused (PossibleDuplicate lists them) unless `create_new` says so.
    `data` may give what is known of the deal already — `value`, `currency` (default: the
    pipeline's), `expected_close` — checked before anything is made (InvalidInput)."""
    require(by, Permission.EDIT_WORK)
    figures = _deal_figures(data or {})
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        if current.status != LeadStatus.NEW:
            raise Conflict(_("This lead was qualified or disqualified already."))
        if organization is None and current.company:
            organization = contacts.create_organization(
                by=by, data={"name": current.company}, allow_duplicate=create_new
            )
        if person is None:
            first, _sep, last = current.name.rpartition(" ")
            person = contacts.create_person(
                by=by,
                data={
                    "first_name": first or current.name,
                    "last_name": last if first else "",
                    "emails": [{"email": current.email}] if current.email else [],
                    "phones": [{"number": current.phone}] if current.phone else [],
                    "memberships": [{"organization": organization}] if organization else [],
                },
                allow_duplicate=create_new,
            )
        deal = create_deal(
            by=by,
            pipeline=pipeline,
            title=current.company or current.name,
            data={
                "organization": organization,
                "source": current.source,
                "owner": current.owner or by,
                **figures,
            },
            contacts=[(person, CONTACT_ROLE)],  # shown translated (DealContact.display_role)
        )
        current.status = LeadStatus.QUALIFIED
        current.deal = deal
        current.save(update_fields=["status", "deal"])
        record(by=by, verb=SalesVerb.QUALIFIED, target=current, changes={"deal": deal.pk})
    return deal


def _deal_figures(data: Mapping[str, Any]) -> dict[str, Any]:
    """The deal's figures given on qualifying, cleaned; those left empty are left out."""
    figures: dict[str, Any] = {}
    if data.get("value") not in (None, ""):
        figures["value"] = _money(data["value"], "value")
    if str(data.get("currency") or "").strip():
        figures["currency"] = _currency(data["currency"])
    if data.get("expected_close") not in (None, ""):
        figures["expected_close"] = _date(data["expected_close"], "expected_close")
    return figures


def disqualify_lead(lead: Lead, *, by: User) -> Lead:
    require(by, Permission.EDIT_WORK)
    with transaction.atomic():
        current = Lead.objects.select_for_update().get(pk=lead.pk)
        if current.status != LeadStatus.NEW:
            raise Conflict(_("This lead was qualified or disqualified already."))
        current.status = LeadStatus.DISQUALIFIED
        current.save(update_fields=["status"])
        record(by=by, verb=SalesVerb.DISQUALIFIED, target=current)
    return current
