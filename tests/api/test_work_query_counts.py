"""Query-count baselines of the items API: the list, one item and a column page run as many queries
for 3 items as for 23, and at most a pinned number."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.work import services
from tandem.work.models import Item

# list: token, count, page, then for the page's items labels, assignees, links, subtask counts
# item: token, item (+ board, column, parent, creator, closer), labels, assignees, watchers,
#       organizations, people, subtask progress (the token query is cached by then: 8)
# column page: token, board, column, page, labels, assignees, links, subtask counts
MAX_QUERIES = {"/items": 7, "/items/{item}": 8, "/boards/{board}/columns/{column}/items": 8}


def add(board, by, count: int) -> None:
    label = board.labels.get(name="sales::lead")
    for n in range(count):
        item = services.create_item(
            by=by, board=board, data={"title": f"Deal {n}", "labels": [label], "assignees": [by]}
        )
        services.create_item(by=by, board=board, data={"title": f"Step {n}", "parent": item})


@pytest.mark.parametrize("path", sorted(MAX_QUERIES))
def test_queries_do_not_grow(api_as, member, manager, path):
    board = services.create_board_with_stages(
        by=manager, data={"name": "Sales"}, stages=["lead"], scope="sales"
    )
    column = board.columns.get(name="lead")
    api = api_as(member)

    def count() -> int:
        item = Item.objects.filter(column=column).order_by("rank").first()
        url = path.format(item=item.pk if item else 0, board=board.pk, column=column.pk)
        api.get("/me")  # the token's "last used" is written once a minute; not part of the count
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url, {"limit": 200} if "{item}" not in path else None)
        assert response.status_code == 200, response.content
        return len(queries.captured_queries)

    add(board, member, 3)
    few = count()
    add(board, member, 20)
    many = count()
    assert few == many, f"{path}: {few} queries for 3 items, {many} for 23"
    assert many <= MAX_QUERIES[path], f"{path}: {many} queries (pinned at most {MAX_QUERIES[path]})"
