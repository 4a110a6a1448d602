from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tandem.accounts.models import User
from tandem.work import services
from tandem.work.models import Board, ColumnKind, Item, Label

STAGES = ("lead", "qualified", "proposal")


@pytest.fixture
def board(manager: User) -> Board:
    """A sales funnel: Open, one column per `sales::` stage, Closed."""
    board = services.create_board(by=manager, data={"name": "Sales funnel"})
    for stage in STAGES:
        label = services.create_label(by=manager, board=board, data={"name": f"sales::{stage}"})
        services.add_column(board, by=manager, spec={"kind": ColumnKind.LABEL, "label": label})
    return board


@pytest.fixture
def column(board: Board) -> Callable[[str], Any]:
    """The board's column by name ("Open", "lead", ..., "Closed")."""

    def get(name: str) -> Any:
        return board.columns.get(name=name)

    return get


@pytest.fixture
def label(board: Board) -> Callable[[str], Label]:
    def get(name: str) -> Label:
        return Label.objects.get(name=name)

    return get


@pytest.fixture
def make_item(member: User, board: Board) -> Callable[..., Item]:
    def make(title: str = "Item", **data: Any) -> Item:
        on = data.pop("board", board)
        by = data.pop("by", member)
        return services.create_item(by=by, board=on, data={"title": title, **data})

    return make


def fresh(item: Item) -> Item:
    return Item.objects.get(pk=item.pk)


def titles(column: Any) -> list[str]:
    return list(column.items.order_by("rank").values_list("title", flat=True))
