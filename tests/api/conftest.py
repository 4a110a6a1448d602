"""API test helpers: a client that sends a persona's bearer token, and a check of the one error format."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Address, EmailAddress, Membership, Organization, Person, PhoneNumber, Tag
from tests.conftest import bearer

BASE = "/api/v1"


class ApiClient:
    """django.test.Client speaking JSON to /api/v1/ with one bearer token (or none)."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        return {**(bearer(self.token) if self.token else {}), **(headers or {})}

    def get(
        self, path: str, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None
    ) -> Any:
        return self.client.get(BASE + path, params or {}, headers=self._headers(headers))

    def _send(self, method: str, path: str, body: Any, headers: dict[str, str] | None, raw: bool) -> Any:
        data = body if raw else json.dumps(body) if body is not None else ""
        send = getattr(self.client, method)
        return send(BASE + path, data, content_type="application/json", headers=self._headers(headers))

    def post(
        self, path: str, body: Any = None, headers: dict[str, str] | None = None, *, raw: bool = False
    ) -> Any:
        return self._send("post", path, body, headers, raw)

    def patch(
        self, path: str, body: Any = None, headers: dict[str, str] | None = None, *, raw: bool = False
    ) -> Any:
        return self._send("patch", path, body, headers, raw)

    def delete(self, path: str, headers: dict[str, str] | None = None) -> Any:
        return self.client.delete(BASE + path, headers=self._headers(headers))


@pytest.fixture
def api_as(api_token_for: Callable[[User], str]) -> Callable[[User | None], ApiClient]:
    def make(user: User | None) -> ApiClient:
        return ApiClient(api_token_for(user) if user is not None else None)

    return make


def assert_error(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    """The response is the API's one error format with this status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()  # type: ignore[attr-defined]
    assert body["code"] == code, body
    assert isinstance(body["detail"], str)
    assert body["detail"].strip()
    for error in body.get("errors", []):
        assert set(error) == {"field", "message"}
        assert error["message"].strip()
    return body


def error_fields(response: HttpResponse) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}  # type: ignore[attr-defined]


# --- A small world of customers, and every endpoint that reads or writes it ----------------------


@dataclass
class Customers:
    acme: Organization
    globex: Organization
    ada: Person
    grace: Person
    ids: dict[str, int]


@pytest.fixture
def customers(
    member: User, admin_user: User, make_org: Callable[..., Organization], make_person: Callable[..., Person]
) -> Customers:
    acme = make_org(
        "Acme Corp",
        website="acme.test",
        emails=[{"email": "hello@acme.test"}],
        phones=[{"number": "+1 212 555 0100"}],
        tags=["vip"],
    )
    globex = make_org("Globex")
    ada = make_person(
        "Ada",
        "Lovelace",
        emails=[{"email": "ada@acme.test"}],
        memberships=[{"organization_id": acme.pk, "job_title": "CTO"}],
    )
    grace = make_person("Grace", "Hopper")
    ids = {
        "org": acme.pk,
        "other_org": globex.pk,
        "person": ada.pk,
        "other_person": grace.pk,
        "user": member.pk,
    }
    return Customers(acme, globex, ada, grace, ids)


# Every GET endpoint, as a path template over Customers.ids.
READS = [
    "/organizations",
    "/organizations/{org}",
    "/organizations/{org}/people",
    "/organizations/{org}/history",
    "/people",
    "/people/{person}",
    "/people/{person}/history",
    "/me",
    "/users",
    "/users/{user}",
    "/teams",
    "/tokens",
]


@dataclass(frozen=True)
class Write:
    method: str
    path: str
    body: Callable[[dict[str, int]], Any] | None = None
    permission: str = "edit"  # edit: admin, manager, member; archive: admin, manager

    def call(self, api: ApiClient, ids: dict[str, int]) -> Any:
        body = self.body(ids) if self.body else None
        return getattr(api, self.method)(self.path.format(**ids), body)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


# Every write to customers.
CUSTOMER_WRITES = [
    Write("post", "/organizations", lambda ids: {"name": "Initech"}),
    Write("patch", "/organizations/{org}", lambda ids: {"industry": "Rockets", "version": 1}),
    Write("post", "/organizations/{org}/archive", permission="archive"),
    Write("post", "/organizations/{org}/restore", permission="archive"),
    Write("post", "/organizations/{org}/merge", lambda ids: {"duplicate_id": ids["other_org"]}, "archive"),
    Write("post", "/people", lambda ids: {"first_name": "Katherine", "last_name": "Johnson"}),
    Write("patch", "/people/{person}", lambda ids: {"notes": "Met at the fair", "version": 1}),
    Write("post", "/people/{person}/archive", permission="archive"),
    Write("post", "/people/{person}/restore", permission="archive"),
    Write("post", "/people/{person}/merge", lambda ids: {"duplicate_id": ids["other_person"]}, "archive"),
]


def row_counts() -> dict[str, int]:
    """Rows of everything an API write could touch, to show a refused request wrote nothing."""
    models = [Organization, Person, Membership, EmailAddress, PhoneNumber, Address, Tag, HistoryEntry]
    return {model.__name__: model.objects.count() for model in models}


def record_state() -> list[tuple[Any, ...]]:
    """Each customer's version, archive and merge state: a refused edit changes none of it."""
    orgs = Organization.objects.values_list(
        "pk", "version", "archived_at", "merged_into_id", "name", "industry"
    )
    people = Person.objects.values_list("pk", "version", "archived_at", "merged_into_id", "notes")
    return [*orgs.order_by("pk"), *people.order_by("pk")]
