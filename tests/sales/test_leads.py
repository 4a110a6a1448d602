"""A lead becomes an opportunity in one step: its organization and person are linked (existing
matches offered instead of duplicates) and the deal starts in the pipeline's first stage."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.contacts.models import Organization, Person
from tandem.core.errors import Conflict, InvalidInput, PossibleDuplicate
from tandem.sales import services
from tandem.sales.filters import LeadFilters
from tandem.sales.models import LeadStatus


def test_qualifying_makes_the_customer_and_the_deal(member, pipeline):
    lead = services.create_lead(
        by=member,
        data={"name": "Ann Lee", "company": "Zeta Robotics", "email": "Ann@Zeta.example", "source": "fair"},
    )
    assert lead.email == "ann@zeta.example"
    deal = services.qualify_lead(lead, by=member, pipeline=pipeline)
    org = Organization.objects.get(name="Zeta Robotics")
    person = Person.objects.get(emails__email="ann@zeta.example")
    assert (deal.organization, deal.source, deal.stage.name, deal.item.title) == (
        org,
        "fair",
        "Lead",
        "Zeta Robotics",
    )
    assert list(deal.contacts.values_list("person", flat=True)) == [person.pk]
    assert person.memberships.get().organization == org
    lead.refresh_from_db()
    assert (lead.status, lead.deal) == (LeadStatus.QUALIFIED, deal)
    with pytest.raises(Conflict):
        services.qualify_lead(lead, by=member, pipeline=pipeline)


def test_existing_customers_are_offered_not_duplicated(member, pipeline, make_org, make_person):
    acme = make_org("Acme Corp")
    ann = make_person("Ann", "Lee", emails=[{"email": "ann@acme.example"}])
    lead = services.create_lead(
        by=member, data={"name": "Ann Lee", "company": "ACME corp", "email": "ann@acme.example"}
    )
    matches = services.lead_matches(lead)
    assert acme in matches.organizations and ann in matches.people
    with pytest.raises(PossibleDuplicate):
        services.qualify_lead(lead, by=member, pipeline=pipeline)
    assert Organization.objects.count() == 1  # nothing half-made
    deal = services.qualify_lead(lead, by=member, pipeline=pipeline, organization=acme, person=ann)
    assert deal.organization == acme and Person.objects.count() == 1


def test_bad_leads_are_refused(member):
    with pytest.raises(InvalidInput):
        services.create_lead(by=member, data={"name": " "})
    with pytest.raises(InvalidInput):
        services.create_lead(by=member, data={"name": "Ann", "email": "not-an-address"})


def test_disqualified_leads_stay_out(member, pipeline):
    lead = services.create_lead(by=member, data={"name": "Spam Bot"})
    services.disqualify_lead(lead, by=member)
    with pytest.raises(Conflict):
        services.qualify_lead(lead, by=member, pipeline=pipeline)


def test_the_leads_page_and_the_api_read_the_status_alike(member, pipeline, client_for, api_token_for):
    """One definition (sales.filters.LeadFilters) behind the page's tabs and the API's `status`."""
    fresh = services.create_lead(by=member, data={"name": "Fresh Lead"})
    dropped = services.disqualify_lead(
        services.create_lead(by=member, data={"name": "Dropped Lead"}), by=member
    )
    page, api = client_for(member), Client(headers={"Authorization": f"Bearer {api_token_for(member)}"})
    for status, expected in [
        ("", {fresh.name}),
        ("disqualified", {dropped.name}),
        ("all", {fresh.name, dropped.name}),
    ]:
        query = f"?status={status}" if status else ""
        listed = {lead["name"] for lead in api.get(f"/api/v1/leads{query}").json()["items"]}
        assert listed == expected, status
        shown = page.get(f"/leads/{query}").content.decode()
        assert {name for name in (fresh.name, dropped.name) if name in shown} == expected, status
    assert LeadFilters.parse({"status": "nonsense"}) == LeadFilters(status="all")  # a page shows all
