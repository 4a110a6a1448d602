"""Personal API tokens over the API: the secret is shown once at creation and works at once; lists
never show it; revoking stops it (401 from then on). Someone else's token is 404 unless you are an admin."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts import services
from tandem.accounts.models import ApiToken, User
from tests.api.conftest import ApiClient, assert_error, error_fields


@pytest.fixture
def api(api_as: Callable[[User], ApiClient], member: User) -> ApiClient:
    return api_as(member)


def test_created_token_is_shown_once_and_works(api: ApiClient, member: User) -> None:
    response = api.post("/tokens", {"name": "CI deploy"})

    assert response.status_code == 201
    created = response.json()
    assert created["name"] == "CI deploy"
    assert created["token"].startswith(created["prefix"])
    assert created["is_active"] is True
    assert ApiClient(created["token"]).get("/me").json()["id"] == member.pk

    listed = api.get("/tokens").json()["items"]
    assert {t["name"] for t in listed} == {"tests", "CI deploy"}
    assert all("token" not in t for t in listed)
    assert created["token"] not in api.get("/tokens").content.decode()


def test_list_shows_only_my_tokens(api: ApiClient, admin_user: User) -> None:
    services.create_api_token(admin_user, name="admin's laptop")
    assert [t["name"] for t in api.get("/tokens").json()["items"]] == ["tests"]


def test_revoked_token_stops_working(api: ApiClient, member: User) -> None:
    secret = api.post("/tokens", {"name": "old script"}).json()
    script = ApiClient(secret["token"])
    assert script.get("/me").status_code == 200

    response = api.delete(f"/tokens/{secret['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert_error(script.get("/me"), 401, "not_authenticated")
    listed = {t["name"]: t for t in api.get("/tokens").json()["items"]}
    assert listed["old script"]["is_active"] is False
    assert listed["old script"]["revoked_at"] is not None


def test_someone_elses_token_is_404_and_stays_active(api: ApiClient, manager: User) -> None:
    token, _secret = services.create_api_token(manager, name="mona's")
    assert_error(api.delete(f"/tokens/{token.pk}"), 404, "not_found")
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_admin_revokes_anyones_token(
    api_as: Callable[[User], ApiClient], admin_user: User, member: User
) -> None:
    token, secret = services.create_api_token(member, name="lost phone")
    assert api_as(admin_user).delete(f"/tokens/{token.pk}").status_code == 204
    assert_error(ApiClient(secret).get("/me"), 401, "not_authenticated")


def test_unknown_token_is_404(api: ApiClient) -> None:
    assert_error(api.delete("/tokens/99999"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "n" * 81}, "name"),
        ({"name": 7}, "name"),
        ({"name": "x", "scope": "all"}, "scope"),
    ],
)
def test_bad_token_names_are_422_and_create_nothing(api: ApiClient, body: dict, field: str) -> None:
    before = ApiToken.objects.count()
    response = api.post("/tokens", body)
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {field}
    assert ApiToken.objects.count() == before


def test_blank_token_name_is_refused_by_the_service(api: ApiClient) -> None:
    before = ApiToken.objects.count()
    response = api.post("/tokens", {"name": "   "})
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"name"}
    assert ApiToken.objects.count() == before
