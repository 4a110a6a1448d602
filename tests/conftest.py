"""Shared fixtures. Personas (as in every view and endpoint test):
- admin: configures Tandem and manages users;
- manager: may archive, restore and merge customers;
- member: an ordinary teammate who creates and edits customers;
- guest: read-only;
- outsider: anonymous, or a deactivated account — must see nothing.
State is built with the real services, so the rules hold in tests as in production."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tandem.accounts import services as account_services
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Role
from tandem.contacts import services as contact_services
from tandem.contacts.models import Organization, Person
from tandem.work import services as work

PASSWORD = "correct horse battery staple"


def join_team_of(user: User, board: Any, *, private: bool = False) -> Team:
    """Put `user` in the board's team (one made for the board when it has none), through the
    services; `private` makes the board private to that team. Guests read only their teams' boards."""
    from tandem.work import services as work_services

    board.refresh_from_db()
    team = board.team or Team.objects.create(name=f"Team of {board.name} {board.pk}", slug=f"team-{board.pk}")
    admin = User.objects.filter(role=Role.ADMIN, is_active=True).first() or make_user(
        "boards-admin@tandem.test", Role.ADMIN
    )
    work_services.update_board(board, by=admin, version=None, data={"team": team, "private": private})
    user.teams.add(team)
    board.refresh_from_db()
    return team


def make_user(email: str, role: str, *, active: bool = True, full_name: str = "") -> User:
    user = User.objects.create_user(
        email, PASSWORD, role=role, full_name=full_name or email.split("@")[0].title()
    )
    if not active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    return user


@pytest.fixture(scope="session", autouse=True)
def no_sessions_left_on_the_test_database(django_db_setup: None, django_db_blocker: Any) -> Any:
    """On PostgreSQL, the test database is dropped at the end of the run, which fails while any
    session still uses it. A request thread of the browser tests' live server that was still
    answering a page's poll when the page closed can hold one a moment longer: wait for such
    sessions to end, then end the stragglers, so the database is always dropped."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            return
        others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        with connection.cursor() as cursor:
            for _ in range(25):
                cursor.execute(f"SELECT count(*) {others}")
                if cursor.fetchone()[0] == 0:
                    return
                time.sleep(0.2)
            cursor.execute(f"SELECT pg_terminate_backend(pid) {others}")


@pytest.fixture(autouse=True)
def each_test_starts_in_english() -> Any:
    """A request of a Persian user's (or a test's own `translation.activate`) leaves its language
    active in the thread; the next test starts from the default language again."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def files_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploaded files, received mail and the mail spool go to each test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TANDEM_MAIL_SPOOL = tmp_path / "spool"


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("alice@tandem.test", Role.ADMIN, full_name="Alice Admin")


@pytest.fixture
def manager(db: None) -> User:
    return make_user("mona@tandem.test", Role.MANAGER, full_name="Mona Manager")


@pytest.fixture
def member(db: None) -> User:
    return make_user("bob@tandem.test", Role.MEMBER, full_name="Bob Member")


@pytest.fixture
def guest(db: None) -> User:
    return make_user("gus@tandem.test", Role.GUEST, full_name="Gus Guest")


@pytest.fixture
def deactivated(db: None) -> User:
    return make_user("charlie@tandem.test", Role.MEMBER, active=False, full_name="Charlie Gone")


@pytest.fixture
def team(db: None) -> Team:
    return account_services.create_team(
        name="Sales", slug="sales", by=account_services.system_account("setup")
    )


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return login


@pytest.fixture
def make_org(member: User) -> Callable[..., Organization]:
    def make(name: str = "Acme Corp", **data: Any) -> Organization:
        return contact_services.create_organization(
            by=data.pop("by", member), data={"name": name, **data}, allow_duplicate=True
        )

    return make


@pytest.fixture
def make_person(member: User) -> Callable[..., Person]:
    def make(first_name: str = "Ada", last_name: str = "Lovelace", **data: Any) -> Person:
        return contact_services.create_person(
            by=data.pop("by", member),
            data={"first_name": first_name, "last_name": last_name, **data},
            allow_duplicate=True,
        )

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api_token_for() -> Callable[[User], str]:
    def make(user: User) -> str:
        return account_services.create_api_token(user, name="tests")[1]

    return make


@pytest.fixture
def finance_board(manager: User) -> Any:
    """A finance board, private to the finance scope, as a won deal's rule needs one."""
    return work.create_board_with_stages(
        by=manager,
        data={"name": "Finance", "default_type": "finance"},
        stages=["to invoice"],
        scope="finance",
    )
