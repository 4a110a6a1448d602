"""Someone who forgot their password asks for a link on /password-reset/; a joined, active account
gets a mail whose link lets them choose a new password once and logs them in. Every address gets the
same answer, so the page reveals nothing about who has an account, and an address gets at most three
mails per throttling window."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client

from tandem.accounts import services
from tandem.accounts.models import LoginFailure, PasswordResetRequest, User
from tandem.activity.models import HistoryEntry
from tandem.core.errors import InvalidInput
from tests.accounts.conftest import invitation_path, password_login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum orchard lantern 42"
SENT = "If an account exists for that address"
BROKEN = "This password link no longer works"


def reset_path(message: mail.EmailMessage) -> str:
    match = re.search(r"/password-reset/[^/\s]+/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def same_page(html: str, email: str) -> str:
    """The page with the address typed and the per-response CSRF token taken out."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html).replace(email, "ADDRESS")


@pytest.fixture
def ask(committing):
    """Asks for a reset link through the page, as a person would, running the mail task."""

    def run(email: str):
        with committing():
            return Client().post("/password-reset/", {"email": email})

    return run


def choose(path: str, password: str = NEW_PASSWORD, again: str | None = None, client: Client | None = None):
    client = client or Client()
    response = client.post(
        path, {"password": password, "password_again": password if again is None else again}
    )
    return client, response


def test_the_login_page_links_to_the_reset_page(client):
    page = client.get("/login/").content.decode()
    assert 'href="/password-reset/"' in page
    assert "Forgot your password?" in page
    assert client.get("/password-reset/").status_code == 200


def test_a_joined_user_gets_a_mail_whose_link_works_once(member, ask, outbox):
    response = ask("  BOB@Tandem.test ")
    assert response.status_code == 200
    assert SENT in response.content.decode()
    assert len(outbox) == 1
    assert outbox[0].to == [member.email]
    assert outbox[0].body.count("http://") == 1

    path = reset_path(outbox[0])
    page = Client().get(path)
    assert page.status_code == 200
    assert member.email in page.content.decode()

    client, response = choose(path)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200  # logged in by the reset
    assert HistoryEntry.objects.filter(verb="reset password", target_id=member.pk, actor=member).exists()

    again = Client()
    used = again.get(path)
    assert used.status_code == 400
    assert BROKEN in used.content.decode()
    assert 'href="/password-reset/"' in used.content.decode()
    _, refused = choose(path, "another good one 77", client=again)
    assert refused.status_code == 400
    _, login = password_login(member.email, "another good one 77")
    assert login.status_code == 422


@pytest.mark.parametrize("who", ["unknown", "deactivated", "invitee"])
def test_no_mail_and_the_same_page_for_an_address_without_a_usable_account(
    who, admin_user, deactivated, ask, outbox, committing
):
    if who == "invitee":
        with committing():
            services.invite_user(email="dana@tandem.test", by=admin_user)
        outbox.clear()
    email = {
        "unknown": "nobody@tandem.test",
        "deactivated": deactivated.email,
        "invitee": "dana@tandem.test",
    }[who]

    response = ask(email)
    assert response.status_code == 200
    assert outbox == []
    assert not PasswordResetRequest.objects.exists()

    joined = ask("alice@tandem.test")  # the admin's own, joined account: a mail goes out
    assert len(outbox) == 1
    assert same_page(response.content.decode(), email) == same_page(
        joined.content.decode(), "alice@tandem.test"
    )
    assert SENT in response.content.decode()


def test_a_malformed_address_is_refused_next_to_the_field(ask, outbox):
    response = ask("not an address")
    assert response.status_code == 422
    assert 'id="id_email_error"' in response.content.decode()
    assert outbox == []


def test_password_rules_apply_with_the_error_next_to_the_field(member, ask, outbox):
    ask(member.email)
    path = reset_path(outbox[0])

    _, response = choose(path, "short")
    assert response.status_code == 422
    error = re.search(r'id="id_password_error">(.*?)</div></div>', response.content.decode(), re.S)
    assert error, response.content.decode()
    assert "This password is too short" in error.group(1)

    _, mismatch = choose(path, NEW_PASSWORD, "something else 99")
    assert mismatch.status_code == 422
    assert 'id="id_password_again_error"' in mismatch.content.decode()

    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert Client().get(path).status_code == 200  # the link still works after a refused try


def test_after_a_reset_the_old_password_fails_and_the_new_one_logs_in(member, ask, outbox):
    elsewhere = Client()
    elsewhere.force_login(member)
    ask(member.email)
    choose(reset_path(outbox[0]))

    _, old = password_login(member.email, PASSWORD)
    assert old.status_code == 422
    _, new = password_login(member.email, NEW_PASSWORD)
    assert new.status_code == 302
    assert elsewhere.get("/").status_code == 302  # sessions with the old password end


def test_a_reset_lifts_a_login_lock(member, ask, outbox, settings):
    settings.TANDEM_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        password_login(member.email, "wrong password")
    _, locked = password_login(member.email, PASSWORD)
    assert locked.status_code == 429

    ask(member.email)
    choose(reset_path(outbox[0]))
    assert not LoginFailure.objects.filter(email=member.email).exists()
    _, login = password_login(member.email, NEW_PASSWORD)
    assert login.status_code == 302


def test_the_fourth_mail_within_the_window_is_not_sent(member, manager, ask, outbox):
    for _ in range(4):
        assert SENT in ask(member.email).content.decode()
    assert len(outbox) == 3

    ask(manager.email)  # another address has its own count
    assert len(outbox) == 4

    PasswordResetRequest.objects.filter(email=member.email).update(
        at=PasswordResetRequest.objects.first().at - timedelta(minutes=16)
    )
    ask(member.email)
    assert len(outbox) == 5
    assert outbox[-1].to == [member.email]


def test_a_deactivated_account_cannot_use_a_link_it_got_before(member, admin_user, ask, outbox):
    ask(member.email)
    services.set_user_active(member, active=False, by=admin_user)
    response = Client().get(reset_path(outbox[0]))
    assert response.status_code == 400
    assert BROKEN in response.content.decode()


def test_an_invitation_link_is_no_reset_link(admin_user, outbox, committing):
    with committing():
        services.invite_user(email="dana@tandem.test", by=admin_user)
    invite = invitation_path(outbox[0]).replace("/invite/", "/password-reset/")
    _, response = choose(invite)
    assert response.status_code == 400
    assert not User.objects.get(email="dana@tandem.test").has_joined


@pytest.mark.parametrize(
    "path",
    [
        "/password-reset/xx/yy/",
        "/password-reset/MQ/not-a-token/",
        "/password-reset/%F0%9F%92%A9/z/",
        "/password-reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/a-b/",
    ],
)
def test_a_broken_link_shows_a_friendly_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert BROKEN in response.content.decode()


def test_the_reset_service_refuses_a_weak_password(member):
    with pytest.raises(InvalidInput) as refused:
        services.reset_password(member, password="bob")
    assert refused.value.field == "password"
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
