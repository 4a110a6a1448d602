"""Creating a customer that looks like one Tandem has answers 409 possible_duplicate with the
look-alikes, and saves nothing; the same request with allow_duplicate: true saves it (201)."""

from __future__ import annotations

from collections.abc import Callable

from tandem.accounts.models import User
from tandem.contacts.models import Organization, Person
from tests.api.conftest import ApiClient, Customers, assert_error, row_counts


def test_organization_duplicate_is_409_then_saved_when_allowed(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    api = api_as(member)
    before = row_counts()
    body = {"name": "ACME, Inc.", "website": "https://www.acme.test/about"}

    warned = api.post("/organizations", body)

    error = assert_error(warned, 409, "possible_duplicate")
    assert [d["id"] for d in error["duplicates"]] == [customers.acme.pk]
    assert set(error["duplicates"][0]["reasons"]) == {"same name", "same web domain"}
    assert error["duplicates"][0]["name"] == "Acme Corp"
    assert row_counts() == before

    saved = api.post("/organizations", {**body, "allow_duplicate": True})
    assert saved.status_code == 201
    assert Organization.objects.filter(name_key="acme").count() == 2
    assert saved.json()["domain"] == "acme.test"


def test_person_with_a_known_email_is_409_then_saved_when_allowed(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    api = api_as(member)
    body = {"first_name": "A.", "last_name": "King", "emails": [{"email": "ADA@acme.test"}]}

    warned = api.post("/people", body)

    error = assert_error(warned, 409, "possible_duplicate")
    assert error["duplicates"] == [
        {"id": customers.ada.pk, "name": "Ada Lovelace", "reasons": ["same e-mail"], "archived": False}
    ]
    assert not Person.objects.filter(last_name="King").exists()

    saved = api.post("/people", {**body, "allow_duplicate": True})
    assert saved.status_code == 201
    assert saved.json()["emails"] == [{"email": "ada@acme.test", "label": "work", "is_primary": True}]


def test_a_distinct_customer_is_created_without_a_warning(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    response = api_as(member).post("/organizations", {"name": "Initech"})
    assert response.status_code == 201
