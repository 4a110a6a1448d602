"""Login throttling behind a reverse proxy (`TANDEM_BEHIND_PROXY`): every request comes from the
proxy's address, and the client is the address the proxy appended to X-Forwarded-For.

Client A guesses: 5 wrong passwords for a real account, then random addresses until it has 20
failures, naming a new forged address in X-Forwarded-For each time (the proxy appends the real
one). The account's owner on client B, and every other user on their own clients, log in with the
right password; client A is refused even with it; an admin sees A's locks in the admin and lifts
them (recorded in history), and A gets in. API tokens never meet the throttle."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.accounts import services
from tandem.accounts.models import LoginFailure, LoginLockLift
from tandem.activity.models import HistoryEntry
from tests.accounts.conftest import password_login
from tests.conftest import PASSWORD, bearer, login

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.9"
CLIENT_B = "198.51.100.7"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    settings.TANDEM_BEHIND_PROXY = True
    settings.TANDEM_PROXY_COUNT = 1
    settings.TANDEM_LOGIN_MAX_FAILURES = 5
    settings.TANDEM_LOGIN_MAX_CLIENT_FAILURES = 20
    settings.TANDEM_LOGIN_WINDOW_SECONDS = 15 * 60


def through_proxy(email: str, password: str, client: str, forged: str = "") -> int:
    """A login as the proxy hands it over: from the proxy's address, with the client's address
    appended to whatever X-Forwarded-For the client sent."""
    forwarded = f"{forged}, {client}" if forged else client
    _, response = password_login(email, password, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    return response.status_code


def guess_like_client_a(owner_email: str) -> list[int]:
    answers = [through_proxy(owner_email, f"guess {n}", CLIENT_A, forged=f"192.0.2.{n}") for n in range(5)]
    answers += [
        through_proxy(f"random{n}@guess.example", "guess", CLIENT_A, forged=f"192.0.2.{100 + n}")
        for n in range(20)
    ]
    return answers


def test_a_guessing_client_is_refused_and_the_owner_elsewhere_gets_in(member, admin_user):
    answers = guess_like_client_a(member.email)
    assert answers == [422] * 20 + [429] * 5  # 20 failures, then refused without counting
    assert set(LoginFailure.objects.values_list("ip_address", flat=True)) == {CLIENT_A}

    assert through_proxy(member.email, PASSWORD, CLIENT_B) == 302  # the owner, on another client
    assert through_proxy(member.email, PASSWORD, CLIENT_A) == 429  # the guesser, even with it
    assert through_proxy(admin_user.email, PASSWORD, CLIENT_A) == 429  # for every account

    # the admin sees A's locks, for every account and for the owner's account
    admin = login(admin_user)
    page = admin.get("/admin/accounts/loginfailure/").content.decode()
    assert page.count(CLIENT_A) >= 2 and "every account" in page and member.email in page
    locks = {(lock.client, lock.email, lock.failures) for lock in services.login_locks()}
    assert locks == {(CLIENT_A, "", 20), (CLIENT_A, member.email, 5)}

    # and lifts the lock for every account: all of A's failures are forgiven, with history
    response = admin.post("/admin/accounts/loginfailure/lift/", {"client": CLIENT_A, "email": ""})
    assert response.status_code == 302
    assert services.login_locks() == []
    lift = LoginLockLift.objects.get()
    assert (lift.client, lift.email, lift.failures, lift.lifted_by) == (CLIENT_A, "", 20, admin_user)
    entry = HistoryEntry.objects.get(verb="lifted login lock")
    assert entry.actor == admin_user and entry.target_type == "login lock" and entry.target_id == lift.pk
    assert through_proxy(member.email, PASSWORD, CLIENT_A) == 302


def test_the_right_password_of_every_user_still_works_after_a_guessing_spree(
    admin_user, manager, member, guest
):
    for n in range(25):
        through_proxy(f"random{n}@guess.example", "guess", CLIENT_A)
    for number, user in enumerate((admin_user, manager, member, guest)):
        assert through_proxy(user.email, PASSWORD, f"198.51.100.{number + 10}") == 302, user.email


def test_lifting_one_accounts_lock_leaves_the_clients_other_failures(member, manager, admin_user):
    for n in range(5):
        through_proxy(member.email, f"guess {n}", CLIENT_A)
    through_proxy(manager.email, "guess", CLIENT_A)
    assert through_proxy(member.email, PASSWORD, CLIENT_A) == 429
    lift = services.lift_login_lock(client=CLIENT_A, email=member.email.upper(), by=admin_user)
    assert lift is not None and lift.failures == 5
    assert list(LoginFailure.objects.values_list("email", flat=True)) == [manager.email]
    assert through_proxy(member.email, PASSWORD, CLIENT_A) == 302
    assert (
        services.lift_login_lock(client=CLIENT_A, email=member.email, by=admin_user) is None
    )  # nothing left


def test_only_admins_lift_locks(member, manager):
    for n in range(5):
        through_proxy(member.email, f"guess {n}", CLIENT_A)
    assert login(manager).post("/admin/accounts/loginfailure/lift/", {"client": CLIENT_A}).status_code == 302
    assert "/admin/login/" in login(manager).post("/admin/accounts/loginfailure/lift/")["Location"]
    assert LoginFailure.objects.count() == 5
    assert login(manager).get("/admin/accounts/loginfailure/").status_code == 302  # to the admin's login


def test_api_tokens_are_unaffected(member, api_token_for):
    token = api_token_for(member)
    for n in range(25):
        through_proxy(member.email if n < 5 else f"random{n}@guess.example", "guess", CLIENT_A)
    assert through_proxy(member.email, PASSWORD, CLIENT_A) == 429
    response = Client().get(
        "/api/v1/organizations", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A, headers=bearer(token)
    )
    assert response.status_code == 200
