"""Query-count baselines: the lists and record pages make the same number of queries with a few
records as with many, so an N+1 (a query per row) fails the build."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.contacts import services
from tandem.contacts.models import Organization, Person
from tests.conftest import login, make_user
from tests.contacts.pages import org_url, person_url

# Ceilings for the pages as they are today; raise one only with a reason.
# The customer pages: +4 for the customer's deals and work items (open counts, deals, other items,
# the boards a new item can go on).
MAX_QUERIES = {
    "organization-list": 7,
    "person-list": 9,
    "organization-detail": 20,  # +1: opening the page reads its notifications, +1 its e-mails, +1 its events
    "person-detail": 18,  # +1 its e-mails, +1 its events
}  # the timeline: one query sizing the parts of its scope (tandem.activity.queries), one per part


def seed(by: User, org: Organization, person: Person, n: int) -> None:
    """n more organizations and people, each with e-mails, phones, tags, an owner and memberships,
    several of them on `org` and `person`."""
    owners = [make_user(f"owner{i}-{org.pk}-{n}@tandem.test", "member") for i in range(3)]
    for i in range(n):
        other = services.create_organization(
            by=by,
            data={
                "name": f"Company {i}",
                "owner": owners[i % 3],
                "tags": [f"tag{i}", "shared"],
                "emails": [{"email": f"info{i}@company.example"}],
                "phones": [{"number": f"+1 415 555 {1000 + i}"}],
            },
            allow_duplicate=True,
        )
        services.create_person(
            by=by,
            data={
                "first_name": f"Someone{i}",
                "last_name": "Else",
                "owner": owners[i % 3],
                "tags": [f"tag{i}"],
                "emails": [
                    {"email": f"p{i}@company.example"},
                    {"email": f"p{i}@home.example", "label": "home"},
                ],
                "phones": [{"number": f"+1 212 555 {1000 + i}"}],
                "addresses": [{"city": f"City {i}", "country": "US"}],
                "memberships": [
                    {"organization_id": other.pk, "job_title": "Buyer", "is_primary": True},
                    {"organization_id": org.pk, "job_title": f"Role {i}"},
                ],
            },
            allow_duplicate=True,
        )
        if i < 5:
            services.add_membership(person, other, by=by, job_title=f"Advisor {i}")
    services.update_person(
        person,
        by=by,
        version=Person.objects.get(pk=person.pk).version,
        data={
            "emails": [{"email": f"x{k}@ada.example"} for k in range(5)],
            "phones": [{"number": f"+1 646 555 {2000 + k}"} for k in range(3)],
            "addresses": [{"city": "London", "country": "GB"}, {"city": "Paris", "country": "FR"}],
            "tags": ["a", "b", "c"],
        },
    )
    services.update_organization(
        org,
        by=by,
        version=Organization.objects.get(pk=org.pk).version,
        data={"emails": [{"email": f"o{k}@acme.example"} for k in range(4)], "tags": ["x", "y", "z"]},
    )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def start(member, make_org, make_person):
    org = make_org("Acme Corp", tags=["vip"], emails=[{"email": "info@acme.example"}])
    person = make_person(
        "Ada",
        "Lovelace",
        tags=["vip"],
        emails=[{"email": "ada@acme.example"}],
        memberships=[{"organization_id": org.pk, "job_title": "CTO"}],
    )
    return org, person


PAGES: dict[str, Callable[[Organization, Person], str]] = {
    "organization-list": lambda org, person: org_url("list"),
    "person-list": lambda org, person: person_url("list"),
    "organization-detail": lambda org, person: org_url("detail", org.pk),
    "person-detail": lambda org, person: person_url("detail", person.pk),
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_records(page, member, start, django_assert_max_num_queries):
    org, person = start
    client = login(member)
    url = PAGES[page](org, person)
    client.get(url)  # warm up the session and any per-process caches
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        baseline = count(client, url)

    seed(member, org, person, 24)

    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    html = response.content.decode()
    # The page really shows the new records (the test would prove nothing otherwise).
    if page == "organization-list":
        assert "Company 23" in html and "shared" in html
    elif page == "person-list":
        assert "Someone23 Else" in html and "p23@company.example" in html and "Company 23" in html
    elif page == "organization-detail":
        assert "Someone23 Else" in html and "Role 23" in html and "p23@company.example" in html
    else:
        assert "Advisor 4" in html and "x4@ada.example" in html
