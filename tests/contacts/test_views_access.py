"""Every customer page from every persona: who reads, who writes, who is turned away, and how."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tandem.contacts.models import Organization, Person
from tests.conftest import login
from tests.contacts.pages import org_url, person_url

READERS = ["admin_user", "manager", "member", "guest"]
EDITORS = ["admin_user", "manager", "member"]
ARCHIVERS = ["admin_user", "manager"]


@pytest.fixture
def records(make_org, make_person):
    org = make_org("Acme Corp", website="acme.example", emails=[{"email": "info@acme.example"}])
    person = make_person("Ada", "Lovelace", memberships=[{"organization_id": org.pk, "job_title": "CTO"}])
    other = make_org("Acme Duplicate")
    return org, person, other


def read_urls(org: Organization, person: Person) -> list[str]:
    return [
        org_url("list"),
        org_url("detail", org.pk),
        person_url("list"),
        person_url("detail", person.pk),
    ]


def form_urls(org: Organization, person: Person) -> list[str]:
    return [
        org_url("create"),
        org_url("edit", org.pk),
        person_url("create") + f"?organization={org.pk}",
        person_url("edit", person.pk),
    ]


def archive_urls(org: Organization, person: Person) -> list[str]:
    return [
        org_url("archive", org.pk),
        org_url("restore", org.pk),
        person_url("archive", person.pk),
        person_url("restore", person.pk),
    ]


def merge_urls(org: Organization, person: Person) -> list[str]:
    return [org_url("merge", org.pk), person_url("merge", person.pk)]


@pytest.mark.parametrize("persona", READERS)
def test_every_role_reads_every_customer_page(request, persona, records):
    org, person, _ = records
    client = login(request.getfixturevalue(persona))
    for url in read_urls(org, person):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<html" in response.content


@pytest.mark.parametrize("persona", EDITORS)
def test_editors_open_the_forms(request, persona, records):
    org, person, _ = records
    client = login(request.getfixturevalue(persona))
    for url in form_urls(org, person):
        assert client.get(url).status_code == 200, url


def test_guest_gets_a_friendly_403_on_every_write(guest, records):
    org, person, other = records
    client = login(guest)
    versions = (org.version, person.version)
    for url in form_urls(org, person) + merge_urls(org, person):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You can’t do that here" in response.content.decode()  # noqa: RUF001
        assert b"<html" in response.content
    for url in form_urls(org, person):
        assert client.post(url, {"name": "Hacked", "last_name": "Hacked"}).status_code == 403, url
    for url in archive_urls(org, person):
        assert client.post(url, {"version": 1}).status_code == 403, url
    assert client.post(org_url("merge", org.pk), {"duplicate": other.pk}).status_code == 403
    org.refresh_from_db()
    person.refresh_from_db()
    other.refresh_from_db()
    assert (org.version, person.version) == versions
    assert org.name == "Acme Corp" and org.archived_at is None
    assert other.merged_into_id is None
    assert not Organization.objects.filter(name="Hacked").exists()
    assert not Person.objects.filter(last_name="Hacked").exists()


def test_member_cannot_archive_restore_or_merge(member, records):
    org, person, other = records
    client = login(member)
    for url in archive_urls(org, person):
        assert client.post(url, {"version": 1}).status_code == 403, url
    for url in merge_urls(org, person):
        assert client.get(url).status_code == 403, url
    assert client.post(org_url("merge", org.pk), {"duplicate": other.pk}).status_code == 403
    org.refresh_from_db()
    other.refresh_from_db()
    assert org.archived_at is None and other.merged_into_id is None


@pytest.mark.parametrize("persona", ARCHIVERS)
def test_managers_and_admins_archive_and_merge(request, persona, records):
    org, person, _ = records
    client = login(request.getfixturevalue(persona))
    for url in merge_urls(org, person):
        assert client.get(url).status_code == 200, url
    assert client.post(org_url("archive", org.pk), {"version": org.version}).status_code == 302
    assert client.post(person_url("archive", person.pk), {"version": person.version}).status_code == 302
    org.refresh_from_db()
    person.refresh_from_db()
    assert org.archived_at is not None and person.archived_at is not None


@pytest.mark.parametrize("persona", ARCHIVERS)
def test_archive_is_post_only(request, persona, records):
    org, person, _ = records
    client = login(request.getfixturevalue(persona))
    assert client.get(org_url("archive", org.pk)).status_code == 405
    assert client.get(person_url("restore", person.pk)).status_code == 405


def _all_urls(org: Organization, person: Person) -> list[str]:
    return (
        read_urls(org, person) + form_urls(org, person) + merge_urls(org, person) + archive_urls(org, person)
    )


def test_anonymous_is_sent_to_login_everywhere(records):
    org, person, _ = records
    client = Client()
    for url in _all_urls(org, person):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("login") + "?next="), response.url


def test_deactivated_account_is_sent_to_login_everywhere(deactivated, records):
    org, person, _ = records
    client = login(deactivated)
    for url in _all_urls(org, person):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), response.url
    assert client.post(org_url("archive", org.pk)).status_code == 302
    org.refresh_from_db()
    assert org.archived_at is None


def test_unknown_records_are_404(member):
    client = login(member)
    for url in (org_url("detail", 999999), person_url("edit", 999999), org_url("edit", 999999)):
        assert client.get(url).status_code == 404, url


def test_guest_sees_no_edit_buttons(guest, records):
    org, person, _ = records
    client = login(guest)
    org_page = client.get(org_url("detail", org.pk)).content.decode()
    person_page = client.get(person_url("detail", person.pk)).content.decode()
    for page, edit_url in ((org_page, org_url("edit", org.pk)), (person_page, person_url("edit", person.pk))):
        assert edit_url not in page
        assert ">Archive<" not in page
        assert "Merge…" not in page
    assert "Add person" not in org_page
    assert org_url("create") not in client.get(org_url("list")).content.decode().split("</nav>", 1)[1]


def test_member_sees_edit_but_not_archive_or_merge(member, records):
    org, _, _ = records
    page = login(member).get(org_url("detail", org.pk)).content.decode()
    assert org_url("edit", org.pk) in page
    assert "Add person" in page
    assert org_url("archive", org.pk) not in page
    assert org_url("merge", org.pk) not in page


def test_manager_sees_every_action(manager, records):
    org, _, _ = records
    page = login(manager).get(org_url("detail", org.pk)).content.decode()
    for url in (org_url("edit", org.pk), org_url("archive", org.pk), org_url("merge", org.pk)):
        assert url in page
