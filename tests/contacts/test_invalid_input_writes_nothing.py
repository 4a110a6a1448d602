"""Bad input on the create and edit forms: the error shows next to the field it concerns, the answer
is a 4xx, and nothing is written."""

from __future__ import annotations

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import EmailAddress, Organization, Person
from tests.conftest import login
from tests.contacts.pages import fill_and_post, org_url, person_url


def snippet(html: str, start: str, end: str) -> str:
    """The part of the page from one field to the next: where an error 'next to the field' must be."""
    return html.split(start, 1)[1].split(end, 1)[0]


def test_invalid_email_on_a_new_organization(member):
    client = login(member)
    response = fill_and_post(
        client,
        org_url("create"),
        {"name": "Initech", "emails-0-email": "not-an-email", "phones-0-number": "+1 415 555 2671"},
    )
    html = response.content.decode()
    assert response.status_code == 422
    row = snippet(html, 'name="emails-0-email"', 'name="emails-0-label"')
    assert "Enter a valid email address." in row
    assert "is-invalid" in row
    assert 'value="Initech"' in html  # what was typed is kept
    assert not Organization.objects.exists()
    assert not EmailAddress.objects.exists()
    assert not HistoryEntry.objects.exists()


def test_invalid_phone_on_a_new_person(member):
    client = login(member)
    response = fill_and_post(client, person_url("create"), {"last_name": "Hopper", "phones-1-number": "12"})
    row = snippet(response.content.decode(), 'name="phones-1-number"', 'name="phones-1-label"')
    assert response.status_code == 422
    assert "is not a valid phone number" in row or "is not a phone number" in row
    assert not Person.objects.exists()


def test_missing_name_is_shown_on_the_name_field(member):
    response = fill_and_post(login(member), org_url("create"), {"name": ""})
    field = snippet(response.content.decode(), 'name="name"', 'name="website"')
    assert response.status_code == 422
    assert "This field is required." in field
    assert not Organization.objects.exists()


def test_service_refusal_lands_on_its_field(member):
    # The form accepts any text as a website; the service decides it is not one.
    response = fill_and_post(
        login(member), org_url("create"), {"name": "Initech", "website": "not a website"}
    )
    field = snippet(response.content.decode(), 'name="website"', 'name="industry"')
    assert response.status_code == 422
    assert "is not a web address" in field
    assert "is-invalid" in field
    assert not Organization.objects.exists()


def test_a_person_needs_a_name(member):
    response = fill_and_post(login(member), person_url("create"), {"first_name": "", "last_name": ""})
    field = snippet(response.content.decode(), 'name="last_name"', 'name="tags"')
    assert response.status_code == 422
    assert "A person needs a name." in field
    assert not Person.objects.exists()


def test_bad_country_code_in_an_address(member, make_org):
    org = make_org("Acme Corp")
    response = fill_and_post(
        login(member),
        org_url("edit", org.pk),
        {"addresses-0-city": "Berlin", "addresses-0-country": "Germany"},
    )
    row = snippet(response.content.decode(), 'name="addresses-0-country"', 'name="addresses-0-label"')
    assert response.status_code == 422
    assert "two-letter country code" in row or "at most 2 characters" in row
    org.refresh_from_db()
    assert org.version == 1 and not org.addresses.exists()


def test_too_long_tag(member):
    response = fill_and_post(login(member), org_url("create"), {"name": "Initech", "tags": "ok, " + "x" * 51})
    field = snippet(response.content.decode(), 'name="tags"', 'name="owner"')
    assert "A tag has at most 50 characters" in field
    assert not Organization.objects.exists()


def test_unknown_organization_in_a_membership_row(member):
    data_changes = {"last_name": "Hopper", "memberships-0-organization_id": "999999"}
    response = fill_and_post(login(member), person_url("create"), data_changes)
    row = snippet(
        response.content.decode(), 'name="memberships-0-organization_id"', 'name="memberships-0-job_title"'
    )
    assert response.status_code == 422
    assert "Select a valid choice" in row
    assert not Person.objects.exists()
