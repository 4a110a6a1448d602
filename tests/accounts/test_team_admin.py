"""Teams in /admin/ are made, changed and deleted through the services: each change is in history,
and the services' rules (an admin's permission, one name per team) hold there as everywhere."""

import pytest

from tandem.accounts import services
from tandem.accounts.models import Team
from tandem.activity.models import HistoryEntry
from tandem.core.errors import Conflict, InvalidInput, NotAllowed
from tandem.work import services as work
from tandem.work.models import Board

pytestmark = pytest.mark.django_db


def _history(team_pk: int, verb: str) -> HistoryEntry:
    return HistoryEntry.objects.get(target_type="team", target_id=team_pk, verb=verb)


def test_adding_a_team_there_records_it(admin_user, client_for):
    response = client_for(admin_user).post(
        "/admin/accounts/team/add/",
        {"name": "  Field   Sales ", "slug": "field-sales", "description": "On the road"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(slug="field-sales")
    assert (team.name, team.description) == ("Field Sales", "On the road")
    assert response["Location"] == "/admin/accounts/team/"
    assert _history(team.pk, "created").actor == admin_user


def test_renaming_a_team_there_records_the_change(admin_user, team, client_for):
    response = client_for(admin_user).post(
        f"/admin/accounts/team/{team.pk}/change/", {"name": "Key Accounts", "slug": "key", "description": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team.refresh_from_db()
    assert (team.name, team.slug) == ("Key Accounts", "key")
    entry = _history(team.pk, "updated")
    assert entry.actor == admin_user
    assert entry.changes == {"name": ["Sales", "Key Accounts"], "slug": ["sales", "key"]}


def test_a_name_another_team_has_is_refused_on_the_form(admin_user, team, client_for):
    services.create_team(name="Support", slug="support", by=admin_user)
    response = client_for(admin_user).post(
        f"/admin/accounts/team/{team.pk}/change/", {"name": " Support ", "slug": "sales", "description": ""}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Team with this Name already exists." in response.content.decode()
    team.refresh_from_db()
    assert team.name == "Sales"
    assert not HistoryEntry.objects.filter(target_type="team", verb="updated").exists()


def test_deleting_a_team_there_records_it_and_keeps_its_people_and_boards(
    admin_user, member, team, client_for
):
    member.teams.add(team)
    board = work.create_board(by=admin_user, data={"name": "Pipeline", "team": team})
    response = client_for(admin_user).post(f"/admin/accounts/team/{team.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Team.objects.filter(pk=team.pk).exists()
    entry = _history(team.pk, "deleted")
    assert entry.actor == admin_user
    assert entry.changes == {"name": "Sales", "boards": ["Pipeline"], "members": [member.email]}
    member.refresh_from_db()
    assert list(member.teams.all()) == []
    assert Board.objects.get(pk=board.pk).team is None


def test_the_delete_action_goes_through_the_services_too(admin_user, team, client_for):
    other = services.create_team(name="Support", slug="support", by=admin_user)
    client_for(admin_user).post(
        "/admin/accounts/team/",
        {"action": "delete_selected", "_selected_action": [team.pk, other.pk], "post": "yes"},
    )
    assert not Team.objects.exists()
    assert HistoryEntry.objects.filter(target_type="team", verb="deleted").count() == 2


def test_only_admins_change_teams(manager, team):
    with pytest.raises(NotAllowed):
        services.update_team(team, by=manager, name="Mine")
    with pytest.raises(NotAllowed):
        services.delete_team(team, by=manager)
    team.refresh_from_db()
    assert team.name == "Sales"


def test_the_services_refuse_a_taken_name_an_empty_one_and_a_bad_slug(admin_user, team):
    other = services.create_team(name="Support", slug="support", by=admin_user)
    with pytest.raises(Conflict):
        services.update_team(other, by=admin_user, name="Sales")
    with pytest.raises(Conflict):
        services.create_team(name="Sales", slug="sales-2", by=admin_user)
    with pytest.raises(InvalidInput):
        services.update_team(other, by=admin_user, name="   ")
    with pytest.raises(InvalidInput):
        services.update_team(other, by=admin_user, slug="not a slug")
    other.refresh_from_db()
    assert (other.name, other.slug) == ("Support", "support")


def test_creating_a_team_twice_gives_the_same_team(admin_user, team):
    assert services.create_team(name="Sales", slug="sales", by=admin_user) == team
    assert Team.objects.count() == 1
