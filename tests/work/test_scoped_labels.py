"""A scoped label `scope::value`: an item carries at most one label per scope; adding a second
replaces the first. Plain labels stack."""

from __future__ import annotations

import pytest

from tandem.core.errors import InvalidInput
from tandem.work import services
from tandem.work.models import Label, label_scope
from tests.work.conftest import fresh


def names(item) -> list[str]:
    return sorted(fresh(item).labels.values_list("name", flat=True))


def test_scope_of_a_name():
    assert label_scope("sales::qualified") == "sales"
    assert label_scope("a::b::c") == "a::b"
    assert label_scope("urgent") == ""


def test_adding_a_second_label_of_a_scope_replaces_the_first(member, make_item, label):
    item = make_item("Deal", labels=[label("sales::lead")])
    services.add_label(item, label("sales::qualified"), by=member)
    assert names(item) == ["sales::qualified"]


def test_plain_labels_stack_beside_a_scoped_one(manager, member, make_item, label):
    urgent = services.create_label(by=manager, data={"name": "urgent"})
    vip = services.create_label(by=manager, data={"name": "vip"})
    item = make_item("Deal", labels=[urgent, label("sales::lead")])
    services.add_label(item, vip, by=member)
    services.add_label(item, label("sales::proposal"), by=member)
    assert names(item) == ["sales::proposal", "urgent", "vip"]


def test_a_list_with_two_labels_of_one_scope_keeps_the_later(member, make_item, label):
    item = make_item("Deal", labels=[label("sales::lead"), label("sales::proposal")])
    assert names(item) == ["sales::proposal"]
    services.update_item(
        item, by=member, version=None, data={"labels": [label("sales::qualified"), label("sales::lead")]}
    )
    assert names(item) == ["sales::lead"]


def test_different_scopes_coexist(manager, make_item, label):
    priority = services.create_label(by=manager, data={"name": "priority::high"})
    item = make_item("Deal", labels=[label("sales::lead"), priority])
    assert names(item) == ["priority::high", "sales::lead"]


def test_label_of_another_board_is_refused(manager, member, make_item):
    other = services.create_board(by=manager, data={"name": "Finance"})
    theirs = services.create_label(by=manager, board=other, data={"name": "finance::due"})
    item = make_item("Deal")
    with pytest.raises(InvalidInput):
        services.add_label(item, theirs, by=member)
    assert names(item) == []


@pytest.mark.parametrize("bad", ["", "  ", "sales::", "::won", "a" * 101])
def test_bad_label_names_are_refused(manager, bad):
    with pytest.raises(InvalidInput):
        services.create_label(by=manager, data={"name": bad})
    assert not Label.objects.filter(name=bad).exists()


def test_duplicate_names_are_refused_whatever_the_case(manager, board):
    with pytest.raises(InvalidInput):
        services.create_label(by=manager, board=board, data={"name": "SALES::Lead"})


def test_renaming_into_a_scope_an_item_already_uses_is_refused(manager, make_item, label):
    loose = services.create_label(by=manager, data={"name": "qualified-ish"})
    item = make_item("Deal", labels=[label("sales::lead"), loose])
    with pytest.raises(InvalidInput):
        services.update_label(loose, by=manager, data={"name": "sales::maybe"})
    assert Label.objects.get(pk=loose.pk).name == "qualified-ish"
    assert names(item) == ["qualified-ish", "sales::lead"]
