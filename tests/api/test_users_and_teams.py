"""The read-only directory: /me, /users, /users/{id} and /teams."""

from __future__ import annotations

from collections.abc import Callable

from tandem.accounts import services
from tandem.accounts.models import Team, User
from tests.api.conftest import ApiClient


def test_me_shows_role_and_what_it_allows(api_as: Callable[[User], ApiClient], guest: User) -> None:
    body = api_as(guest).get("/me").json()
    assert body["email"] == "gus@tandem.test"
    assert body["role"] == "guest"
    assert body["permissions"] == ["use_api", "view_customers", "view_directory", "view_work"]
    assert body["language"] == "en"


def test_users_list_and_detail(
    api_as: Callable[[User], ApiClient], admin_user: User, member: User, deactivated: User, team: Team
) -> None:
    services.update_user(member, by=admin_user, teams=[team])
    api = api_as(member)

    body = api.get("/users").json()
    assert body["count"] == 3
    by_email = {u["email"]: u for u in body["items"]}
    assert by_email["bob@tandem.test"] == {
        "id": member.pk,
        "email": "bob@tandem.test",
        "full_name": "Bob Member",
        "role": "member",
        "teams": [{"id": team.pk, "name": "Sales", "slug": "sales"}],
        "is_active": True,
    }
    assert by_email["charlie@tandem.test"]["is_active"] is False
    assert "password" not in by_email["alice@tandem.test"]
    assert api.get(f"/users/{member.pk}").json() == by_email["bob@tandem.test"]


def test_teams(api_as: Callable[[User], ApiClient], member: User, team: Team) -> None:
    body = api_as(member).get("/teams").json()
    assert body["items"] == [{"id": team.pk, "name": "Sales", "slug": "sales", "description": ""}]
