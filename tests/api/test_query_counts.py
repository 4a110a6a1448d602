"""Query-count baselines: list and detail endpoints run the same number of queries for 3 records as
for 23, so an N+1 fails the build. The absolute numbers are pinned too (as a maximum): a new query
on a hot endpoint should be a decision, not an accident."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.accounts import services as account_services
from tandem.accounts.models import User
from tandem.contacts import services
from tandem.contacts.models import Organization, Person
from tests.api.conftest import ApiClient

# Each includes the one query that finds the token's user.
MAX_QUERIES = {
    "/organizations": 4,  # token, count, page, tags
    "/organizations/{org}": 6,  # token, organization + owner, tags, emails, phones, addresses
    "/organizations/{org}/people": 9,  # token, organization (5), count, page, primary e-mails
    "/organizations/{org}/history": 8,  # token, organization (5), count, page with actors
    "/people": 6,  # token, count, page, primary e-mails, primary memberships, tags
    "/people/{person}": 7,  # token, person + owner, tags, emails, phones, addresses, memberships
    "/people/{person}/history": 9,
}
MAX_USER_LIST_QUERIES = 4  # token, count, page, teams


def queries_for(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path, {"limit": 200})
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def add_customers(count: int, *, by: User, start: int) -> tuple[Organization, Person]:
    """Organizations and people with everything a list or detail shows: owner, tags, details,
    memberships, history. The first of each also gets one more of every detail per call."""
    hub = Organization.objects.order_by("pk").first()
    hub_person = Person.objects.order_by("pk").first()
    for i in range(start, start + count):
        org = services.create_organization(
            by=by,
            data={
                "name": f"Company {i}",
                "tags": [f"tag{i}", "all"],
                "emails": [{"email": f"info{i}@c.test"}],
            },
            allow_duplicate=True,
        )
        hub = hub or org
        person = services.create_person(
            by=by,
            data={
                "first_name": "Person",
                "last_name": f"Number {i}",
                "tags": [f"tag{i}"],
                "emails": [{"email": f"p{i}@c.test"}],
                "phones": [{"number": f"+1 212 555 {1000 + i:04d}"}],
                "memberships": [
                    {"organization_id": org.pk, "job_title": "Buyer"},
                    {"organization_id": hub.pk},
                ],
            },
            allow_duplicate=True,
        )
        hub_person = hub_person or person
        services.update_organization(hub, by=by, version=None, data={"notes": f"call {i}"})
        services.update_person(hub_person, by=by, version=None, data={"notes": f"met {i}"})
    assert hub is not None and hub_person is not None
    services.update_organization(
        hub,
        by=by,
        version=None,
        data={
            "tags": [f"hub{i}" for i in range(start + count)],
            "emails": [{"email": f"hub{i}@c.test"} for i in range(start + count)],
            "phones": [{"number": f"+1 212 555 {2000 + i:04d}"} for i in range(start + count)],
            "addresses": [{"city": f"City {i}"} for i in range(start + count)],
        },
    )
    services.update_person(
        hub_person,
        by=by,
        version=None,
        data={
            "tags": [f"hub{i}" for i in range(start + count)],
            "emails": [{"email": f"hubp{i}@c.test"} for i in range(start + count)],
            "addresses": [{"city": f"City {i}"} for i in range(start + count)],
        },
    )
    return hub, hub_person


@pytest.mark.parametrize("path", list(MAX_QUERIES))
def test_query_count_does_not_grow_with_records(
    api_as: Callable[[User], ApiClient], member: User, path: str
) -> None:
    api = api_as(member)
    org, person = add_customers(3, by=member, start=0)
    url = path.format(org=org.pk, person=person.pk)
    api.get("/me")  # the first request of a minute records the token's use; measure the steady state

    few = queries_for(api, url)
    add_customers(20, by=member, start=3)
    many = queries_for(api, url)

    assert many == few, f"{path}: {few} queries for 3 records, {many} for 23 (an N+1?)"
    assert many <= MAX_QUERIES[path], f"{path}: {many} queries, the baseline is {MAX_QUERIES[path]}"


def test_user_list_query_count_does_not_grow(api_as: Callable[[User], ApiClient], admin_user: User) -> None:
    api = api_as(admin_user)
    teams = [
        account_services.create_team(name=f"Team {i}", slug=f"team-{i}", by=admin_user) for i in range(3)
    ]

    def invite(start: int, count: int) -> None:
        for i in range(start, start + count):
            account_services.invite_user(
                email=f"user{i}@tandem.test", teams=teams[: i % 3 + 1], by=admin_user
            )

    invite(0, 3)
    api.get("/me")
    few = queries_for(api, "/users")
    invite(3, 20)
    many = queries_for(api, "/users")

    assert many == few, f"/users: {few} queries for 4 users, {many} for 24 (an N+1?)"
    assert many <= MAX_USER_LIST_QUERIES
