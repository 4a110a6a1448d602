"""Generated boards and items are what the work services would have made: each item sits in the
column column_for gives it, keys are unique and in number order per board, finance tickets block
deals, deals are 30 % of the items, and a generated board opens."""

from __future__ import annotations

from collections import Counter

import pytest

from tandem.demo.generate import work
from tandem.demo.generate.rows import Blueprint
from tandem.demo.generate.scales import SCALES
from tandem.work import rank
from tandem.work.models import Board, Column, Item, ItemLink, ItemType
from tandem.work.services import column_for
from tests.conftest import login
from tests.demo.helpers import SMALL, UNTIL, run

pytestmark = pytest.mark.django_db


def test_items_sit_where_the_services_would_put_them():
    run(SMALL)
    columns = {board: list(Column.objects.filter(board=board)) for board in Board.objects.all()}
    for item in Item.objects.prefetch_related("labels"):
        label_ids = {label.pk for label in item.labels.all()}
        assert item.column == column_for(item, label_ids, columns[item.board]), item.title
        assert (
            item.search_text == work.search_text(work.item(Blueprint("tests", SMALL, UNTIL), 0))
            or item.search_text
        )


def test_keys_are_valid_unique_and_in_number_order():
    run(SMALL)
    for board in Board.objects.all():
        keys = list(Item.objects.filter(board=board).order_by("pk").values_list("rank", flat=True))
        assert all(rank.is_valid(key) for key in keys)
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert [work.rank_key(n) for n in (0, 1, 35, 36)] == sorted(work.rank_key(n) for n in (0, 1, 35, 36))


def test_board_mix_and_blocking_links():
    blueprint = Blueprint("tests", SCALES["L"], UNTIL)
    drafts = [work.item(blueprint, n) for n in range(4000)]
    share = Counter(d.board for d in drafts)
    assert 0.26 < share[work.SALES] / len(drafts) < 0.34  # ~300k deals in 1M items
    blocking = [d for d in drafts if d.blocks is not None]
    assert blocking and all(d.board == work.FINANCE for d in blocking)
    assert all(drafts[d.blocks].board == work.SALES and d.blocks < d.number for d in blocking)


def test_links_and_boards_in_the_database(client):
    run(SMALL)
    assert set(Board.objects.values_list("name", flat=True)) == {spec.name for spec in work.BOARDS}
    assert Item.objects.filter(type=ItemType.DEAL).exists()
    for link in ItemLink.objects.select_related("source__board", "target__board"):
        assert (link.source.board.name, link.target.board.name, link.kind) == (
            "Finance",
            "Sales funnel",
            "blocks",
        )
    actions = Item.objects.filter(board__name="Board actions")
    assert all(
        title.startswith("Generated Co Board Meeting action: ")
        for title in actions.values_list("title", flat=True)
    )


def test_a_generated_board_opens(member):
    run(SMALL)
    board = Board.objects.get(name="Support")
    response = login(member).get(f"/boards/{board.pk}/")
    assert response.status_code == 200
    shown = response.content.decode().count('class="card board-card')
    assert 0 < shown <= 4 * 50


def test_the_sales_board_is_a_pipeline_and_every_deal_has_its_record():
    from tandem.sales.models import Deal, Pipeline, StageKind

    run(SMALL)
    pipeline = Pipeline.objects.get(name="Sales funnel")
    deals = Item.objects.filter(board=pipeline.board)
    assert deals.exists() and Deal.objects.count() == deals.count()
    for deal in Deal.objects.select_related("item", "stage"):
        assert deal.value is not None and deal.currency in {"EUR", "USD"} and deal.expected_close is not None
        assert deal.item.labels.filter(pk=deal.stage.label_id).exists()
        if deal.item.state == "closed":
            assert deal.stage.kind in {StageKind.WON, StageKind.LOST}
    assert pipeline.finance_board is not None and pipeline.finance_board.name == "Finance"
