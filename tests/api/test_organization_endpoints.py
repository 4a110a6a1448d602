"""Organizations over the API: create with contact details (201, Location, ETag), read them back
in full, list with filters and orderings, and edit only the fields sent."""

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


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_create_with_details_answers_the_full_record(api: ApiClient, manager: User) -> None:
    response = api.post(
        "/organizations",
        {
            "name": "  Initech  ",
            "website": "www.initech.test",
            "industry": "Software",
            "notes": "Printer trouble",
            "owner_id": manager.pk,
            "emails": [{"email": "Info@Initech.test", "label": "billing"}],
            "phones": [{"number": "+1 (212) 555-0199", "label": "work", "is_primary": True}],
            "addresses": [{"street": "1 Main St", "city": "Austin", "country": "us"}],
            "tags": ["prospect", "Prospect", "tx"],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/organizations/{body['id']}"
    assert response["ETag"] == '"1"'
    assert body["name"] == "Initech"
    assert body["website"] == "https://www.initech.test"
    assert body["domain"] == "initech.test"
    assert body["owner"] == {"id": manager.pk, "name": "Mona Manager"}
    assert body["emails"] == [{"email": "info@initech.test", "label": "billing", "is_primary": True}]
    assert body["phones"] == [
        {"number": "+1 212-555-0199", "e164": "+12125550199", "label": "work", "is_primary": True}
    ]
    assert (
        body["addresses"][0] | {"street": "1 Main St", "country": "US", "is_primary": True}
        == body["addresses"][0]
    )
    assert sorted(body["tags"]) == ["prospect", "tx"]
    assert body["archived"] is False
    assert body["archived_at"] is None
    assert body["merged_into_id"] is None
    assert body["version"] == 1
    assert api.get(f"/organizations/{body['id']}").json() == body


def test_owner_null_creates_an_unowned_organization(api: ApiClient) -> None:
    response = api.post("/organizations", {"name": "Nobody's", "owner_id": None})
    assert response.status_code == 201
    assert response.json()["owner"] is None


def test_patch_changes_only_the_fields_sent(api: ApiClient, customers: Customers) -> None:
    response = api.patch(
        f"/organizations/{customers.acme.pk}", {"version": 1, "industry": "Anvils", "tags": []}
    )
    body = response.json()
    assert response.status_code == 200
    assert body["industry"] == "Anvils"
    assert body["tags"] == []
    assert body["name"] == "Acme Corp"
    assert body["emails"] == [{"email": "hello@acme.test", "label": "work", "is_primary": True}]
    assert body["website"] == "https://acme.test"


def test_list_shape_and_counts(api: ApiClient, customers: Customers, member: User) -> None:
    body = api.get("/organizations").json()
    assert body["count"] == 2
    assert body["limit"] == 50
    assert body["offset"] == 0
    acme = body["items"][0]
    assert acme["name"] == "Acme Corp"
    assert acme["people_count"] == 1
    assert acme["tags"] == ["vip"]
    assert acme["owner"] == {"id": member.pk, "name": "Bob Member"}
    assert acme["version"] == 1


def test_list_filters(
    api: ApiClient, customers: Customers, manager: User, make_org: Callable[..., Any]
) -> None:
    make_org("Hooli", by=manager, owner=manager, tags=["vip"])
    services.archive(customers.globex, by=manager)

    assert names(api.get("/organizations")) == ["Acme Corp", "Hooli"]
    assert names(api.get("/organizations", {"q": "acme"})) == ["Acme Corp"]
    assert names(api.get("/organizations", {"q": "acme.test"})) == ["Acme Corp"]
    assert names(api.get("/organizations", {"tag": "VIP"})) == ["Acme Corp", "Hooli"]
    assert names(api.get("/organizations", {"owner": manager.pk})) == ["Hooli"]
    assert names(api.get("/organizations", {"archived": "true"})) == ["Globex"]
    assert names(api.get("/organizations", {"ordering": "-name"})) == ["Hooli", "Acme Corp"]


def test_limit_and_offset_page_through_the_list(api: ApiClient, customers: Customers) -> None:
    first = api.get("/organizations", {"limit": 1}).json()
    second = api.get("/organizations", {"limit": 1, "offset": 1}).json()
    assert (first["count"], second["count"]) == (2, 2)
    assert [first["items"][0]["name"], second["items"][0]["name"]] == ["Acme Corp", "Globex"]


def test_people_of_an_organization(api: ApiClient, customers: Customers) -> None:
    body = api.get(f"/organizations/{customers.acme.pk}/people").json()
    assert body["count"] == 1
    assert body["items"] == [
        {"person_id": customers.ada.pk, "name": "Ada Lovelace", "email": "ada@acme.test", "job_title": "CTO",
         "is_primary": True}
    ]  # fmt: skip


def test_history_lists_changes_newest_first(api: ApiClient, customers: Customers, member: User) -> None:
    api.patch(f"/organizations/{customers.acme.pk}", {"version": 1, "industry": "Anvils"})
    items = api.get(f"/organizations/{customers.acme.pk}/history").json()["items"]
    assert [item["verb"] for item in items] == ["updated", "created"]
    assert items[0]["actor"] == {"id": member.pk, "name": "Bob Member"}
    assert items[0]["changes"]["industry"] == ["", "Anvils"]
