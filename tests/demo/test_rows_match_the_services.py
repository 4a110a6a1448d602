"""Generated rows are the rows the contacts services would have written: the derived fields come
from the same normalisation functions, and a record created through the services from a draft's
input matches the generated one field for field."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.db import connection

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import EmailAddress, Organization, Person, PhoneNumber
from tandem.contacts.normalize import (
    normalize_email,
    normalize_phone,
    normalize_website,
    organization_name_key,
    person_name_key,
)
from tandem.contacts.search import organization_search_text, person_search_text
from tandem.contacts.services import create_organization, create_person
from tandem.demo.generate import data, rows
from tandem.demo.generate.draws import Draws
from tandem.demo.generate.phones import PLANS, phone_number
from tandem.demo.generate.scales import SCALES
from tandem.demo.generate.writer import BulkWriter
from tests.demo.helpers import SMALL, UNTIL, run


def test_fast_phone_numbers_equal_normalize_phone():
    """The generator formats numbers itself for speed; a large sample per country must be exactly
    what normalize_phone gives (valid, same display form, same E.164)."""
    for country in PLANS:
        for number in range(600):
            display, e164 = phone_number(country, Draws("phones", country, number))
            assert normalize_phone(display) == (display, e164), country
            assert normalize_phone(e164) == (display, e164), country


def test_names_mix_languages_and_scripts():
    blueprint = rows.Blueprint("names", SCALES["S"], UNTIL)
    people = [rows.person(blueprint, n) for n in range(1_500)]
    names = {f"{p.first_name} {p.last_name}" for p in people}
    assert any("\u0600" <= ch <= "\u06ff" for name in names for ch in name)  # Persian script
    assert any(ch in "äöüß" for name in names for ch in name.lower())  # German umlauts
    assert any(ch in "áéíóúñ" for name in names for ch in name.lower())  # Spanish
    latin_persian = {latin for _fa, latin in data.PERSIAN_LAST_NAMES}
    assert any(p.last_name in latin_persian for p in people)
    emails = [email for p in people for email, _label in p.emails]
    assert all(email.isascii() and normalize_email(email) == email for email in emails)
    assert len(set(emails)) == len(emails)


@pytest.mark.django_db
def test_stored_derived_fields_equal_the_normalize_functions():
    run(SMALL)
    for org in Organization.objects.all():
        assert org.name_key == organization_name_key(org.name)
        assert (org.website, org.domain) == normalize_website(org.website)
        assert org.domain.endswith(".example")
        assert org.search_text == organization_search_text(org.name_key, org.domain)
    for person in Person.objects.prefetch_related("emails", "phones"):
        assert person.name_key == person_name_key(person.first_name, person.last_name)
        assert person.search_text == person_search_text(
            person.name_key, [e.email for e in person.emails.all()], [p.e164 for p in person.phones.all()]
        )
    for phone in PhoneNumber.objects.all():
        assert normalize_phone(phone.raw) == (phone.raw, phone.e164)
    emails = list(EmailAddress.objects.values_list("email", flat=True))
    assert all(normalize_email(email) == email for email in emails)
    assert len(set(emails)) == len(emails)


def _contact_input(draft: rows.OrganizationDraft | rows.PersonDraft) -> dict[str, object]:
    return {
        "notes": draft.notes,
        "emails": [{"email": email, "label": label} for email, label in draft.emails],
        "phones": [{"number": e164, "label": label} for _display, e164, label in draft.phones],
        "addresses": [
            dict(zip(("street", "city", "region", "postal_code", "country", "label"), place, strict=True))
            for place in draft.addresses
        ],
        "tags": [data.TAGS[tag] for tag in draft.tags],
    }


def _details(record: Organization | Person) -> tuple[list[tuple[object, ...]], ...]:
    return (
        list(record.emails.order_by("pk").values_list("email", "label", "is_primary")),
        list(record.phones.order_by("pk").values_list("raw", "e164", "label", "is_primary")),
        list(
            record.addresses.order_by("pk").values_list(
                "street", "city", "region", "postal_code", "country", "label", "is_primary"
            )
        ),
        sorted(record.tags.values_list("name", flat=True)),
    )


@pytest.mark.django_db
def test_a_service_made_record_matches_the_generated_one(member):
    run(SMALL)
    blueprint = rows.Blueprint("tests", SMALL, UNTIL)
    generated_orgs = list(Organization.objects.order_by("pk"))
    generated_people = list(Person.objects.order_by("pk"))
    for number in range(SMALL.organizations):
        draft = rows.organization(blueprint, number)
        made = create_organization(
            by=member,
            allow_duplicate=True,
            data={
                "name": draft.name,
                "website": f"www.{draft.domain}",
                "industry": draft.industry,
                **_contact_input(draft),
            },
        )
        generated = generated_orgs[number]
        fields = ("name", "name_key", "search_text", "website", "domain", "version")
        assert [getattr(made, f) for f in fields] == [getattr(generated, f) for f in fields]
        assert _details(made) == _details(generated)
    for number in range(0, SMALL.people, 3):
        draft = rows.person(blueprint, number)
        memberships = [
            {"organization": generated_orgs[org], "job_title": title} for org, title in draft.memberships
        ]
        made = create_person(
            by=member,
            allow_duplicate=True,
            data={
                "first_name": draft.first_name,
                "last_name": draft.last_name,
                "memberships": memberships,
                **_contact_input(draft),
            },
        )
        generated = generated_people[number]
        made.refresh_from_db()
        fields = ("first_name", "last_name", "name_key", "search_text", "version")
        assert [getattr(made, f) for f in fields] == [getattr(generated, f) for f in fields]
        assert _details(made) == _details(generated)
        assert list(
            made.memberships.order_by("pk").values_list("organization", "job_title", "is_primary")
        ) == list(generated.memberships.order_by("pk").values_list("organization", "job_title", "is_primary"))


@pytest.mark.django_db
def test_values_go_to_the_database_as_django_sends_them():
    writer = BulkWriter()
    for moment in (datetime(2025, 3, 4, 5, 6, 7, 890, tzinfo=UTC), datetime(2025, 3, 4, tzinfo=UTC)):
        assert writer.stamp(moment) == connection.ops.adapt_datetimefield_value(moment)
    changes = {"notes": ["", "تماس فقط در ساعات اداری"], "tags": [[], ["Großkunde"]]}
    prepared = HistoryEntry._meta.get_field("changes").get_db_prep_save(changes, connection)
    if isinstance(prepared, str):  # SQLite stores the JSON text itself
        assert writer.json(changes) == prepared
    assert json.loads(writer.json(changes)) == changes
