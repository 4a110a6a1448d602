"""Each customer page rendered once through a real request, checked for what a user must see."""

from __future__ import annotations

import pytest

from tandem.contacts import services
from tests.conftest import login
from tests.contacts.pages import org_url, person_url


@pytest.fixture
def acme(make_org, make_person, manager):
    org = make_org(
        "Acme Corp",
        website="www.acme.example",
        industry="Rockets",
        tags=["vip"],
        owner=manager,
        notes="Pays on time.\nPrefers e-mail.",
        emails=[{"email": "info@acme.example"}],
        phones=[{"number": "+1 415 555 2671"}],
        addresses=[{"street": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "us"}],
    )
    ada = make_person(
        "Ada",
        "Lovelace",
        tags=["engineering"],
        notes="Met at the fair.",
        emails=[{"email": "ada@acme.example"}, {"email": "ada@home.example", "label": "home"}],
        phones=[{"number": "+1 212 555 0199", "label": "mobile"}],
        addresses=[{"city": "London", "country": "GB"}],
        memberships=[{"organization_id": org.pk, "job_title": "CTO"}],
    )
    return org, ada


def test_organization_page(member, acme):
    org, ada = acme
    html = login(member).get(org_url("detail", org.pk)).content.decode()
    for expected in (
        "<h1",
        "Acme Corp",
        'href="https://www.acme.example"',
        ">acme.example<",
        "Rockets",
        "vip",
        "Owner: <bdi>Mona Manager</bdi>",
        f'href="{person_url("detail", ada.pk)}"',
        "CTO",
        'href="mailto:ada@acme.example"',
        'href="mailto:info@acme.example"',
        'href="tel:+14155552671"',
        "Springfield",
        "Pays on time.<br>Prefers e-mail.",
        f'href="{person_url("create")}?organization={org.pk}"',
        "History",
        "created",
    ):
        assert expected in html, expected
    # The cards later capabilities fill are there, empty, and say so.
    for section in (
        "No deals yet",
        "No work items yet",
        "No projects yet",
        "No documents yet",
        "No events yet",
    ):
        assert section in html
    assert "ada@home.example" not in html  # only the primary e-mail in the people list


def test_organization_page_without_people(member, make_org):
    org = make_org("Lonely Ltd")
    html = login(member).get(org_url("detail", org.pk)).content.decode()
    assert "No people yet" in html
    assert "No e-mail addresses" in html and "No notes yet" in html


def test_archived_organization_shows_a_badge(manager, acme):
    org, _ = acme
    services.archive(org, by=manager)
    html = login(manager).get(org_url("detail", org.pk)).content.decode()
    assert ">Archived<" in html and ">Restore<" in html


def test_person_page(member, acme):
    org, ada = acme
    html = login(member).get(person_url("detail", ada.pk)).content.decode()
    for expected in (
        "Ada Lovelace",
        f'href="{org_url("detail", org.pk)}"',
        "CTO",
        'href="mailto:ada@acme.example"',
        'href="mailto:ada@home.example"',
        'href="tel:+12125550199"',
        "Mobile",
        "London",
        "engineering",
        "Owner: <bdi>Bob Member</bdi>",
        "Met at the fair.",
        "History",
    ):
        assert expected in html, expected


def test_lists_show_the_columns(member, acme):
    client = login(member)
    orgs = client.get(org_url("list")).content.decode()
    for expected in ("Acme Corp", "acme.example", "vip", "Mona Manager", "table-responsive", "hide-sm"):
        assert expected in orgs, expected
    people = client.get(person_url("list")).content.decode()
    for expected in ("Ada Lovelace", "Acme Corp", "CTO", "ada@acme.example", "engineering", "Bob Member"):
        assert expected in people, expected
    assert "ada@home.example" not in people


def test_forms_render(member, acme):
    org, ada = acme
    client = login(member)
    org_form = client.get(org_url("edit", org.pk)).content.decode()
    assert 'name="version" value="1"' in org_form
    assert 'value="info@acme.example"' in org_form and 'name="emails-TOTAL_FORMS"' in org_form
    assert 'value="vip"' in org_form
    person_form = client.get(person_url("edit", ada.pk)).content.decode()
    assert 'value="CTO"' in person_form and 'name="memberships-TOTAL_FORMS"' in person_form
    assert (
        "New person at Acme Corp"
        in client.get(person_url("create") + f"?organization={org.pk}").content.decode()
    )
    # A made-up organization id is ignored, not an error.
    assert client.get(person_url("create") + "?organization=abc").status_code == 200


def test_merge_page_renders(manager, acme):
    org, _ = acme
    html = login(manager).get(org_url("merge", org.pk)).content.decode()
    assert "Merge a duplicate into “Acme Corp”" in html
    assert "Find the duplicate" in html


def test_pages_render_right_to_left_in_persian(member, acme):
    org, ada = acme
    member.language = "fa"
    member.save(update_fields=["language"])
    client = login(member)
    for url in (
        org_url("list"),
        person_url("list"),
        org_url("detail", org.pk),
        person_url("detail", ada.pk),
        org_url("edit", org.pk),
        person_url("create"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'dir="rtl"' in response.content.decode(), url
