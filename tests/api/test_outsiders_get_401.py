"""Outsiders — no token, a made-up token, a revoked token, a deactivated user's token — get 401 in
the one error format from every endpoint, reads and writes alike, and write nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts import services as account_services
from tandem.accounts.models import User
from tests.api.conftest import CUSTOMER_WRITES, READS, ApiClient, Customers, Write, assert_error, row_counts
from tests.conftest import make_user


@pytest.fixture
def revoked_token(member: User, api_token_for: Callable[[User], str]) -> str:
    secret = api_token_for(member)
    token = member.api_tokens.get()
    account_services.revoke_api_token(token, by=member)
    return secret


@pytest.fixture
def deactivated_users_token(admin_user: User, api_token_for: Callable[[User], str]) -> str:
    leaver = make_user("leaver@tandem.test", "member")
    secret = api_token_for(leaver)
    account_services.set_user_active(leaver, active=False, by=admin_user)
    return secret


OUTSIDERS = ["anonymous", "made_up", "wrong_scheme", "revoked", "deactivated"]


@pytest.fixture(params=OUTSIDERS)
def outsider(request: pytest.FixtureRequest) -> ApiClient:
    if request.param == "anonymous":
        return ApiClient()
    if request.param == "made_up":
        return ApiClient("tdm_" + "x" * 43)
    if request.param == "wrong_scheme":
        client = ApiClient()
        secret = request.getfixturevalue("api_token_for")(request.getfixturevalue("member"))
        client.client.defaults["HTTP_AUTHORIZATION"] = f"Token {secret}"
        return client
    if request.param == "revoked":
        return ApiClient(request.getfixturevalue("revoked_token"))
    return ApiClient(request.getfixturevalue("deactivated_users_token"))


@pytest.mark.parametrize("path", READS)
def test_reads_answer_401(outsider: ApiClient, customers: Customers, path: str) -> None:
    response = outsider.get(path.format(**customers.ids))
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("write", CUSTOMER_WRITES, ids=str)
def test_customer_writes_answer_401_and_write_nothing(
    outsider: ApiClient, customers: Customers, write: Write
) -> None:
    before = row_counts()
    assert_error(write.call(outsider, customers.ids), 401, "not_authenticated")
    assert row_counts() == before


def test_token_endpoints_answer_401(outsider: ApiClient, member: User) -> None:
    token, _secret = account_services.create_api_token(member, name="laptop")
    tokens_before = member.api_tokens.filter(revoked_at__isnull=True).count()
    assert_error(outsider.post("/tokens", {"name": "sneaky"}), 401, "not_authenticated")
    assert_error(outsider.delete(f"/tokens/{token.pk}"), 401, "not_authenticated")
    assert member.api_tokens.filter(revoked_at__isnull=True).count() == tokens_before


def test_a_working_token_gets_in(api_as: Callable[[User], ApiClient], member: User) -> None:
    # The counterpart of the cases above: the same request with a valid token succeeds.
    response = api_as(member).get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == member.email
