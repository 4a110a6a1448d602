"""Query-count baselines of the board pages: the board page, a column's next page, the list view
and an item's page run as many queries for 3 cards as for 23 (no N+1), and at most a pinned
number: a new query on these pages should be a decision, not an accident."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.work import services
from tandem.work.models import Item
from tests.conftest import login

# board: session, user, board, columns, grouped counts, one card query per column with cards (two
# here), then for all cards at once labels, assignees, links and subtask counts, filter menus
# (users, labels), saved views, the board's mail addresses (in the page's header)
# column: session, user, board, column, cards, labels, assignees, links, subtask counts
MAX_QUERIES = {
    "board": 16,  # +1 the board's mail addresses, in its header; +1 its rituals (the finance run)
    "column": 9,
    "list": 15,  # +1 the mail addresses, +1 the rituals
    "item": 22,  # +1 reads its notifications, +5 its files, its mail, the replies sent and whom to reply to (2)
}


def fill(board, member, manager, count: int, label) -> None:
    for n in range(count):
        item = services.create_item(
            by=member,
            board=board,
            data={"title": f"Card {n}", "labels": [label] if n % 2 else [], "assignees": [member, manager]},
        )
        services.add_comment(item, by=member, body=f"see #{item.pk} @{manager.handle}")
        if n % 4 == 0:
            services.create_item(by=member, board=board, data={"title": f"Sub {n}", "parent": item})


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries.captured_queries)


@pytest.mark.parametrize("page", sorted(MAX_QUERIES))
def test_queries_do_not_grow_with_the_cards(page, board, member, manager, label):
    client = login(member)
    lead = label("sales::lead")
    column = board.columns.get(name="lead")

    def url() -> str:
        first = Item.objects.filter(column=column).order_by("rank").first()
        return {
            "board": f"/boards/{board.pk}/",
            "column": f"/boards/{board.pk}/columns/{column.pk}/?after=",
            "list": f"/boards/{board.pk}/list/",
            "item": f"/items/{first.pk}/" if first else "",
        }[page]

    fill(board, member, manager, 3, lead)
    few = count(client, url())
    fill(board, member, manager, 20, lead)
    many = count(client, url())
    assert few == many, f"{page}: {few} queries for 3 cards, {many} for 23"
    assert many <= MAX_QUERIES[page], f"{page}: {many} queries (pinned at most {MAX_QUERIES[page]})"
