"""Creating a customer Tandem may already have: a warning lists the matches with links and reasons;
ticking "Save anyway" creates the new record."""

from __future__ import annotations

from tandem.contacts.models import Organization, Person
from tests.conftest import login
from tests.contacts.pages import fill_and_post, form_values, org_url, person_url


def test_duplicate_organization_warning_then_save_anyway(member, make_org):
    existing = make_org("ACME, Inc.", website="acme.example")
    client = login(member)
    response = fill_and_post(
        client, org_url("create"), {"name": "Acme", "website": "https://www.acme.example/"}
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "This looks like a customer Tandem already has" in html
    assert f'href="{org_url("detail", existing.pk)}"' in html
    assert "same name" in html and "same web domain" in html
    assert "Save anyway, this is a different customer" in html
    assert Organization.objects.count() == 1

    data = form_values(html)
    assert data["name"] == "Acme"  # the form comes back as typed
    data["allow_duplicate"] = "on"
    saved = client.post(org_url("create"), data)
    assert saved.status_code == 302
    assert Organization.objects.count() == 2
    assert Organization.objects.exclude(pk=existing.pk).get().name == "Acme"


def test_duplicate_person_by_email(member, make_person):
    existing = make_person("Ada", "Lovelace", emails=[{"email": "ada@acme.example"}])
    client = login(member)
    response = fill_and_post(
        client,
        person_url("create"),
        {"first_name": "A.", "last_name": "King", "emails-0-email": "ADA@acme.example"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert f'href="{person_url("detail", existing.pk)}"' in html
    assert "same e-mail" in html
    assert Person.objects.count() == 1
    data = form_values(html)
    data["allow_duplicate"] = "on"
    assert client.post(person_url("create"), data).status_code == 302
    assert Person.objects.count() == 2


def test_no_warning_for_a_new_customer(member, make_org):
    make_org("Acme")
    response = fill_and_post(login(member), org_url("create"), {"name": "Globex"})
    assert response.status_code == 302
    assert Organization.objects.count() == 2
