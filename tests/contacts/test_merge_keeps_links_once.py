"""Merging two people (or organizations) who are both on the same deal or item: the survivor is
on it once, with its own role, and the merge succeeds — found by fuzzing the API (it was an
IntegrityError on `sales_dealcontact`). Links only the duplicate had move to the survivor, in
every table that points at customers, hidden ones included (items' people, received mail)."""

from __future__ import annotations

import pytest

from tandem.contacts.models import Organization, Person
from tandem.contacts.services import merge
from tandem.core.repoint import references_to, unique_sets
from tandem.sales import services as sales
from tandem.sales.models import DealContact
from tandem.work import services as work


@pytest.fixture
def deal_pipeline(manager):
    return sales.create_pipeline(by=manager, name="Renewals", stages=[{"name": "Due"}])


def test_two_people_on_one_deal_merge_into_one_contact(manager, deal_pipeline, make_person):
    keep, gone = make_person("Ada", "Lovelace"), make_person("Ada", "King")
    only_gone = sales.create_deal(by=manager, pipeline=deal_pipeline, title="Only the duplicate")
    shared = sales.create_deal(by=manager, pipeline=deal_pipeline, title="Both on it")
    sales.add_contact(shared, keep, by=manager, role="champion")
    sales.add_contact(shared, gone, by=manager, role="decision maker")
    sales.add_contact(only_gone, gone, by=manager, role="buyer")

    merge(keep, gone, by=manager)

    assert list(DealContact.objects.filter(deal=shared).values_list("person", "role")) == [
        (keep.pk, "champion")
    ]
    assert list(DealContact.objects.filter(deal=only_gone).values_list("person", "role")) == [
        (keep.pk, "buyer")
    ]
    assert list(shared.item.people.all()) == [keep]
    assert list(only_gone.item.people.all()) == [keep]
    assert not DealContact.objects.filter(person=gone).exists()
    assert not gone.items.exists()


def test_two_organizations_on_one_item_merge_into_one_link(manager, member, make_org):
    board = work.create_board(by=manager, data={"name": "Support"})
    keep, gone = make_org("Acme"), make_org("Acme Inc")
    both = work.create_item(by=member, board=board, data={"title": "Both", "organizations": [keep, gone]})
    one = work.create_item(by=member, board=board, data={"title": "One", "organizations": [gone]})

    merge(keep, gone, by=manager)

    assert list(both.organizations.all()) == [keep]
    assert list(one.organizations.all()) == [keep]
    assert not gone.items.exists()


def test_a_merge_follows_every_table_that_points_at_customers_hidden_ones_too() -> None:
    """Tables without a reverse accessor (received mail) and those behind many-to-many fields
    (items' people) are found; a unique constraint a merge cannot evaluate fails here, not in a
    customer's merge."""
    found = {
        (model.__name__, r.model._meta.label, r.field.name)
        for model in (Person, Organization)
        for r in references_to(model)
    }
    assert {
        ("Person", "work.Item_people", "person"),
        ("Person", "sales.DealContact", "person"),
        ("Person", "mailgate.InboundMessage", "person"),
        ("Organization", "work.Item_organizations", "organization"),
        ("Organization", "sales.Deal", "organization"),
        ("Organization", "mailgate.InboundMessage", "organization"),
    } <= found
    for model in (Person, Organization):
        for reference in references_to(model):
            unique_sets(reference)  # raises UnsupportedUniqueConstraint for an expression
