"""A plain item's page header stays what it was — reference, title, state and the item's actions,
none of a deal's — its side list shows every field, and editing the item says it was saved."""

from __future__ import annotations

from tests.conftest import login


def test_a_plain_items_header_and_side_list(member, make_item):
    item = make_item("Write docs", estimate="3")
    page = login(member).get(f"/items/{item.pk}/").content.decode()
    header = page.split('<header class="mb-3" id="item-header">', 1)[1].split("</header>", 1)[0]
    assert f"{item.reference}</span> <bdi>Write docs</bdi></h1>" in header and 'id="item-state"' in header
    assert 'id="item-actions"' in header and f'href="/items/{item.pk}/edit/"' in header
    assert "deal-header" not in page and 'data-bs-toggle="modal"' not in header
    side = page.split('id="item-side"', 1)[1].split("</aside>", 1)[0]
    for field in ("Type", "Start", "Due", "Estimate", "Assignees"):
        assert f">{field}</dt>" in side, field
    assert "3 h" in side


def test_editing_an_item_says_it_was_saved(member, make_item):
    item = make_item("Write docs")
    client = login(member)
    response = client.post(
        f"/items/{item.pk}/edit/",
        {"title": "Write the docs", "type": "task", "priority": "0", "version": item.version},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [f"{item.reference} saved."]
    assert "Write the docs" in response.content.decode()
    stale = client.post(
        f"/items/{item.pk}/edit/",
        {"title": "Again", "type": "task", "priority": "0", "version": item.version},
        follow=True,
    )
    assert not [str(m) for m in stale.context["messages"]]
