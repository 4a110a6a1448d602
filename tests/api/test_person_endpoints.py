"""People over the API: create with memberships and contact details, read them back, list with
filters (including by organization), and replace memberships with an edit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.contacts import services
from tests.api.conftest import ApiClient, Customers


@pytest.fixture
def api(api_as: Callable[[User], ApiClient], member: User) -> ApiClient:
    return api_as(member)


def full_names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["full_name"] for item in response.json()["items"]]


def test_create_with_memberships_and_details(api: ApiClient, customers: Customers) -> None:
    response = api.post(
        "/people",
        {
            "first_name": "Katherine",
            "last_name": "Johnson",
            "emails": [{"email": "kj@nasa.test", "label": "work"}],
            "phones": [{"number": "+44 20 7946 0958", "label": "mobile"}],
            "tags": ["math"],
            "memberships": [
                {"organization_id": customers.globex.pk, "job_title": "Analyst"},
                {"organization_id": customers.acme.pk, "job_title": "Advisor", "is_primary": True},
            ],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/people/{body['id']}"
    assert body["full_name"] == "Katherine Johnson"
    assert body["phones"][0]["e164"] == "+442079460958"
    assert body["phones"][0]["label"] == "mobile"
    assert body["tags"] == ["math"]
    assert sorted(
        (m["organization_id"], m["job_title"], m["is_primary"]) for m in body["memberships"]
    ) == sorted([(customers.globex.pk, "Analyst", False), (customers.acme.pk, "Advisor", True)])
    assert api.get(f"/people/{body['id']}").json() == body


def test_list_item_shows_primary_email_and_organization(api: ApiClient, customers: Customers) -> None:
    items = api.get("/people").json()["items"]
    ada = next(item for item in items if item["id"] == customers.ada.pk)
    assert ada["email"] == "ada@acme.test"
    assert ada["organization"] == {"id": customers.acme.pk, "name": "Acme Corp"}
    assert ada["job_title"] == "CTO"
    grace = next(item for item in items if item["id"] == customers.grace.pk)
    assert (grace["email"], grace["organization"], grace["job_title"]) == (None, None, "")


def test_list_filters(
    api: ApiClient, customers: Customers, manager: User, make_person: Callable[..., Any]
) -> None:
    make_person(
        "Alan", "Turing", by=manager, owner=manager, tags=["math"], phones=[{"number": "+1 212 555 0142"}]
    )
    services.archive(customers.grace, by=manager)

    assert full_names(api.get("/people")) == ["Ada Lovelace", "Alan Turing"]
    assert full_names(api.get("/people", {"q": "ada@acme"})) == ["Ada Lovelace"]
    assert full_names(api.get("/people", {"q": "555 0142"})) == ["Alan Turing"]
    assert full_names(api.get("/people", {"organization": customers.acme.pk})) == ["Ada Lovelace"]
    assert full_names(api.get("/people", {"tag": "math"})) == ["Alan Turing"]
    assert full_names(api.get("/people", {"owner": manager.pk})) == ["Alan Turing"]
    assert full_names(api.get("/people", {"archived": "true"})) == ["Grace Hopper"]
    assert full_names(api.get("/people", {"ordering": "-name"})) == ["Alan Turing", "Ada Lovelace"]


def test_patch_replaces_memberships(api: ApiClient, customers: Customers) -> None:
    response = api.patch(
        f"/people/{customers.ada.pk}",
        {"version": 1, "memberships": [{"organization_id": customers.globex.pk, "job_title": "CEO"}]},
    )
    assert response.status_code == 200
    assert response.json()["memberships"] == [
        {
            "organization_id": customers.globex.pk,
            "organization_name": "Globex",
            "job_title": "CEO",
            "is_primary": True,
        }
    ]
    assert response.json()["emails"][0]["email"] == "ada@acme.test"
    assert api.get(f"/organizations/{customers.acme.pk}/people").json()["count"] == 0


def test_person_history(api: ApiClient, customers: Customers) -> None:
    api.patch(f"/people/{customers.ada.pk}", {"version": 1, "first_name": "Augusta Ada"})
    items = api.get(f"/people/{customers.ada.pk}/history").json()["items"]
    assert [item["verb"] for item in items] == ["updated", "created"]
    assert items[0]["changes"]["first_name"] == ["Ada", "Augusta Ada"]
