"""Creating and editing organizations and people through the HTML forms, as a browser posts them."""

from __future__ import annotations

from tandem.accounts import services as account_services
from tandem.activity.models import HistoryEntry
from tandem.contacts import services
from tandem.contacts.models import Organization, Person
from tests.conftest import login
from tests.contacts.pages import fill_and_post, form_values, org_url, person_url


def test_create_organization_with_details(member, manager):
    client = login(member)
    response = fill_and_post(
        client,
        org_url("create"),
        {
            "name": "Initech",
            "website": "initech.example",
            "industry": "Software",
            "tags": "prospect, VIP,  prospect",
            "owner": str(manager.pk),
            "notes": "Met at the fair.",
            "emails-0-email": "Info@Initech.example",
            "emails-1-email": "billing@initech.example",
            "emails-1-label": "billing",
            "phones-0-number": "+1 415 555 2671",
            "addresses-0-street": "1 Main St",
            "addresses-0-city": "Austin",
            "addresses-0-country": "us",
        },
    )
    org = Organization.objects.get()
    assert response.status_code == 302
    assert response.url == org_url("detail", org.pk)
    assert (org.name, org.domain, org.industry, org.owner, org.notes) == (
        "Initech",
        "initech.example",
        "Software",
        manager,
        "Met at the fair.",
    )
    assert sorted(t.name for t in org.tags.all()) == ["VIP", "prospect"]
    assert [(e.email, e.label, e.is_primary) for e in org.emails.all()] == [
        ("info@initech.example", "work", True),
        ("billing@initech.example", "billing", False),
    ]
    assert [p.e164 for p in org.phones.all()] == ["+14155552671"]
    assert [(a.city, a.country) for a in org.addresses.all()] == [("Austin", "US")]
    assert HistoryEntry.objects.filter(target_type="organization", target_id=org.pk, verb="created").exists()
    page = client.get(response.url).content.decode()
    assert "Organization “Initech” added." in page


def test_tags_typed_on_a_persian_keyboard_are_split_on_its_comma(member):
    client = login(member)
    fill_and_post(client, org_url("create"), {"name": "پارس", "tags": "مشتری، ویژه, prospect"})
    assert sorted(t.name for t in Organization.objects.get().tags.all()) == sorted(
        ["مشتری", "ویژه", "prospect"]
    )


def test_new_organization_is_owned_by_its_creator_by_default(member):
    values = form_values(login(member).get(org_url("create")).content.decode())
    assert values["owner"] == str(member.pk)


def test_htmx_save_answers_with_hx_location(member):
    response = fill_and_post(
        login(member), org_url("create"), {"name": "Initech"}, headers={"HX-Request": "true"}
    )
    org = Organization.objects.get()
    assert response.status_code == 204
    assert response["HX-Location"] == org_url("detail", org.pk)


def test_add_person_from_the_organization_page(member, make_org):
    org = make_org("Acme Corp")
    client = login(member)
    url = person_url("create") + f"?organization={org.pk}"
    values = form_values(client.get(url).content.decode())
    assert values["memberships-0-organization_id"] == str(org.pk)
    response = fill_and_post(
        client,
        url,
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "memberships-0-job_title": "CTO",
            "emails-0-email": "ada@acme.example",
            "emails-1-email": "ada@home.example",
            "emails-1-label": "home",
            "phones-0-number": "+1 415 555 2671",
            "phones-1-number": "+1 212 555 0199",
            "phones-1-label": "mobile",
        },
    )
    person = Person.objects.get()
    assert response.url == person_url("detail", person.pk)
    assert [(m.organization, m.job_title, m.is_primary) for m in person.memberships.all()] == [
        (org, "CTO", True)
    ]
    assert [e.email for e in person.emails.all()] == ["ada@acme.example", "ada@home.example"]
    assert [(p.e164, p.label) for p in person.phones.all()] == [
        ("+14155552671", "work"),
        ("+12125550199", "mobile"),
    ]


def test_edit_person_removes_and_adds_rows(member, make_org, make_person):
    acme, globex = make_org("Acme Corp"), make_org("Globex")
    person = make_person(
        "Ada",
        "Lovelace",
        emails=[{"email": "old@acme.example"}, {"email": "keep@acme.example"}],
        memberships=[{"organization_id": acme.pk, "job_title": "Engineer"}],
    )
    response = fill_and_post(
        login(member),
        person_url("edit", person.pk),
        {
            "emails-0-DELETE": "on",
            "emails-2-email": "new@acme.example",
            "memberships-0-job_title": "CTO",
            "memberships-1-organization_id": str(globex.pk),
            "memberships-1-job_title": "Advisor",
            "tags": "board",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.version == 2
    assert sorted(e.email for e in person.emails.all()) == ["keep@acme.example", "new@acme.example"]
    assert sorted((m.organization.name, m.job_title) for m in person.memberships.all()) == [
        ("Acme Corp", "CTO"),
        ("Globex", "Advisor"),
    ]
    assert [t.name for t in person.tags.all()] == ["board"]


def test_saving_an_unchanged_form_changes_nothing(member, make_org):
    org = make_org("Acme Corp", website="acme.example", tags=["vip"], emails=[{"email": "a@acme.example"}])
    response = fill_and_post(login(member), org_url("edit", org.pk), {})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.version == 1
    assert not HistoryEntry.objects.filter(target_id=org.pk, verb="updated").exists()


def test_one_word_name(member):
    fill_and_post(login(member), person_url("create"), {"first_name": "Madonna", "last_name": ""})
    assert Person.objects.get().last_name == "Madonna"


def test_edit_keeps_an_owner_who_has_left(member, manager, admin_user, make_org):
    org = make_org("Acme Corp", owner=manager)
    account_services.set_user_active(manager, active=False, by=admin_user)
    fill_and_post(login(member), org_url("edit", org.pk), {"industry": "Rockets"})
    org.refresh_from_db()
    assert org.industry == "Rockets"
    assert org.owner == manager


def test_merged_record_pages_lead_to_the_survivor(manager, make_org):
    keep, gone = make_org("Acme"), make_org("Acme Inc")
    services.merge(keep, gone, by=manager)
    client = login(manager)
    response = client.get(org_url("detail", gone.pk))
    assert response.status_code == 302 and response.url == org_url("detail", keep.pk)
    assert "was merged into" in client.get(response.url).content.decode()
    assert client.get(org_url("edit", gone.pk)).url == org_url("edit", keep.pk)
