"""The board page's cards and columns on any board: a card shows no chip of the label its column
stands for (the column's name says it) but its other labels; a dropped card's answer carries the
card as it is now and both columns' headers counted afresh under the board's filters; a board of
tasks keeps its Open column, empty or not, and has no drop zones."""

from __future__ import annotations

import json
import re

from tandem.work import services
from tests.conftest import login


def card(page: str, pk: int) -> str:
    found = re.search(rf'<article[^>]*id="card-{pk}".*?</article>', page, re.S)
    return found.group(0) if found else ""


def test_a_card_shows_no_chip_of_its_own_column(board, member, manager, label, column):
    urgent = services.create_label(by=manager, board=board, data={"name": "urgent"})
    lead = label("sales::lead")
    placed = services.create_item(by=member, board=board, data={"title": "Placed", "labels": [lead, urgent]})
    loose = services.create_item(by=member, board=board, data={"title": "Loose", "labels": [urgent]})
    page = login(member).get(f"/boards/{board.pk}/").content.decode()
    assert placed.column_id == column("lead").pk
    shown = card(page, placed.pk)
    assert "sales::" not in shown and ">urgent<" in shown
    assert ">urgent<" in card(page, loose.pk)
    # the list shows every label: no column names them there
    assert "sales::" in login(member).get(f"/boards/{board.pk}/list/").content.decode()


def test_a_drop_answers_the_card_and_both_headers_counted_under_the_filters(
    board, member, manager, label, column
):
    lead = label("sales::lead")
    mine = services.create_item(
        by=member, board=board, data={"title": "Mine", "labels": [lead], "assignees": [member]}
    )
    services.create_item(
        by=member, board=board, data={"title": "Theirs", "labels": [lead], "assignees": [manager]}
    )
    services.create_item(
        by=member, board=board, data={"title": "Also mine", "labels": [lead], "assignees": [member]}
    )
    response = login(member).post(
        f"/items/{mine.pk}/move/",
        {"column": column("qualified").pk, "filters": "assignee=me"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["column"] == column("qualified").pk and answer["state"] == "open"
    assert f'id="card-{mine.pk}"' in answer["card"] and "sales::" not in answer["card"]
    counts = {
        int(pk): re.search(r'column-count"[^>]*>(\d+)<', html).group(1)
        for pk, html in answer["headers"].items()
    }
    assert counts == {column("lead").pk: "1", column("qualified").pk: "1"}  # mine only: the filter holds


def test_a_board_of_tasks_keeps_its_open_column_and_has_no_drop_zones(board, member, column):
    page = login(member).get(f"/boards/{board.pk}/").content.decode()
    assert f'id="column-{column("Open").pk}"' in page and f'id="column-{column("Closed").pk}"' in page
    assert "board-zones" not in page and "board-zone " not in page
