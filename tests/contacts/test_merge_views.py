"""Merging a duplicate from the record page: find it, see what will move, confirm."""

from __future__ import annotations

from tandem.contacts import services
from tandem.contacts.models import Membership
from tests.conftest import login
from tests.contacts.pages import org_url, person_url


def test_merge_organizations_moves_memberships(manager, make_org, make_person):
    keep = make_org("Acme Corp", website="acme.example")
    gone = make_org("ACME Inc", emails=[{"email": "sales@acme.example"}], tags=["vip"])
    ada = make_person("Ada", "Lovelace", memberships=[{"organization_id": gone.pk, "job_title": "CTO"}])
    grace = make_person("Grace", "Hopper", memberships=[{"organization_id": gone.pk}])
    client = login(manager)

    # The page suggests the likely duplicate (same name once "Inc" is ignored).
    choose = client.get(org_url("merge", keep.pk)).content.decode()
    assert "Possible duplicates" in choose and f"?duplicate={gone.pk}" in choose
    # Searching finds it too.
    found = client.get(org_url("merge", keep.pk), {"q": "acme inc"}).content.decode()
    assert f"?duplicate={gone.pk}" in found

    confirm = client.get(org_url("merge", keep.pk), {"duplicate": gone.pk}).content.decode()
    assert "Merge “ACME Inc” into “Acme Corp”?" in confirm
    assert "1 e-mail address" in confirm and "2 people who work there" in confirm and "1 tag" in confirm
    assert Membership.objects.filter(organization=gone).count() == 2  # nothing moved yet

    response = client.post(org_url("merge", keep.pk), {"duplicate": gone.pk})
    assert response.status_code == 302 and response.url == org_url("detail", keep.pk)
    assert set(Membership.objects.filter(organization=keep).values_list("person", flat=True)) == {
        ada.pk,
        grace.pk,
    }
    assert not Membership.objects.filter(organization=gone).exists()
    gone.refresh_from_db()
    assert gone.merged_into_id == keep.pk and gone.is_archived
    page = client.get(response.url).content.decode()
    assert "Merged “ACME Inc” into “Acme Corp”" in page
    assert "Ada Lovelace" in page and "CTO" in page and "sales@acme.example" in page


def test_merge_people_moves_memberships(admin_user, make_org, make_person):
    acme, globex = make_org("Acme"), make_org("Globex")
    keep = make_person("Ada", "Lovelace", memberships=[{"organization_id": acme.pk}])
    gone = make_person(
        "Ada", "Lovelace", memberships=[{"organization_id": globex.pk, "job_title": "Advisor"}]
    )
    client = login(admin_user)
    assert f"?duplicate={gone.pk}" in client.get(person_url("merge", keep.pk)).content.decode()
    confirm = client.get(person_url("merge", keep.pk), {"duplicate": gone.pk}).content.decode()
    assert "1 organization link" in confirm
    assert client.post(person_url("merge", keep.pk), {"duplicate": gone.pk}).status_code == 302
    assert sorted(m.organization.name for m in keep.memberships.all()) == ["Acme", "Globex"]


def test_cannot_merge_a_record_into_itself(manager, make_org):
    org = make_org("Acme")
    client = login(manager)
    response = client.post(org_url("merge", org.pk), {"duplicate": org.pk})
    assert response.status_code == 422
    assert "cannot be merged into this one" in response.content.decode()
    org.refresh_from_db()
    assert org.merged_into_id is None


def test_merge_with_a_missing_record(manager, make_org):
    org = make_org("Acme")
    client = login(manager)
    assert client.post(org_url("merge", org.pk), {"duplicate": 999999}).status_code == 422
    assert client.post(org_url("merge", org.pk), {"duplicate": "abc"}).status_code == 422
    assert client.get(org_url("merge", org.pk), {"duplicate": 999999}).status_code == 422
    org.refresh_from_db()
    assert org.version == 1


def test_an_already_merged_record_cannot_be_chosen(manager, make_org):
    keep, gone, third = make_org("Acme"), make_org("Acme Inc"), make_org("Acme Ltd")
    services.merge(keep, gone, by=manager)
    client = login(manager)
    response = client.post(org_url("merge", third.pk), {"duplicate": gone.pk})
    assert response.status_code == 422
    assert "cannot be merged into this one" in response.content.decode()
    third.refresh_from_db()
    gone.refresh_from_db()
    assert third.version == 1 and gone.merged_into_id == keep.pk
