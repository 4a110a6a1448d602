"""After TANDEM_LOGIN_MAX_FAILURES failed logins for one e-mail from one client within the window,
further attempts from that client are refused, even with the right password; other e-mail addresses
are unaffected, and so is the account's owner on another client. A client with
TANDEM_LOGIN_MAX_CLIENT_FAILURES failures for any addresses is refused for all. The failures live in
the database, so every web process sees the same count."""

from datetime import timedelta

import pytest
from django.test import Client

from tandem.accounts.models import LoginFailure
from tests.accounts.conftest import password_login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed attempts; try again in"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.TANDEM_LOGIN_MAX_FAILURES = 3
    settings.TANDEM_LOGIN_MAX_CLIENT_FAILURES = 12
    settings.TANDEM_LOGIN_WINDOW_SECONDS = 15 * 60
    return 3


def fail(email: str, times: int) -> None:
    for _ in range(times):
        _, response = password_login(email, "wrong password")
        assert response.status_code == 422


def test_right_password_is_refused_once_locked(member, limit):
    fail(member.email, limit)
    client, response = password_login(member.email, PASSWORD)
    assert response.status_code == 429
    assert f"{LOCKED} 15 minutes" in response.content.decode()
    assert client.get("/").status_code == 302  # not logged in


def test_fewer_failures_than_the_limit_do_not_lock(member, limit):
    fail(member.email, limit - 1)
    _, response = password_login(member.email, PASSWORD)
    assert response.status_code == 302


def test_another_email_is_unaffected(member, manager, limit):
    fail(member.email, limit)
    _, response = password_login(manager.email, PASSWORD)
    assert response.status_code == 302


def test_the_lock_counts_the_address_in_any_case(member, limit):
    fail(member.email.upper(), limit)
    _, response = password_login(member.email, PASSWORD)
    assert response.status_code == 429


def test_success_clears_earlier_failures(member, limit):
    fail(member.email, limit - 1)
    password_login(member.email, PASSWORD)
    fail(member.email, limit - 1)
    _, response = password_login(member.email, PASSWORD)
    assert response.status_code == 302


def test_the_lock_lifts_when_the_failures_leave_the_window(member, limit):
    fail(member.email, limit)
    LoginFailure.objects.update(at=LoginFailure.objects.first().at - timedelta(minutes=14))
    _, response = password_login(member.email, PASSWORD)
    assert response.status_code == 429
    assert f"{LOCKED} 1 minute." in response.content.decode()
    LoginFailure.objects.update(at=LoginFailure.objects.first().at - timedelta(minutes=2))
    _, response = password_login(member.email, PASSWORD)
    assert response.status_code == 302


def test_many_addresses_from_one_client_lock_that_client(member, limit):
    for n in range(limit * 4):
        password_login(f"guess{n}@tandem.test", "wrong password", REMOTE_ADDR="203.0.113.9")
    _, from_attacker = password_login(member.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    _, from_elsewhere = password_login(member.email, PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert from_attacker.status_code == 429
    assert from_elsewhere.status_code == 302


def test_failures_from_one_client_do_not_lock_the_owner_out_on_another(member, limit):
    for _ in range(limit):
        password_login(member.email, "wrong password", REMOTE_ADDR="203.0.113.9")
    _, from_attacker = password_login(member.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    _, from_owner = password_login(member.email, PASSWORD, REMOTE_ADDR="198.51.100.1")
    assert from_attacker.status_code == 429
    assert from_owner.status_code == 302
    # the owner's success forgets only the owner's own failures: the guessing client stays refused
    _, again = password_login(member.email, PASSWORD, REMOTE_ADDR="203.0.113.9")
    assert again.status_code == 429


def test_the_admin_login_page_is_throttled_too(admin_user, limit):
    client = Client()
    for _ in range(limit):
        client.post("/admin/login/", {"username": admin_user.email, "password": "wrong password"})
    response = client.post("/admin/login/?next=/admin/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert client.get("/admin/").status_code == 302
