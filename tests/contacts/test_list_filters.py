"""The organization and people lists find records by name, e-mail, phone, tag, owner and organization,
with a plain GET (no JavaScript) and through htmx (only the results partial comes back)."""

from __future__ import annotations

import pytest

from tandem.contacts import services
from tests.conftest import login
from tests.contacts.pages import org_url, person_url


@pytest.fixture
def people(make_org, make_person, manager):
    acme = make_org("Acme Corp", website="acme.example", tags=["vip"])
    globex = make_org("Globex", website="globex.example", by=manager)
    ada = make_person(
        "Ada",
        "Lovelace",
        emails=[{"email": "ada@analytical.example"}],
        phones=[{"number": "+1 415 555 2671"}],
        tags=["vip"],
        memberships=[{"organization_id": acme.pk, "job_title": "CTO"}],
    )
    grace = make_person(
        "Grace",
        "Hopper",
        emails=[{"email": "grace@navy.example"}],
        phones=[{"number": "+1 212 555 0199"}],
        memberships=[{"organization_id": globex.pk}],
        by=manager,
    )
    return {"acme": acme, "globex": globex, "ada": ada, "grace": grace}


def shown(response, url: str) -> bool:
    return f'href="{url}"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected", "hidden"),
    [
        ({"q": "acme"}, "acme", "globex"),
        ({"q": "globex.example"}, "globex", "acme"),
        ({"tag": "vip"}, "acme", "globex"),
        ({"owner": "mine"}, "globex", "acme"),  # the manager created (and owns) Globex
    ],
)
def test_organization_filters(manager, people, query, expected, hidden):
    response = login(manager).get(org_url("list"), query)
    assert response.status_code == 200
    assert shown(response, org_url("detail", people[expected].pk))
    assert not shown(response, org_url("detail", people[hidden].pk))


@pytest.mark.parametrize(
    ("query", "expected", "hidden"),
    [
        ({"q": "lovelace"}, "ada", "grace"),
        ({"q": "grace hopper"}, "grace", "ada"),
        ({"q": "ada@analytical"}, "ada", "grace"),
        ({"q": "(212) 555-0199"}, "grace", "ada"),  # phone digits, however they are typed
        ({"tag": "vip"}, "ada", "grace"),
        ({"owner": "mine"}, "grace", "ada"),
    ],
)
def test_person_filters(manager, people, query, expected, hidden):
    response = login(manager).get(person_url("list"), query)
    assert response.status_code == 200
    assert shown(response, person_url("detail", people[expected].pk))
    assert not shown(response, person_url("detail", people[hidden].pk))


def test_people_of_one_organization(manager, people):
    response = login(manager).get(person_url("list"), {"organization": people["acme"].pk})
    page = response.content.decode()
    assert shown(response, person_url("detail", people["ada"].pk))
    assert not shown(response, person_url("detail", people["grace"].pk))
    assert "Acme Corp" in page and "CTO" in page
    # The filter is visible and can be removed.
    assert 'aria-label="Remove this filter"' in page


def test_archived_only_shows_archived(manager, people):
    services.archive(people["acme"], by=manager)
    client = login(manager)
    active = client.get(org_url("list"))
    archived = client.get(org_url("list"), {"archived": "on"})
    assert not shown(active, org_url("detail", people["acme"].pk))
    assert shown(archived, org_url("detail", people["acme"].pk))
    assert not shown(archived, org_url("detail", people["globex"].pk))
    assert "Archived" in archived.content.decode()


def test_htmx_request_gets_only_the_results(manager, people):
    response = login(manager).get(org_url("list"), {"q": "acme"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "<nav" not in body.split("<table")[0]
    assert 'id="list-filters"' not in body  # the form stays in the page, only results are swapped
    assert shown(response, org_url("detail", people["acme"].pk))
    assert not shown(response, org_url("detail", people["globex"].pk))
    assert "HX-Request" in response["Vary"]


def test_htmx_person_list_partial(manager, people):
    response = login(manager).get(person_url("list"), {"q": "hopper"}, headers={"HX-Request": "true"})
    assert "<html" not in response.content.decode()
    assert shown(response, person_url("detail", people["grace"].pk))


def test_history_restore_gets_the_whole_page(manager, people):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = login(manager).get(org_url("list"), {"q": "acme"}, headers=headers)
    assert "<html" in response.content.decode()


def test_plain_get_keeps_the_filters_in_the_form(manager, people):
    page = login(manager).get(org_url("list"), {"q": "acme", "tag": "vip", "archived": "on"}).content.decode()
    assert 'name="q" value="acme"' in page
    assert '<option value="vip" selected>' in page
    assert 'name="archived"' in page and "checked" in page.split('name="archived"')[1].split(">")[0]


def test_bad_filter_values_are_ignored_not_an_error(manager, people):
    response = login(manager).get(org_url("list"), {"ordering": "password", "owner": "x", "page": "-3"})
    assert response.status_code == 200
    assert shown(response, org_url("detail", people["acme"].pk))


def test_first_visit_explains_what_to_do(member):
    page = login(member).get(org_url("list")).content.decode()
    assert "No organizations yet — add the first one" in page
    assert f'href="{org_url("create")}"' in page
    people_page = login(member).get(person_url("list")).content.decode()
    assert "No people yet — add the first one" in people_page


def test_guest_first_visit_has_no_add_button(guest):
    page = login(guest).get(org_url("list")).content.decode()
    assert "No organizations yet" in page
    assert f'href="{org_url("create")}"' not in page


def test_filter_matching_nothing_offers_to_clear(manager, people):
    page = login(manager).get(org_url("list"), {"q": "nothing like this"}).content.decode()
    assert "No organizations match these filters" in page
    assert "No organizations yet" not in page
    assert f'href="{org_url("list")}">Clear filters' in page
    people_page = login(manager).get(person_url("list"), {"q": "zzzz"}).content.decode()
    assert "No people match these filters" in people_page
