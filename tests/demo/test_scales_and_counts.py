"""The named scales hold the counts the issue asks for, and a run writes exactly the requested
numbers of organizations, people and history rows, each record shaped as the services shape it."""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Membership, Organization, Person
from tandem.demo.generate import rows
from tandem.demo.generate.scales import SCALES, Sizes
from tandem.work.models import Item
from tests.demo.helpers import SMALL, UNTIL, generated_users, run


def test_named_scales_define_the_issue_counts():
    assert SCALES["S"] == Sizes(organizations=2_000, people=10_000, history=50_000, items=10_000)
    assert SCALES["M"] == Sizes(organizations=20_000, people=100_000, history=500_000, items=100_000)
    assert SCALES["L"] == Sizes(organizations=200_000, people=1_000_000, history=5_000_000, items=1_000_000)
    # Equal proportions are what make a smaller scale the first rows of a larger one.
    assert (
        len({(s.people / s.organizations, s.history / s.people, s.items / s.people) for s in SCALES.values()})
        == 1
    )


@pytest.mark.django_db
def test_counts_match_the_requested_sizes():
    result = run(SMALL)
    users = generated_users()
    assert len(users) == 8
    assert Organization.objects.filter(created_by__in=users).count() == SMALL.organizations
    assert Person.objects.filter(created_by__in=users).count() == SMALL.people
    assert Item.objects.filter(created_by__in=users).count() == SMALL.items
    assert result.inserted["items"] == SMALL.items
    history = HistoryEntry.objects.filter(actor__in=users, target_type__in=["person", "organization"])
    assert history.count() == SMALL.history
    assert history.filter(verb="created").count() == SMALL.organizations + SMALL.people
    assert history.filter(verb="updated").count() == SMALL.history - SMALL.organizations - SMALL.people
    assert result.inserted["people"] == SMALL.people
    assert result.inserted["history entries"] == SMALL.history + SMALL.items  # an item's "created" entry too


@pytest.mark.django_db
def test_every_record_has_its_details_and_one_primary_of_each():
    run(SMALL)
    users = set(generated_users())
    for person in Person.objects.prefetch_related("emails", "phones", "memberships"):
        emails, phones, memberships = (
            list(person.emails.all()),
            list(person.phones.all()),
            list(person.memberships.all()),
        )
        assert 1 <= len(emails) <= 2
        assert len(phones) <= 2
        assert 1 <= len(memberships) <= 2
        assert sum(e.is_primary for e in emails) == 1
        assert sum(m.is_primary for m in memberships) == 1
        assert not phones or sum(p.is_primary for p in phones) == 1
        assert person.version == 1 and person.created_by_id in users and person.owner_id in users
        assert person.created_at == person.updated_at <= UNTIL
    for org in Organization.objects.all():
        assert org.version == 1 and org.created_by_id in users and org.owner_id in users
    created = HistoryEntry.objects.filter(verb="created")
    assert set(created.filter(target_type="person").values_list("target_id", flat=True)) == set(
        Person.objects.values_list("pk", flat=True)
    )
    assert set(created.filter(target_type="organization").values_list("target_id", flat=True)) == set(
        Organization.objects.values_list("pk", flat=True)
    )
    # Updates are about records that exist, and happen after those records were created.
    for entry in HistoryEntry.objects.filter(verb="updated"):
        model = Person if entry.target_type == "person" else Organization
        target = model.objects.get(pk=entry.target_id)
        assert entry.at >= target.created_at
        assert entry.changes and entry.target_label == str(target)
    assert Membership.objects.count() >= SMALL.people


def test_organization_sizes_are_skewed():
    """A few organizations with hundreds or thousands of people, most with a handful (scale S)."""
    blueprint = rows.Blueprint("skew", SCALES["S"], UNTIL)
    sizes = Counter(
        organization
        for number in range(SCALES["S"].people)
        for organization in blueprint.person_core(number).employers
    )
    biggest = sizes.most_common(3)
    assert biggest[0][1] > 300
    assert statistics.median(sizes.values()) <= 6
