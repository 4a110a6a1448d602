"""Who may write what, from the role table: members create and edit customers; only managers and
admins archive, restore and merge; guests write nothing (403). A refused write changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import User
from tests.api.conftest import (
    CUSTOMER_WRITES,
    ApiClient,
    Customers,
    Write,
    assert_error,
    record_state,
    row_counts,
)

ALLOWED = {
    "edit": {"admin_user", "manager", "member"},
    "archive": {"admin_user", "manager"},
}


@pytest.mark.parametrize("persona", ["admin_user", "manager", "member", "guest"])
@pytest.mark.parametrize("write", CUSTOMER_WRITES, ids=str)
def test_writes_follow_the_role_table(
    request: pytest.FixtureRequest,
    api_as: Callable[[User], ApiClient],
    customers: Customers,
    persona: str,
    write: Write,
) -> None:
    user: User = request.getfixturevalue(persona)
    api = api_as(user)
    before_rows, before_records = row_counts(), record_state()

    response = write.call(api, customers.ids)

    if persona in ALLOWED[write.permission]:
        assert response.status_code in (200, 201), response.content
        assert response.json()["id"]
    else:
        assert_error(response, 403, "forbidden")
        assert row_counts() == before_rows
        assert record_state() == before_records


def test_created_record_belongs_to_its_creator_by_default(
    api_as: Callable[[User], ApiClient], manager: User
) -> None:
    response = api_as(manager).post("/organizations", {"name": "Initech"})
    assert response.status_code == 201
    assert response.json()["owner"]["id"] == manager.pk


@pytest.mark.parametrize("persona", ["admin_user", "manager", "member", "guest"])
def test_every_persona_manages_its_own_tokens(
    request: pytest.FixtureRequest, api_as: Callable[[User], ApiClient], persona: str
) -> None:
    # Guests are read-only for customers, but a personal API token is theirs to manage.
    api = api_as(request.getfixturevalue(persona))
    created = api.post("/tokens", {"name": "script"})
    assert created.status_code == 201
    assert api.delete(f"/tokens/{created.json()['id']}").status_code == 204
