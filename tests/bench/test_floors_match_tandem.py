"""Each floor returns the rows Tandem's page or endpoint shows (same records, same order, same
totals), so "Tandem over the floor" compares like with like. Runs on the test database of either
engine, through the raw connection Django holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from bench.floor import Database
from bench.scenarios import activity as activity_floors
from bench.scenarios import agenda as agenda_floors
from bench.scenarios import contacts as floors
from bench.scenarios import sales as sales_floors
from bench.scenarios import work as work_floors
from tandem.accounts.models import User
from tandem.activity.models import HistoryEntry
from tandem.contacts import services
from tandem.contacts.models import Organization, Person
from tandem.contacts.queries import (
    get_organization_for_user,
    get_person_for_user,
    organization_people,
    organizations_for,
    people_for,
)
from tandem.contacts.search import search_terms

SURNAMES = ["Ahmadi", "Müller", "Smith", "García", "Lee", "O'Brien"]


@pytest.fixture
def db_floor(db: None) -> Database:
    connection.ensure_connection()
    return Database("sqlite" if connection.vendor == "sqlite" else "postgres", connection.connection)


@pytest.fixture
def customers(member: User, manager: User) -> tuple[list[Organization], list[Person]]:
    """Six organizations and 33 people with e-mails, phones, tags and memberships; a few people
    archived or merged away, so the floors must leave them out as Tandem does."""
    orgs = [
        services.create_organization(
            by=member,
            data={
                "name": f"Company {i}",
                "website": f"company{i}.example",
                "tags": ["vip"] if i % 2 else [],
                "emails": [{"email": f"info@company{i}.example", "is_primary": True}],
                "phones": [{"number": f"+1 202 555 01{i:02d}"}],
                "addresses": [{"city": "Berlin", "country": "DE"}],
            },
            allow_duplicate=True,
        )
        for i in range(6)
    ]
    people = []
    for i in range(33):
        people.append(
            services.create_person(
                by=member,
                data={
                    "first_name": f"Person{i:02d}",
                    "last_name": SURNAMES[i % len(SURNAMES)],
                    "tags": ["VIP", "newsletter"] if i % 3 == 0 else ["newsletter"] if i % 3 == 1 else [],
                    "emails": [
                        {"email": f"p{i}@company{i % 6}.example", "is_primary": True},
                        {"email": f"p{i}@home.example", "label": "home"},
                    ],
                    "phones": [{"number": f"+1 415 555 {1000 + i}"}],
                    "memberships": [
                        {"organization_id": orgs[i % 6].pk, "job_title": "Buyer", "is_primary": True}
                    ],
                },
                allow_duplicate=True,
            )
        )
    for person in people[:4]:
        services.add_membership(person, orgs[0], by=member, job_title="Advisor")
    services.archive(people[5], by=manager)
    services.merge(people[6], people[7], by=manager)
    for org in orgs[:2]:
        for n in range(3):
            current = Organization.objects.get(pk=org.pk)
            services.update_organization(
                current, by=member, version=current.version, data={"industry": f"Kind {n}"}
            )
    return orgs, people


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


def tags_by_id(rows: list[dict[str, Any]]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for row in rows:
        found.setdefault(row["id"], []).append(row["name"])
    return {pk: sorted(names) for pk, names in found.items()}


def test_people_list_pages(db_floor: Database, customers: Any, member: User, deactivated: User) -> None:
    tandem = people_for(member, ordering="name")
    for page in (1, 2):
        floor = floors.people_list_floor(db_floor, {"page": page})
        expected = list(tandem[(page - 1) * 25 : page * 25])
        assert floor["count"] == tandem.count() > 25  # two pages: archived and merged people left out
        assert ids(floor["items"]) == [p.pk for p in expected]
        by_id = {row["id"]: row for row in floor["items"]}
        for person in expected:
            row = by_id[person.pk]
            emails, memberships = getattr(person, "primary_emails"), getattr(person, "primary_memberships")  # noqa: B009 - set by prefetch
            assert row["email"] == (emails[0].email if emails else None)
            membership = memberships[0] if memberships else None
            assert row["organization_name"] == (membership.organization.name if membership else None)
        assert tags_by_id(floor["tags"]) == {
            p.pk: sorted(t.name for t in p.tags.all()) for p in expected if p.tags.exists()
        }
    assert [u["id"] for u in floor["owner_choices"]] == list(
        User.objects.filter(is_active=True).order_by("full_name", "email").values_list("id", flat=True)
    )


def test_people_with_a_tag_newest_first(db_floor: Database, customers: Any, member: User) -> None:
    floor = floors.people_tag_floor(db_floor, {"tag": "vip"})
    tandem = people_for(member, tag="vip", ordering="-updated")
    assert floor["count"] == tandem.count() > 0
    assert ids(floor["items"]) == [p.pk for p in tandem[:25]]


@pytest.mark.parametrize(
    "text", ["Ahmadi", "müller", "p12@company", "home.example", "4155551012", "person0 smith"]
)
def test_people_search(db_floor: Database, customers: Any, member: User, text: str) -> None:
    floor = floors.people_search_floor(db_floor, {"terms": search_terms(text)})
    tandem = people_for(member, q=text, ordering="name")
    assert floor["count"] == tandem.count()
    assert ids(floor["items"]) == [p.pk for p in tandem[:25]]


def test_organization_page(db_floor: Database, customers: Any, member: User) -> None:
    orgs, _people = customers
    for org in orgs[:2]:
        floor = floors.organization_page_floor(db_floor, {"id": org.pk})
        shown = get_organization_for_user(member, org.pk)
        assert ids(floor["organization"]) == [org.pk]
        assert [r["email"] for r in floor["emails"]] == [e.email for e in shown.emails.all()]
        assert [r["e164"] for r in floor["phones"]] == [p.e164 for p in shown.phones.all()]
        assert [r["city"] for r in floor["addresses"]] == [a.city for a in shown.addresses.all()]
        assert [r["name"] for r in floor["tags"]] == [t.name for t in shown.tags.all()]
        memberships = list(organization_people(shown)[: floors.PEOPLE_ON_ORGANIZATION_PAGE + 1])
        assert ids(floor["people"]) == [m.person_id for m in memberships]
        primary_emails = [list(m.person.emails.all()) for m in memberships]  # prefetched: the primary one
        assert [r["email"] for r in floor["people"]] == [e[0].email if e else None for e in primary_emails]
        history = HistoryEntry.objects.filter(target_type="organization", target_id=org.pk)[:50]
        assert ids(floor["history"]) == [h.pk for h in history]


def test_organization_timeline(db_floor: Database, customers: Any) -> None:
    org = customers[0][0]
    floor = floors.organization_history_floor(db_floor, {"id": org.pk})
    history = HistoryEntry.objects.filter(target_type="organization", target_id=org.pk)
    assert floor["exists"] == org.pk
    assert floor["count"] == history.count() >= 4
    assert ids(floor["items"]) == [h.pk for h in history[:50]]


def test_api_lists(db_floor: Database, customers: Any, member: User) -> None:
    floor = floors.api_people_floor(db_floor, {})
    tandem_people = people_for(member, ordering="name")
    assert floor["count"] == tandem_people.count()
    assert ids(floor["items"]) == [p.pk for p in tandem_people[:50]]

    floor = floors.api_organizations_floor(db_floor, {})
    tandem_orgs = list(organizations_for(member, ordering="name")[:50])
    assert floor["count"] == len(tandem_orgs) == 6
    assert ids(floor["items"]) == [o.pk for o in tandem_orgs]
    assert [r["people_count"] for r in floor["items"]] == [getattr(o, "people_count") for o in tandem_orgs]  # noqa: B009


def test_api_person(db_floor: Database, customers: Any, member: User) -> None:
    person = customers[1][1]  # two memberships (the primary one second by id), two e-mails, tags
    floor = floors.api_person_floor(db_floor, {"id": person.pk})
    shown = get_person_for_user(member, person.pk)
    assert ids(floor["person"]) == [person.pk]
    assert [r["email"] for r in floor["emails"]] == [e.email for e in shown.emails.all()]
    assert [r["e164"] for r in floor["phones"]] == [p.e164 for p in shown.phones.all()]
    assert sorted(r["name"] for r in floor["tags"]) == sorted(t.name for t in shown.tags.all())
    assert [(r["organization_id"], r["job_title"]) for r in floor["memberships"]] == [
        (m.organization_id, m.job_title) for m in shown.memberships.all()
    ]


@pytest.fixture
def feeds_data(member: User, manager: User, customers: Any) -> tuple[User, Organization]:
    """Bob watches, is assigned to and owns records that others (and he) change; Company 0 has
    people and items, more than a page of history in all."""
    from tandem.work import services as work

    orgs, people = customers
    board = work.create_board(by=manager, data={"name": "Support"})
    for n in range(30):
        item = work.create_item(
            by=manager if n % 3 else member,
            board=board,
            data={
                "title": f"Ticket {n}",
                "assignees": [member] if n % 2 else [],
                "organizations": [orgs[0]] if n % 2 == 0 else [],
            },
        )
        work.update_item(item, by=manager, version=None, data={"title": f"Ticket {n}, renamed"})
    for org in (orgs[0], *orgs[2:4]):
        current = Organization.objects.get(pk=org.pk)
        services.update_organization(current, by=manager, version=current.version, data={"industry": "Owned"})
    person = Person.objects.get(pk=people[0].pk)
    services.update_person(person, by=manager, version=person.version, data={"notes": "Called"})
    return member, orgs[0]


def entry_ids(page: Any) -> list[int]:
    return [entry.pk for _day, entries in page.days for entry in entries]


@pytest.mark.parametrize("large_part", [0, 10**9], ids=["walked", "record-by-record"])
def test_home_feed(db_floor: Database, feeds_data: Any, monkeypatch: Any, large_part: int) -> None:
    from tandem.feeds import feeds, queries

    monkeypatch.setattr(queries, "LARGE_PART", large_part)
    monkeypatch.setattr(activity_floors, "LARGE_PART", large_part)
    member, _org = feeds_data
    shown = feeds.home(member)
    for floor in (
        activity_floors.home_feed_floor(db_floor, {"user_id": member.pk}),
        activity_floors.home_feed_api_floor(db_floor, {"user_id": member.pk}),
    ):
        assert ids(floor["items"]) == entry_ids(shown) and len(floor["items"]) == queries.TIMELINE_PAGE
        assert floor["more"] == (shown.more is not None) and all(
            r["actor_id"] != member.pk for r in floor["items"]
        )
    assert floor["items"][0]["actor_name"] == shown.days[0][1][0].actor.full_name


@pytest.mark.parametrize("large_part", [0, 10**9], ids=["walked", "record-by-record"])
def test_customer_timeline(db_floor: Database, feeds_data: Any, monkeypatch: Any, large_part: int) -> None:
    from tandem.feeds import feeds, queries

    monkeypatch.setattr(queries, "LARGE_PART", large_part)
    monkeypatch.setattr(activity_floors, "LARGE_PART", large_part)
    _member, org = feeds_data
    shown = queries.timeline(feeds.customer_scope(org), viewer=None)
    floor = activity_floors.customer_timeline_floor(db_floor, {"id": org.pk})
    assert floor["exists"] == org.pk
    assert ids(floor["items"]) == entry_ids(shown) and len(floor["items"]) == queries.TIMELINE_PAGE
    assert floor["more"] == (shown.more is not None) is True
    assert {r["target_type"] for r in floor["items"]} == {"organization", "person", "item"}


def test_the_timeline_floors_page_and_size_as_tandem() -> None:
    from tandem.feeds import queries

    assert (activity_floors.TIMELINE_PAGE, activity_floors.LARGE_PART, activity_floors.LARGE_PART_ROWS) == (
        queries.TIMELINE_PAGE,
        queries.LARGE_PART,
        queries.LARGE_PART_ROWS,
    )


def test_every_read_scenario_has_a_floor_tested_here() -> None:
    from bench.scenarios import all_scenarios

    tested: set[Callable[..., Any]] = {
        floors.people_list_floor,
        floors.people_tag_floor,
        floors.people_search_floor,
        floors.organization_page_floor,
        floors.organization_history_floor,
        floors.api_people_floor,
        floors.api_organizations_floor,
        floors.api_person_floor,
        activity_floors.home_feed_floor,
        activity_floors.home_feed_api_floor,
        activity_floors.customer_timeline_floor,
        # tests/bench/test_home_floor_matches_tandem.py
        activity_floors.home_page_floor,
        # tests/bench/test_board_floors_match_tandem.py
        work_floors.board_floor,
        work_floors.column_floor,
        work_floors.item_page_floor,
        # tests/bench/test_sales_floors_match_tandem.py
        sales_floors.funnel_floor,
        sales_floors.forecast_floor,
        sales_floors.report_page_floor,
        sales_floors.conversion_floor,
        # tests/bench/test_agenda_floors_match_tandem.py
        agenda_floors.month_floor,
        agenda_floors.freebusy_floor,
        agenda_floors.feed_floor,
        sales_floors.pipeline_board_floor,
    }
    reads = [s for s in all_scenarios().values() if not s.writes]
    assert reads
    assert {s.floor for s in reads} <= tested
