"""Two people edit the same record: the second save, based on an older version, is refused with a
clear message, keeps what they typed, and does not overwrite the first change."""

from __future__ import annotations

from tandem.contacts import services
from tests.conftest import login
from tests.contacts.pages import form_values, org_url, person_url


def test_stale_organization_edit_is_refused(member, manager, make_org):
    org = make_org("Acme Corp", industry="Rockets")
    client = login(member)
    url = org_url("edit", org.pk)
    data = form_values(client.get(url).content.decode())
    # Meanwhile a colleague saves a change.
    services.update_organization(org, by=manager, version=org.version, data={"industry": "Aerospace"})
    data["industry"] = "Fireworks"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this record" in html
    assert 'value="Fireworks"' in html  # their typing is not lost
    assert "Open the current version" in html
    org.refresh_from_db()
    assert org.industry == "Aerospace"
    assert org.version == 2


def test_stale_person_edit_is_refused(member, manager, make_person):
    person = make_person("Ada", "Lovelace", emails=[{"email": "ada@acme.example"}])
    client = login(member)
    url = person_url("edit", person.pk)
    data = form_values(client.get(url).content.decode())
    services.update_person(person, by=manager, version=person.version, data={"first_name": "Augusta"})
    data["emails-0-email"] = "changed@acme.example"
    response = client.post(url, data)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == "Augusta"
    assert [e.email for e in person.emails.all()] == ["ada@acme.example"]


def test_edit_form_without_a_version_is_not_saved_blindly(member, make_org):
    org = make_org("Acme Corp")
    client = login(member)
    data = form_values(client.get(org_url("edit", org.pk)).content.decode())
    data.pop("version")
    data["industry"] = "Rockets"
    response = client.post(org_url("edit", org.pk), data)
    assert response.status_code == 422
    assert "This form is out of date" in response.content.decode()
    org.refresh_from_db()
    assert org.industry == ""
