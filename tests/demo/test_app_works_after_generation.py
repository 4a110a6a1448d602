"""After generation Tandem works as before: generated people are found by the list queries, and the
services create and edit records (the id sequences were moved past the generated ids)."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import EmailAddress, Organization, Person, PhoneNumber
from tandem.contacts.queries import get_person_for_user, organizations_for, people_for
from tandem.contacts.services import create_organization, create_person, update_person
from tests.demo.helpers import SMALL, run

pytestmark = pytest.mark.django_db


def test_people_for_finds_a_generated_person_by_email_phone_and_name(member):
    run(SMALL)
    email = EmailAddress.objects.filter(person__isnull=False).order_by("-pk").first()
    assert email is not None
    found = list(people_for(member, q=email.email))
    assert [p.pk for p in found] == [email.person_id]
    phone = PhoneNumber.objects.filter(person__isnull=False).order_by("-pk").first()
    assert phone is not None
    assert phone.person_id in {p.pk for p in people_for(member, q=phone.e164.lstrip("+"))}
    person = Person.objects.order_by("-pk").first()
    assert person is not None
    assert person.pk in {p.pk for p in people_for(member, q=person.full_name)}
    person = get_person_for_user(member, email.person_id)
    assert person.memberships.filter(is_primary=True).count() == 1


def test_the_organization_list_counts_generated_people(member):
    run(SMALL)
    counts = {org.pk: org.people_count for org in organizations_for(member)}
    assert len(counts) == SMALL.organizations
    assert sum(counts.values()) >= SMALL.people


def test_services_create_and_edit_records_after_generation(member):
    run(SMALL)
    largest_org, largest_person = (
        Organization.objects.order_by("-pk").first(),
        Person.objects.order_by("-pk").first(),
    )
    assert largest_org is not None and largest_person is not None
    org = create_organization(by=member, data={"name": "Made After Generation Ltd"})
    person = create_person(
        by=member,
        data={"first_name": "Nova", "last_name": "Example", "emails": [{"email": "nova@after.example"}]},
    )
    assert org.pk > largest_org.pk and person.pk > largest_person.pk
    assert HistoryEntry.objects.filter(target_type="person", target_id=person.pk, verb="created").exists()

    generated = Person.objects.order_by("pk").first()
    assert generated is not None
    edited = update_person(generated, by=member, version=1, data={"notes": "Called back."})
    assert edited.version == 2
    assert HistoryEntry.objects.filter(target_id=generated.pk, target_type="person", actor=member).exists()
