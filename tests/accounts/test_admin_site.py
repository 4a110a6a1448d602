"""/admin/ is for admins only. Changes to people made there go through the services (history is
recorded, the self-protection rules hold); new people are invited, not created with a password."""

import pytest

from tandem.accounts import services
from tandem.activity.models import HistoryEntry
from tandem.core.errors import NotAllowed

pytestmark = pytest.mark.django_db


def test_admin_reaches_the_admin_site(admin_user, client_for):
    response = client_for(admin_user).get("/admin/")
    assert response.status_code == 200
    assert "/admin/accounts/user/" in response.content.decode()


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_other_roles_do_not(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/accounts/user/").status_code == 302


def test_a_demoted_admin_loses_the_admin_site(admin_user, manager, client_for):
    services.update_user(manager, by=admin_user, role="admin")
    client = client_for(manager)
    assert client.get("/admin/").status_code == 200
    services.update_user(manager, by=admin_user, role="member")
    assert client.get("/admin/").status_code == 302


def test_adding_a_user_goes_to_the_invite_page(admin_user, client_for):
    response = client_for(admin_user).get("/admin/accounts/user/add/")
    assert response.status_code == 302
    assert response["Location"] == "/team/invite/"


def test_changing_a_user_goes_through_the_services(admin_user, member, team, client_for):
    response = client_for(admin_user).post(
        f"/admin/accounts/user/{member.pk}/change/",
        {"full_name": "Robert", "role": "manager", "teams": [team.pk], "is_active": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert (member.full_name, member.role, member.is_active) == ("Robert", "manager", False)
    assert list(member.teams.all()) == [team]
    updated = HistoryEntry.objects.get(verb="updated", target_id=member.pk)
    assert updated.changes["teams"] == [[], ["Sales"]]
    assert HistoryEntry.objects.filter(verb="deactivated", target_id=member.pk, actor=admin_user).exists()


def test_an_admin_cannot_demote_or_deactivate_themself_there(admin_user, client_for):
    client = client_for(admin_user)
    page = client.get(f"/admin/accounts/user/{admin_user.pk}/change/")
    assert 'name="role"' not in page.content.decode()
    assert 'name="is_active"' not in page.content.decode()
    client.post(
        f"/admin/accounts/user/{admin_user.pk}/change/", {"full_name": "Al", "role": "guest", "is_active": ""}
    )
    admin_user.refresh_from_db()
    assert (admin_user.full_name, admin_user.role, admin_user.is_active) == ("Al", "admin", True)


def test_users_are_deactivated_not_deleted(admin_user, member, client_for):
    client = client_for(admin_user)
    assert client.get(f"/admin/accounts/user/{member.pk}/delete/").status_code == 403
    response = client.post(
        "/admin/accounts/user/",
        {"action": "deactivate_users", "_selected_action": [member.pk, admin_user.pk]},
        follow=True,
    )
    assert "You cannot deactivate yourself." in response.content.decode()
    member.refresh_from_db()
    admin_user.refresh_from_db()
    assert not member.is_active and admin_user.is_active


def test_a_user_edit_is_saved_whole_or_not_at_all(admin_user):
    """Name, role and access in one transaction: when deactivating is refused, the role change
    made just before it is not saved either, and no history is written."""
    robot = services.system_account("mail")
    stored, before = (robot.role, robot.full_name), HistoryEntry.objects.count()
    with pytest.raises(NotAllowed):
        services.edit_user(robot, by=admin_user, role="admin", full_name="Robot", active=False)
    robot.refresh_from_db()
    assert (robot.role, robot.full_name) == stored != ("admin", "Robot")
    assert HistoryEntry.objects.count() == before


def test_a_user_edit_records_each_change(admin_user, member, team):
    services.edit_user(member, by=admin_user, role="guest", teams=[team], active=False)
    member.refresh_from_db()
    assert (member.role, member.is_active) == ("guest", False)
    updated = HistoryEntry.objects.get(target_type="user", target_id=member.pk, verb="updated")
    assert updated.changes == {"role": ["member", "guest"], "teams": [[], ["Sales"]]}
    assert HistoryEntry.objects.filter(target_id=member.pk, verb="deactivated", actor=admin_user).exists()


def test_tokens_are_revoked_there_through_the_service_never_deleted(admin_user, member, client_for):
    token, _secret = services.create_api_token(member, name="laptop")
    client = client_for(admin_user)
    assert client.get(f"/admin/accounts/apitoken/{token.pk}/delete/").status_code == 403
    client.post(
        "/admin/accounts/apitoken/", {"action": "revoke_tokens", "_selected_action": [token.pk]}, follow=True
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert HistoryEntry.objects.filter(verb="revoked token", actor=admin_user).exists()
