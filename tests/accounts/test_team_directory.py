"""The team page lists people with their role, teams and status, filters by team and role, and
counts each team's members. Admins manage people from it; everyone else reads it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts import services
from tandem.accounts.models import User
from tandem.accounts.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(admin_user, manager, member, guest, deactivated, team):
    services.update_user(member, by=admin_user, teams=[team])
    services.update_user(manager, by=admin_user, teams=[team])
    services.update_user(deactivated, by=admin_user, teams=[team])
    services.invite_user(email="ivy@tandem.test", full_name="Ivy Invited", by=admin_user)


def test_admin_sees_everyone_with_status_and_actions(people, admin_user, client_for):
    response = client_for(admin_user).get("/team/")
    assert response.status_code == 200
    content = response.content.decode()
    for email in ["alice@", "mona@", "bob@", "gus@", "charlie@", "ivy@"]:
        assert email in content
    assert "Invite someone" in content
    assert "Deactivated" in content and "Invited" in content
    assert "Resend invitation" in content
    assert "/team/users/" in content and "/deactivate/" in content and "/reactivate/" in content

    def row(email: str) -> str:
        return content.split(f"mailto:{email}")[1].split("</tr>")[0]

    assert "Deactivate" in row("bob@tandem.test")
    assert "Deactivate" not in row("alice@tandem.test")  # no button to deactivate yourself


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_others_read_the_directory_without_actions(people, persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get("/team/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "bob@tandem.test" in content and "ivy@tandem.test" in content
    assert "charlie@tandem.test" not in content  # deactivated accounts are an admin matter
    assert "Invite someone" not in content
    assert "/edit/" not in content and "/deactivate/" not in content and "Resend invitation" not in content


def test_anonymous_goes_to_login(client):
    response = client.get("/team/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/team/"


def test_filter_by_team(people, member, client_for):
    content = client_for(member).get("/team/?team=sales").content.decode()
    assert "bob@tandem.test" in content and "mona@tandem.test" in content
    assert "gus@tandem.test" not in content and "alice@tandem.test" not in content


def test_filter_by_role(people, member, client_for):
    content = client_for(member).get(f"/team/?role={Role.GUEST}").content.decode()
    assert "gus@tandem.test" in content
    assert "bob@tandem.test" not in content


def test_an_unknown_filter_value_is_ignored_not_an_error(people, member, client_for):
    response = client_for(member).get("/team/?team=nope&role=emperor")
    assert response.status_code == 200
    assert "bob@tandem.test" in response.content.decode()


def test_no_match_shows_an_empty_state(people, member, client_for):
    content = client_for(member).get(f"/team/?team=sales&role={Role.GUEST}").content.decode()
    assert "Nobody matches these filters" in content


def test_teams_show_active_member_counts(people, member, client_for):
    response = client_for(member).get("/team/")
    sales = next(t for t in response.context["teams"] if t.slug == "sales")
    assert sales.member_count == 2  # member and manager; the deactivated account does not count


def test_htmx_filter_answers_with_the_table_only(people, member, client_for):
    response = client_for(member).get("/team/?role=guest", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="user-table">')
    assert "<html" not in content
    assert "gus@tandem.test" in content


def test_query_count_does_not_grow_with_the_team(admin_user, client_for, team):
    client = client_for(admin_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/team/").status_code == 200
        return len(queries)

    for n in range(3):
        user = User.objects.create_user(f"p{n}@tandem.test", "x")
        services.update_user(user, by=admin_user, teams=[team])
    few = count()
    for n in range(3, 15):
        user = User.objects.create_user(f"p{n}@tandem.test", "x")
        services.update_user(user, by=admin_user, teams=[team])
    assert count() == few
