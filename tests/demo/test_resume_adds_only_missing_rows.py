"""Idempotent and resumable: a second run adds nothing, a larger run adds only the missing rows and
leaves the first ones as they were, an interrupted run carries on, and a smaller scale is exactly the
first rows of a larger one."""

from __future__ import annotations

import pytest

from tandem.activity.models import HistoryEntry
from tandem.contacts.models import EmailAddress, Membership, Organization, Person
from tandem.demo.generate import rows, work
from tandem.demo.generate.runner import GenerationError
from tandem.demo.generate.scales import SCALES
from tandem.work.models import Item
from tests.demo.helpers import BIGGER, SMALL, UNTIL, as_multisets, delete_generated, run, snapshot

pytestmark = pytest.mark.django_db


def test_running_the_same_size_again_adds_nothing():
    run(SMALL)
    before = snapshot()
    result = run(SMALL)
    assert result.rows == 0 and result.inserted == {}
    assert snapshot() == before


def test_a_bigger_run_adds_only_the_missing_rows():
    run(SMALL)
    first_people = list(Person.objects.order_by("pk").values())
    first_orgs = list(Organization.objects.order_by("pk").values())
    customer_history = HistoryEntry.objects.filter(target_type__in=["person", "organization"])
    first_history = list(customer_history.order_by("pk").values())
    first_items = list(Item.objects.order_by("pk").values())
    first_emails = list(EmailAddress.objects.order_by("pk").values())

    result = run(BIGGER)
    assert result.inserted["people"] == BIGGER.people - SMALL.people
    assert result.inserted["organizations"] == BIGGER.organizations - SMALL.organizations
    assert result.inserted["items"] == BIGGER.items - SMALL.items
    # customers' history, and one "created" entry per new item
    assert result.inserted["history entries"] == BIGGER.history - SMALL.history + BIGGER.items - SMALL.items
    assert Person.objects.count() == BIGGER.people
    assert customer_history.count() == BIGGER.history
    # the first rows are untouched
    assert list(Person.objects.order_by("pk").values())[: SMALL.people] == first_people
    assert list(Organization.objects.order_by("pk").values())[: SMALL.organizations] == first_orgs
    assert list(customer_history.order_by("pk").values())[: SMALL.history] == first_history
    assert list(Item.objects.order_by("pk").values())[: SMALL.items] == first_items
    assert list(EmailAddress.objects.order_by("pk").values())[: len(first_emails)] == first_emails

    # and the result is the data set a single bigger run writes
    resumed = as_multisets(snapshot())
    delete_generated()
    run(BIGGER)
    assert as_multisets(snapshot()) == resumed


def test_an_interrupted_run_carries_on_where_it_stopped(monkeypatch):
    real_person = rows.person

    def fail_at_37(blueprint: rows.Blueprint, number: int) -> rows.PersonDraft:
        if number == 37:
            raise RuntimeError("power cut")
        return real_person(blueprint, number)

    monkeypatch.setattr(rows, "person", fail_at_37)
    with pytest.raises(RuntimeError):
        run(SMALL, batch_size=10)
    # whole batches only: every person that is there has its details, membership and history
    assert Person.objects.count() == 30
    assert Membership.objects.values("person").distinct().count() == 30
    assert HistoryEntry.objects.filter(target_type="person").count() == 30

    monkeypatch.setattr(rows, "person", real_person)
    run(SMALL, batch_size=10)
    finished = snapshot()
    delete_generated()
    run(SMALL)
    assert snapshot() == finished


def test_smaller_scales_are_the_first_rows_of_larger_ones():
    small, medium, large = (rows.Blueprint("prefix", SCALES[name], UNTIL) for name in ("S", "M", "L"))
    for number in [*range(0, 400, 7), 1_999, 9_999]:
        assert rows.person(small, number) == rows.person(medium, number) == rows.person(large, number)
        assert work.item(small, number) == work.item(medium, number) == work.item(large, number)
    for number in [*range(0, 2_000, 37), 1_999]:
        assert rows.organization(small, number) == rows.organization(large, number)
    for number in [*range(0, 38_000, 611), 37_999]:
        assert rows.update(small, number) == rows.update(medium, number) == rows.update(large, number)


def test_data_from_another_seed_is_not_mixed_in():
    run(SMALL, seed="one")
    with pytest.raises(GenerationError, match="another seed"):
        run(BIGGER, seed="two")
    assert Person.objects.count() == SMALL.people
