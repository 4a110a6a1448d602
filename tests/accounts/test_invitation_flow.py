"""An admin invites someone from the team page; the invitation mail carries a link; the link lets
the person choose a name and password once, logs them in, and afterwards they log in normally."""

import pytest
from django.test import Client

from tandem.accounts import services
from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tests.accounts.conftest import invitation_path, password_login

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum orchard lantern 42"


@pytest.fixture
def invited(admin_user, client_for, team, outbox, committing):
    with committing():
        response = client_for(admin_user).post(
            "/team/invite/",
            {"email": "Dana@Tandem.test", "full_name": "", "role": "manager", "teams": [team.pk]},
        )
    assert response.status_code == 302
    assert response["Location"] == "/team/"
    return User.objects.get(email="dana@tandem.test")


def test_invitation_creates_an_account_that_cannot_log_in_yet(invited, team):
    assert invited.role == "manager"
    assert list(invited.teams.all()) == [team]
    assert not invited.has_joined
    _, response = password_login(invited.email, "")
    assert response.status_code == 422


def test_invitation_mail_goes_to_the_person(invited, outbox):
    assert len(outbox) == 1
    assert outbox[0].to == ["dana@tandem.test"]
    assert "Alice Admin invited you to Tandem" in outbox[0].subject
    assert "/invite/" in outbox[0].body


def test_accepting_sets_the_password_and_logs_in(invited, outbox):
    client = Client()
    path = invitation_path(outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "dana@tandem.test" in page.content.decode()

    response = client.post(
        path, {"full_name": "Dana Doe", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200  # logged in by accepting

    invited.refresh_from_db()
    assert invited.full_name == "Dana Doe"
    assert invited.has_joined
    assert HistoryEntry.objects.filter(verb="joined", target_id=invited.pk).exists()

    client.post("/logout/")
    _, login = password_login("dana@tandem.test", NEW_PASSWORD)
    assert login.status_code == 302


def test_a_used_link_no_longer_works(invited, outbox):
    path = invitation_path(outbox[0])
    Client().post(path, {"full_name": "Dana", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client()
    page = again.get(path)
    assert page.status_code == 400
    assert "Ask an admin on your team to send you a new invitation" in page.content.decode()
    response = again.post(
        path, {"full_name": "X", "new_password1": "other pass 9876", "new_password2": "other pass 9876"}
    )
    assert response.status_code == 400
    _, login = password_login("dana@tandem.test", "other pass 9876")
    assert login.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/invite/xx/yy/",
        "/invite/MQ/not-a-token/",
        "/invite/%F0%9F%92%A9/z/",
        "/invite/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/a-b/",
    ],
)
def test_a_broken_link_shows_a_friendly_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "This invitation link no longer works" in response.content.decode()


def test_password_rules_apply_and_nothing_is_saved(invited, outbox):
    path = invitation_path(outbox[0])
    response = Client().post(path, {"full_name": "Dana", "new_password1": "short", "new_password2": "short"})
    assert response.status_code == 422
    assert "This password is too short" in response.content.decode()
    invited.refresh_from_db()
    assert not invited.has_joined


def test_mismatched_passwords_are_refused(invited, outbox):
    path = invitation_path(outbox[0])
    response = Client().post(
        path, {"full_name": "Dana", "new_password1": NEW_PASSWORD, "new_password2": "different one 77"}
    )
    assert response.status_code == 422
    invited.refresh_from_db()
    assert not invited.has_joined


def test_a_deactivated_invitee_cannot_use_the_link(invited, outbox, admin_user):
    services.set_user_active(invited, active=False, by=admin_user)
    response = Client().get(invitation_path(outbox[0]))
    assert response.status_code == 400
