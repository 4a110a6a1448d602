"""Bad request bodies get a clear 4xx in the one error format, naming the field to blame, and
write nothing: malformed JSON, wrong types, oversize strings, unknown fields, invalid e-mails and
phones, bad labels and nested mistakes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts.models import User
from tests.api.conftest import ApiClient, Customers, assert_error, error_fields, record_state, row_counts

# (name, path template, body, expected status, expected code, field named in errors)
CASES: list[tuple[str, str, Any, int, str, str | None]] = [
    ("not json", "/organizations", "{'name': 'Acme'", 400, "malformed_body", None),
    ("truncated json", "/people", '{"last_name": "Lovelace"', 400, "malformed_body", None),
    ("empty body", "/organizations", "", 422, "invalid", "body"),
    ("json array", "/organizations", "[1, 2]", 422, "invalid", "body"),
    ("json string", "/people", '"Ada"', 422, "invalid", "body"),
    ("name is a number", "/organizations", {"name": 42}, 422, "invalid", "name"),
    ("name is null", "/organizations", {"name": None}, 422, "invalid", "name"),
    ("name missing", "/organizations", {"website": "acme.test"}, 422, "invalid", "name"),
    ("name empty", "/organizations", {"name": ""}, 422, "invalid", "name"),
    ("name too long", "/organizations", {"name": "A" * 201}, 422, "invalid", "name"),
    ("website too long", "/organizations", {"name": "Acme", "website": "a" * 301}, 422, "invalid", "website"),
    ("notes too long", "/people", {"last_name": "L", "notes": "n" * 50_001}, 422, "invalid", "notes"),
    ("last name too long", "/people", {"last_name": "L" * 101}, 422, "invalid", "last_name"),
    ("NUL in name", "/organizations", {"name": "Ac\x00me"}, 422, "invalid", "name"),
    ("NUL in an e-mail", "/people", {"last_name": "L", "emails": [{"email": "a\x00@b.io"}]}, 422, "invalid",
     "emails.0.email"),
    ("unknown field", "/organizations", {"name": "Acme", "colour": "red"}, 422, "invalid", "colour"),
    ("model-only field", "/organizations", {"name": "Acme", "domain": "acme.test"}, 422, "invalid", "domain"),
    ("version on create", "/people", {"last_name": "L", "version": 3}, 422, "invalid", "version"),
    ("flag as text", "/organizations", {"name": "Acme", "allow_duplicate": "yes"}, 422, "invalid", "allow_duplicate"),
    ("owner as text", "/organizations", {"name": "Acme", "owner_id": "1"}, 422, "invalid", "owner_id"),
    ("owner unknown", "/organizations", {"name": "Acme", "owner_id": 99999}, 422, "invalid", "owner_id"),
    ("tags not a list", "/organizations", {"name": "Acme", "tags": "vip"}, 422, "invalid", "tags"),
    ("tag too long", "/organizations", {"name": "Acme", "tags": ["t" * 51]}, 422, "invalid", "tags.0"),
    ("e-mail invalid", "/people", {"last_name": "L", "emails": [{"email": "not-an-address"}]}, 422, "invalid", "emails"),
    ("e-mail too long", "/people", {"last_name": "L", "emails": [{"email": "a" * 250 + "@x.io"}]}, 422, "invalid",
     "emails.0.email"),
    ("e-mail as string", "/people", {"last_name": "L", "emails": ["ada@acme.test"]}, 422, "invalid", "emails.0"),
    ("e-mail extra key", "/people", {"last_name": "L", "emails": [{"email": "a@b.io", "x": 1}]}, 422, "invalid",
     "emails.0.x"),
    ("phone invalid", "/organizations", {"name": "Acme", "phones": [{"number": "12"}]}, 422, "invalid", "phones"),
    ("phone letters", "/people", {"last_name": "L", "phones": [{"number": "call me"}]}, 422, "invalid", "phones"),
    ("phone too long", "/people", {"last_name": "L", "phones": [{"number": "1" * 41}]}, 422, "invalid",
     "phones.0.number"),
    ("phone as number", "/people", {"last_name": "L", "phones": [{"number": 2125550100}]}, 422, "invalid",
     "phones.0.number"),
    ("unknown label", "/people", {"last_name": "L", "emails": [{"email": "a@b.io", "label": "pager"}]}, 422,
     "invalid", "emails.0.label"),
    ("country too long", "/organizations", {"name": "Acme", "addresses": [{"country": "DEU"}]}, 422, "invalid",
     "addresses.0.country"),
    ("membership of nothing", "/people", {"last_name": "L", "memberships": [{"organization_id": 99999}]}, 422,
     "invalid", "memberships"),
    ("membership id as text", "/people", {"last_name": "L", "memberships": [{"organization_id": "1"}]}, 422,
     "invalid", "memberships.0.organization_id"),
    ("too many e-mails", "/people", {"last_name": "L", "emails": [{"email": f"a{i}@b.io"} for i in range(21)]}, 422,
     "invalid", "emails"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "path", "body", "status", "code", "field"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_create_body(
    api_as: Callable[[User], ApiClient],
    member: User,
    name: str,
    path: str,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    api = api_as(member)
    before = row_counts()

    response = api.post(path, body, raw=isinstance(body, str))

    error = assert_error(response, status, code)
    if field is not None:
        assert field in error_fields(response), error
    assert row_counts() == before


PATCH_CASES: list[tuple[str, Any, int, str, str | None]] = [
    ("not json", '{"name": ', 400, "malformed_body", None),
    ("name null", {"version": 1, "name": None}, 422, "invalid", "name"),
    ("version as text", {"version": "1", "name": "Acme"}, 422, "invalid", "version"),
    ("version zero", {"version": 0, "name": "Acme"}, 422, "invalid", "version"),
    ("unknown field", {"version": 1, "nmae": "Acme"}, 422, "invalid", "nmae"),
    ("invalid e-mail", {"version": 1, "emails": [{"email": "@"}]}, 422, "invalid", "emails"),
    ("invalid phone", {"version": 1, "phones": [{"number": "+1 000"}]}, 422, "invalid", "phones"),
    ("invalid website", {"version": 1, "website": "not a site"}, 422, "invalid", "website"),
    ("industry too long", {"version": 1, "industry": "i" * 101}, 422, "invalid", "industry"),
]


@pytest.mark.parametrize(
    ("name", "body", "status", "code", "field"), PATCH_CASES, ids=[c[0] for c in PATCH_CASES]
)
def test_bad_patch_body(
    api_as: Callable[[User], ApiClient],
    member: User,
    customers: Customers,
    name: str,
    body: Any,
    status: int,
    code: str,
    field: str | None,
) -> None:
    api = api_as(member)
    before_rows, before_records = row_counts(), record_state()

    response = api.patch(f"/organizations/{customers.acme.pk}", body, raw=isinstance(body, str))

    error = assert_error(response, status, code)
    if field is not None:
        assert field in error_fields(response), error
    assert row_counts() == before_rows
    assert record_state() == before_records


def test_one_error_lists_every_bad_field(api_as: Callable[[User], ApiClient], member: User) -> None:
    response = api_as(member).post("/organizations", {"name": 1, "industry": "i" * 101, "extra": True})
    body = assert_error(response, 422, "invalid")
    assert error_fields(response) == {"name", "industry", "extra"}
    assert "3 fields" in body["detail"]


def test_a_body_larger_than_the_limit_is_413(
    api_as: Callable[[User], ApiClient], member: User, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    api = api_as(member)  # its token (and the token's history row) first
    before = row_counts()
    response = api.post("/organizations", {"name": "Acme", "notes": "n" * 2000})
    assert_error(response, 413, "body_too_large")
    assert row_counts() == before
