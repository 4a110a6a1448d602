"""Everyone edits their own name, language and time zone, and changes their password without
being logged out."""

import pytest

from tests.accounts.conftest import password_login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet harbour kettle 31"


@pytest.mark.parametrize("persona", ["admin_user", "manager", "member", "guest"])
def test_every_role_sees_their_profile(persona, request, client_for):
    user = request.getfixturevalue(persona)
    response = client_for(user).get("/profile/")
    assert response.status_code == 200
    assert user.email in response.content.decode()


def test_anonymous_goes_to_login(client):
    assert client.get("/profile/")["Location"] == "/login/?next=/profile/"


def test_profile_saves(member, client_for):
    response = client_for(member).post(
        "/profile/", {"full_name": "Bobby", "language": "en", "time_zone": "Asia/Tehran"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.full_name, member.time_zone) == ("Bobby", "Asia/Tehran")


def test_persian_turns_the_next_page_right_to_left(member, client_for):
    client = client_for(member)
    assert 'dir="ltr"' in client.get("/profile/").content.decode()
    client.post("/profile/", {"full_name": "Bob", "language": "fa", "time_zone": "UTC"})
    content = client.get("/team/").content.decode()
    assert 'lang="fa"' in content and 'dir="rtl"' in content
    assert "bootstrap.rtl.min.css" in content


def test_unknown_language_or_time_zone_is_refused(member, client_for):
    response = client_for(member).post(
        "/profile/", {"full_name": "X", "language": "xx", "time_zone": "Mars/Base"}
    )
    assert response.status_code == 422
    assert set(response.context["profile_form"].errors) == {"language", "time_zone"}
    member.refresh_from_db()
    assert (member.full_name, member.language, member.time_zone) == ("Bob Member", "en", "UTC")


def test_password_change_keeps_the_session(member, client_for):
    client = client_for(member)
    response = client.post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert password_login(member.email, NEW_PASSWORD)[1].status_code == 302
    assert password_login(member.email, PASSWORD)[1].status_code == 422


def test_password_change_needs_the_old_password(member, client_for):
    response = client_for(member).post(
        "/profile/password/",
        {"old_password": "guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 422
    assert response.context["password_form"].has_error("old_password")
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_password_change_applies_the_password_rules(member, client_for):
    response = client_for(member).post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": "12345678901", "new_password2": "12345678901"},
    )
    assert response.status_code == 422
    assert "entirely numeric" in response.content.decode()
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
