"""Admins can send a fresh invitation to someone who has not joined yet."""

import pytest

from tandem.accounts import services
from tests.accounts.conftest import invitation_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitee(admin_user):
    return services.invite_user(email="ivy@tandem.test", by=admin_user)  # mail held back: no commit


def test_resend_mails_a_working_link(admin_user, invitee, client_for, outbox, committing):
    with committing():
        response = client_for(admin_user).post(f"/team/users/{invitee.pk}/resend-invitation/")
    assert response.status_code == 302
    assert [m.to for m in outbox] == [["ivy@tandem.test"]]
    assert client_for(admin_user).get(invitation_path(outbox[0])).status_code == 200


def test_no_invitation_for_someone_who_joined(admin_user, member, client_for, outbox, committing):
    with committing():
        response = client_for(admin_user).post(f"/team/users/{member.pk}/resend-invitation/", follow=True)
    assert "has already joined" in response.content.decode()
    assert outbox == []


def test_no_invitation_for_a_deactivated_account(admin_user, invitee, client_for, outbox, committing):
    services.set_user_active(invitee, active=False, by=admin_user)
    with committing():
        response = client_for(admin_user).post(f"/team/users/{invitee.pk}/resend-invitation/", follow=True)
    assert "reactivate it before inviting again" in response.content.decode()
    assert outbox == []


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_non_admins_cannot_resend(persona, request, invitee, client_for, outbox, committing):
    with committing():
        response = client_for(request.getfixturevalue(persona)).post(
            f"/team/users/{invitee.pk}/resend-invitation/"
        )
    assert response.status_code == 403
    assert outbox == []
