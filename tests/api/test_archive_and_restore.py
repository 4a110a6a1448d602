"""Archiving takes a customer out of the lists without losing anything; restoring brings it back.
Both answer the record with its new version and ETag."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import User
from tests.api.conftest import ApiClient, Customers


@pytest.mark.parametrize("kind", ["organizations", "people"])
def test_archive_then_restore(
    api_as: Callable[[User], ApiClient], manager: User, customers: Customers, kind: str
) -> None:
    api = api_as(manager)
    pk = customers.acme.pk if kind == "organizations" else customers.ada.pk

    archived = api.post(f"/{kind}/{pk}/archive")
    assert archived.status_code == 200
    assert archived.json()["archived"] is True
    assert archived.json()["archived_at"] is not None
    assert archived["ETag"] == '"2"'
    assert pk not in [item["id"] for item in api.get(f"/{kind}").json()["items"]]
    assert pk in [item["id"] for item in api.get(f"/{kind}", {"archived": "true"}).json()["items"]]

    restored = api.post(f"/{kind}/{pk}/restore", headers={"If-Match": '"2"'})
    assert restored.status_code == 200
    assert restored.json()["archived"] is False
    assert restored.json()["version"] == 3
    assert pk in [item["id"] for item in api.get(f"/{kind}").json()["items"]]


def test_archiving_twice_changes_nothing_the_second_time(
    api_as: Callable[[User], ApiClient], admin_user: User, customers: Customers
) -> None:
    api = api_as(admin_user)
    first = api.post(f"/organizations/{customers.globex.pk}/archive").json()
    second = api.post(f"/organizations/{customers.globex.pk}/archive").json()
    assert second["version"] == first["version"]
    assert second["archived_at"] == first["archived_at"]
