"""Edits name the version they were based on. A stale body version is 409 stale_version, a stale
If-Match is 412; either way nothing changes. The right version answers 200 with version + 1 and the
new ETag. An edit that names no version is 428."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import User
from tandem.contacts import services
from tests.api.conftest import ApiClient, Customers, assert_error, error_fields, record_state, row_counts


@pytest.fixture
def api(api_as: Callable[[User], ApiClient], member: User) -> ApiClient:
    return api_as(member)


@pytest.fixture
def edited_elsewhere(customers: Customers, manager: User) -> Customers:
    """Someone else saved the organization and the person after the client read them (version 2)."""
    services.update_organization(customers.acme, by=manager, version=1, data={"industry": "Anvils"})
    services.update_person(customers.ada, by=manager, version=1, data={"notes": "Prefers e-mail"})
    return customers


@pytest.mark.parametrize("kind", ["organizations", "people"])
def test_get_sends_the_version_as_etag(api: ApiClient, customers: Customers, kind: str) -> None:
    pk = customers.acme.pk if kind == "organizations" else customers.ada.pk
    response = api.get(f"/{kind}/{pk}")
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_stale_body_version_is_409_and_changes_nothing(api: ApiClient, edited_elsewhere: Customers) -> None:
    before_rows, before_records = row_counts(), record_state()
    response = api.patch(f"/organizations/{edited_elsewhere.acme.pk}", {"version": 1, "industry": "Rockets"})
    body = assert_error(response, 409, "stale_version")
    assert body["current_version"] == 2
    assert (row_counts(), record_state()) == (before_rows, before_records)


def test_stale_if_match_is_412_and_changes_nothing(api: ApiClient, edited_elsewhere: Customers) -> None:
    before_rows, before_records = row_counts(), record_state()
    response = api.patch(f"/people/{edited_elsewhere.ada.pk}", {"notes": "Mine"}, headers={"If-Match": '"1"'})
    body = assert_error(response, 412, "precondition_failed")
    assert body["current_version"] == 2
    assert (row_counts(), record_state()) == (before_rows, before_records)


def test_current_body_version_saves_and_bumps_the_version(
    api: ApiClient, edited_elsewhere: Customers
) -> None:
    response = api.patch(f"/organizations/{edited_elsewhere.acme.pk}", {"version": 2, "industry": "Rockets"})
    assert response.status_code == 200
    assert response.json()["version"] == 3
    assert response.json()["industry"] == "Rockets"
    assert response["ETag"] == '"3"'


@pytest.mark.parametrize("if_match", ['"2"', 'W/"2"', "2"])
def test_current_if_match_saves_and_answers_the_new_etag(
    api: ApiClient, edited_elsewhere: Customers, if_match: str
) -> None:
    response = api.patch(
        f"/people/{edited_elsewhere.ada.pk}", {"notes": "Mine"}, headers={"If-Match": if_match}
    )
    assert response.status_code == 200
    assert response.json()["version"] == 3
    assert response["ETag"] == '"3"'
    # The next edit works with the ETag just received.
    again = api.patch(
        f"/people/{edited_elsewhere.ada.pk}", {"notes": "Mine, again"}, headers={"If-Match": '"3"'}
    )
    assert again.status_code == 200
    assert again["ETag"] == '"4"'


def test_edit_without_a_version_is_428(api: ApiClient, customers: Customers) -> None:
    before = record_state()
    response = api.patch(f"/organizations/{customers.acme.pk}", {"industry": "Rockets"})
    body = assert_error(response, 428, "precondition_required")
    assert "If-Match" in body["detail"]
    assert record_state() == before


def test_body_version_and_if_match_that_disagree_are_422(api: ApiClient, customers: Customers) -> None:
    before = record_state()
    response = api.patch(
        f"/organizations/{customers.acme.pk}",
        {"version": 1, "industry": "Rockets"},
        headers={"If-Match": '"7"'},
    )
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"version"}
    assert record_state() == before


@pytest.mark.parametrize("if_match", ['"abc"', '"1", "2"', ""])
def test_if_match_that_is_not_a_version_is_422(api: ApiClient, customers: Customers, if_match: str) -> None:
    before = record_state()
    response = api.patch(
        f"/organizations/{customers.acme.pk}", {"industry": "R"}, headers={"If-Match": if_match}
    )
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"If-Match"}
    assert record_state() == before


def test_an_edit_that_changes_nothing_keeps_the_version(api: ApiClient, customers: Customers) -> None:
    response = api.patch(f"/organizations/{customers.acme.pk}", {"version": 1, "name": "Acme Corp"})
    assert response.status_code == 200
    assert response.json()["version"] == 1


def test_archive_honours_a_stale_if_match(
    api_as: Callable[[User], ApiClient], manager: User, edited_elsewhere: Customers
) -> None:
    response = api_as(manager).post(
        f"/organizations/{edited_elsewhere.acme.pk}/archive", headers={"If-Match": '"1"'}
    )
    assert_error(response, 412, "precondition_failed")
    edited_elsewhere.acme.refresh_from_db()
    assert edited_elsewhere.acme.archived_at is None


def test_if_match_star_edits_whatever_version_is_current(member, make_org, api_token_for):
    from django.test import Client

    from tandem.contacts.models import Organization

    org = make_org("Star Corp")
    headers = {"Authorization": f"Bearer {api_token_for(member)}", "If-Match": "*"}
    for industry in ("Mining", "Farming"):
        response = Client().patch(
            f"/api/v1/organizations/{org.pk}",
            data={"industry": industry},
            content_type="application/json",
            headers=headers,
        )
        assert response.status_code == 200, response.content
    fresh = Organization.objects.get(pk=org.pk)
    assert (fresh.industry, fresh.version) == ("Farming", 3)
    assert response["ETag"] == '"3"'
