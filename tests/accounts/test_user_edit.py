"""Admins change a person's name, role and teams through update_user; nobody else may."""

import pytest

from tandem.activity.models import HistoryEntry

pytestmark = pytest.mark.django_db


def test_admin_edits_role_teams_and_name(admin_user, member, team, client_for):
    client = client_for(admin_user)
    page = client.get(f"/team/users/{member.pk}/edit/")
    assert page.status_code == 200
    assert page.context["form"].initial["role"] == "member"

    response = client.post(
        f"/team/users/{member.pk}/edit/",
        {"full_name": "Robert Member", "role": "manager", "teams": [team.pk]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.role, list(member.teams.all())) == ("Robert Member", "manager", [team])
    entry = HistoryEntry.objects.get(verb="updated", target_id=member.pk)
    assert entry.changes["role"] == ["member", "manager"]
    assert entry.actor == admin_user


def test_admin_cannot_take_the_admin_role_from_themself(admin_user, client_for):
    response = client_for(admin_user).post(
        f"/team/users/{admin_user.pk}/edit/", {"full_name": "A", "role": "member"}
    )
    assert response.status_code == 403
    assert "You cannot take the admin role from yourself." in response.content.decode()
    assert response.context["form"].has_error("role")
    admin_user.refresh_from_db()
    assert admin_user.role == "admin" and admin_user.full_name == "Alice Admin"


def test_an_unknown_role_is_a_field_error(admin_user, member, client_for):
    response = client_for(admin_user).post(f"/team/users/{member.pk}/edit/", {"role": "emperor"})
    assert response.status_code == 422
    member.refresh_from_db()
    assert member.role == "member"


def test_an_unknown_user_is_404(admin_user, client_for):
    assert client_for(admin_user).get("/team/users/999999/edit/").status_code == 404


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_non_admins_cannot_edit(persona, request, member, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/team/users/{member.pk}/edit/").status_code == 403
    response = client.post(f"/team/users/{member.pk}/edit/", {"full_name": "Hacked", "role": "admin"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == "member"
