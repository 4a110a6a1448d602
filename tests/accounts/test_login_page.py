"""Logging in with e-mail and password, safe "next" redirects, logging out by POST, and deactivated
accounts shut out without saying whether the account exists."""

import pytest

from tests.accounts.conftest import password_login

pytestmark = pytest.mark.django_db


def test_login_page_renders_for_anonymous(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'type="email"' in response.content


def test_member_logs_in_with_email_in_any_case(member):
    client, response = password_login("BOB@Tandem.test")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_4xx(member):
    client, response = password_login(member.email, "not the password")
    assert response.status_code == 422
    assert "The e-mail address or password is not right." in response.content.decode()
    assert client.get("/").status_code == 302


def test_deactivated_user_gets_the_same_answer_as_an_unknown_address(deactivated):
    _, refused = password_login(deactivated.email)
    _, unknown = password_login("nobody@tandem.test")
    assert refused.status_code == unknown.status_code == 422
    message = "The e-mail address or password is not right."
    assert message in refused.content.decode()
    assert message in unknown.content.decode()
    assert "inactive" not in refused.content.decode().lower()


def test_next_keeps_a_local_path(member):
    _, response = password_login(member.email, path="/login/?next=/team/")
    assert response.status_code == 302
    assert response["Location"] == "/team/"


def test_next_to_another_site_is_ignored(member):
    _, response = password_login(member.email, path="/login/?next=https://evil.example/steal")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_needs_post(client_for, member):
    client = client_for(member)
    assert client.get("/logout/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_logged_in_user_visiting_login_goes_home(client_for, member):
    response = client_for(member).get("/login/")
    assert response.status_code == 302
    assert response["Location"] == "/"
