"""Links `blocks` / `relates_to` between any two items, shown on both ends: none to itself, no
duplicates, no cycle of `blocks`."""

from __future__ import annotations

import pytest

from tandem.core.errors import Conflict, InvalidInput
from tandem.work import queries, services
from tandem.work.models import ItemLink


def test_a_link_shows_on_both_ends(member, make_item):
    a, b = make_item("a"), make_item("b")
    services.link_items(a, b, kind="blocks", by=member)
    assert [link.target for link in queries.links_of(a, user=member).blocks] == [b]
    assert [link.source for link in queries.links_of(b, user=member).blocked_by] == [a]
    c = make_item("c")
    services.link_items(c, a, kind="relates_to", by=member)
    assert [other for _link, other in queries.links_of(a, user=member).relates_to] == [c]
    assert [other for _link, other in queries.links_of(c, user=member).relates_to] == [a]


def test_no_link_to_itself(member, make_item):
    a = make_item("a")
    with pytest.raises(InvalidInput):
        services.link_items(a, a, kind="relates_to", by=member)


def test_no_duplicate_links(member, make_item):
    a, b = make_item("a"), make_item("b")
    services.link_items(a, b, kind="blocks", by=member)
    with pytest.raises(Conflict):
        services.link_items(a, b, kind="blocks", by=member)
    services.link_items(a, b, kind="relates_to", by=member)
    with pytest.raises(Conflict):
        services.link_items(b, a, kind="relates_to", by=member)  # the same relation seen from b
    assert ItemLink.objects.count() == 2


def test_two_items_cannot_block_each_other(member, make_item):
    a, b = make_item("a"), make_item("b")
    services.link_items(a, b, kind="blocks", by=member)
    with pytest.raises(Conflict) as refused:
        services.link_items(b, a, kind="blocks", by=member)
    assert f"#{a.pk}" in refused.value.message


def test_a_longer_cycle_is_refused_with_its_chain(member, make_item):
    a, b, c, d = (make_item(t) for t in "abcd")
    services.link_items(a, b, kind="blocks", by=member)
    services.link_items(b, c, kind="blocks", by=member)
    services.link_items(c, d, kind="blocks", by=member)
    with pytest.raises(Conflict) as refused:
        services.link_items(d, a, kind="blocks", by=member)
    assert f"#{a.pk} → #{b.pk} → #{c.pk} → #{d.pk} → #{a.pk}" in refused.value.message
    # not a cycle: a diamond
    services.link_items(a, d, kind="blocks", by=member)
    assert ItemLink.objects.filter(kind="blocks").count() == 4


def test_unknown_kind_is_refused(member, make_item):
    a, b = make_item("a"), make_item("b")
    with pytest.raises(InvalidInput):
        services.link_items(a, b, kind="duplicates", by=member)


def test_unlinking_records_history_on_both_ends(member, make_item):
    from tandem.activity.models import HistoryEntry

    a, b = make_item("a"), make_item("b")
    link = services.link_items(a, b, kind="blocks", by=member)
    services.unlink_items(link, by=member)
    assert not ItemLink.objects.exists()
    verbs = set(HistoryEntry.objects.filter(verb="unlinked").values_list("target_id", "changes__kind"))
    assert verbs == {(a.pk, "blocks"), (b.pk, "blocks_by")}
