"""Merging through the API folds the duplicate into the survivor: its people (memberships) move to
the survivor, and the duplicate is archived and points at it."""

from __future__ import annotations

from collections.abc import Callable

from tandem.accounts.models import User
from tandem.contacts import services
from tandem.contacts.models import Membership
from tests.api.conftest import ApiClient, Customers, assert_error, error_fields, record_state


def test_merging_organizations_moves_their_people(
    api_as: Callable[[User], ApiClient], manager: User, customers: Customers
) -> None:
    api = api_as(manager)
    # Grace works at Globex, the duplicate; Ada at Acme, the survivor.
    services.add_membership(customers.grace, customers.globex, by=manager, job_title="Admiral")

    response = api.post(f"/organizations/{customers.acme.pk}/merge", {"duplicate_id": customers.globex.pk})

    assert response.status_code == 200
    assert response.json()["id"] == customers.acme.pk
    assert response.json()["version"] == 2
    assert response["ETag"] == '"2"'
    assert set(
        Membership.objects.filter(organization=customers.acme).values_list("person_id", flat=True)
    ) == {
        customers.ada.pk,
        customers.grace.pk,
    }
    assert not Membership.objects.filter(organization=customers.globex).exists()

    people = api.get(f"/organizations/{customers.acme.pk}/people").json()
    assert {(p["name"], p["job_title"]) for p in people["items"]} == {
        ("Ada Lovelace", "CTO"),
        ("Grace Hopper", "Admiral"),
    }

    gone = api.get(f"/organizations/{customers.globex.pk}").json()
    assert gone["merged_into_id"] == customers.acme.pk
    assert gone["archived"] is True
    listed = [o["id"] for o in api.get("/organizations").json()["items"]]
    assert listed == [customers.acme.pk]


def test_merging_people_moves_their_memberships(
    api_as: Callable[[User], ApiClient], admin_user: User, customers: Customers
) -> None:
    api = api_as(admin_user)
    services.add_membership(customers.grace, customers.globex, by=admin_user, job_title="Admiral")

    response = api.post(f"/people/{customers.ada.pk}/merge", {"duplicate_id": customers.grace.pk})

    assert response.status_code == 200
    memberships = {(m["organization_id"], m["job_title"]) for m in response.json()["memberships"]}
    assert memberships == {(customers.acme.pk, "CTO"), (customers.globex.pk, "Admiral")}
    assert api.get(f"/people/{customers.grace.pk}").json()["merged_into_id"] == customers.ada.pk


def test_merging_an_unknown_duplicate_is_422(
    api_as: Callable[[User], ApiClient], manager: User, customers: Customers
) -> None:
    before = record_state()
    response = api_as(manager).post(f"/organizations/{customers.acme.pk}/merge", {"duplicate_id": 99999})
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"duplicate_id"}
    assert record_state() == before


def test_merging_a_record_into_itself_is_422(
    api_as: Callable[[User], ApiClient], manager: User, customers: Customers
) -> None:
    before = record_state()
    response = api_as(manager).post(f"/people/{customers.ada.pk}/merge", {"duplicate_id": customers.ada.pk})
    assert_error(response, 422, "invalid")
    assert record_state() == before


def test_duplicate_id_sent_as_text_is_422(
    api_as: Callable[[User], ApiClient], manager: User, customers: Customers
) -> None:
    before = record_state()
    response = api_as(manager).post(
        f"/organizations/{customers.acme.pk}/merge", {"duplicate_id": str(customers.globex.pk)}
    )
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"duplicate_id"}
    assert record_state() == before
