"""Admins deactivate and reactivate people. A deactivated person's session and API tokens stop
working at once; nobody can deactivate themself; other roles cannot deactivate anyone."""

import pytest

from tandem.accounts.services import user_for_token

pytestmark = pytest.mark.django_db


def test_deactivation_ends_the_session_and_the_api_token(admin_user, member, client_for, api_token_for):
    member_client = client_for(member)
    token = api_token_for(member)
    assert member_client.get("/").status_code == 200
    assert user_for_token(token) == member

    response = client_for(admin_user).post(f"/team/users/{member.pk}/deactivate/")
    assert response.status_code == 302
    assert response["Location"] == "/team/"

    member.refresh_from_db()
    assert not member.is_active
    assert member_client.get("/").status_code == 302  # the open session no longer works
    assert user_for_token(token) is None


def test_reactivation_lets_them_back_in(admin_user, deactivated, client_for):
    response = client_for(admin_user).post(f"/team/users/{deactivated.pk}/reactivate/", follow=True)
    assert "can log in again" in response.content.decode()
    deactivated.refresh_from_db()
    assert deactivated.is_active


def test_admin_cannot_deactivate_themself(admin_user, client_for):
    client = client_for(admin_user)
    response = client.post(f"/team/users/{admin_user.pk}/deactivate/", follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert client.get("/team/").status_code == 200


def test_deactivation_needs_post(admin_user, member, client_for):
    assert client_for(admin_user).get(f"/team/users/{member.pk}/deactivate/").status_code == 405
    member.refresh_from_db()
    assert member.is_active


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_non_admins_cannot_deactivate_or_reactivate(persona, request, admin_user, deactivated, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.post(f"/team/users/{admin_user.pk}/deactivate/").status_code == 403
    assert client.post(f"/team/users/{deactivated.pk}/reactivate/").status_code == 403
    admin_user.refresh_from_db()
    deactivated.refresh_from_db()
    assert admin_user.is_active and not deactivated.is_active
