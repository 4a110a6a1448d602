"""Admin, manager, member and guest all read every endpoint (the role table gives each of them
view_customers, view_directory and use_api)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import User
from tests.api.conftest import READS, ApiClient, Customers, assert_error

PERSONAS = ["admin_user", "manager", "member", "guest"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("path", READS)
def test_every_persona_reads_every_endpoint(
    request: pytest.FixtureRequest,
    api_as: Callable[[User], ApiClient],
    customers: Customers,
    persona: str,
    path: str,
) -> None:
    user: User = request.getfixturevalue(persona)
    response = api_as(user).get(path.format(**customers.ids))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_guest_sees_the_same_customer_as_its_owner(
    api_as: Callable[[User], ApiClient], guest: User, member: User, customers: Customers
) -> None:
    as_guest = api_as(guest).get(f"/organizations/{customers.acme.pk}").json()
    as_owner = api_as(member).get(f"/organizations/{customers.acme.pk}").json()
    assert as_guest == as_owner
    assert as_guest["owner"] == {"id": member.pk, "name": "Bob Member"}


@pytest.mark.parametrize("path", ["/organizations/999999", "/people/999999", "/users/999999"])
def test_a_record_that_does_not_exist_is_404(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers, path: str
) -> None:
    assert_error(api_as(member).get(path), 404, "not_found")
