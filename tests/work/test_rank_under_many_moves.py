"""Positions stay a strict order under many random moves: no two cards of a board share a rank,
and every move puts the card exactly where it was dropped."""

from __future__ import annotations

import random

from tandem.work import rank, services
from tandem.work.models import Item


def order(board) -> list[int]:
    return list(Item.objects.filter(board=board).order_by("rank").values_list("pk", flat=True))


def test_random_moves_keep_a_strict_order(member, board, make_item, column):
    items = [make_item(f"card {n}") for n in range(12)]
    expected = order(board)
    rng = random.Random(7)
    columns = [column("Open"), column("lead"), column("qualified")]
    for _ in range(150):
        moving = rng.choice(items)
        others = [pk for pk in expected if pk != moving.pk]
        anchor_pk = rng.choice(others)
        anchor = Item.objects.get(pk=anchor_pk)
        if rng.random() < 0.5:
            services.move_item(moving, by=member, column=rng.choice(columns), after=anchor)
            others.insert(others.index(anchor_pk) + 1, moving.pk)
        else:
            services.move_item(moving, by=member, column=rng.choice(columns), before=anchor)
            others.insert(others.index(anchor_pk), moving.pk)
        expected = others
        assert order(board) == expected
    ranks = list(Item.objects.filter(board=board).values_list("rank", flat=True))
    assert len(set(ranks)) == len(ranks)
    assert all(rank.is_valid(r) for r in ranks)


def test_repeated_drops_into_one_gap_rebalance_the_board(member, board, make_item, column):
    low, high = make_item("low"), make_item("high")  # high is on top
    services.move_item(low, by=member, column=column("Open"), before=high)
    moving = [make_item(f"m{n}") for n in range(3)]
    for n in range(rank.MAX_LENGTH * 6):
        services.move_item(moving[n % 3], by=member, column=column("Open"), after=low)
    ranks = list(Item.objects.filter(board=board).values_list("rank", flat=True))
    assert max(len(r) for r in ranks) <= rank.MAX_LENGTH
    assert len(set(ranks)) == len(ranks)
    assert order(board)[0] == low.pk
