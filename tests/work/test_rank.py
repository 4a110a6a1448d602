"""Position keys: always strictly between their neighbours, valid in every collation's order, short
when cards are added at either end, and evenly spread after a rebalance."""

from __future__ import annotations

import itertools
import random

import pytest

from tandem.work import rank


def test_random_inserts_keep_a_strict_order():
    rng = random.Random(11)
    keys: list[str] = []
    for _ in range(5000):
        position = rng.randint(0, len(keys))
        low = keys[position - 1] if position else None
        high = keys[position] if position < len(keys) else None
        key = rank.rank_between(low, high)
        assert rank.is_valid(key)
        assert (low is None or low < key) and (high is None or key < high)
        keys.insert(position, key)
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    assert set("".join(keys)) <= set(rank.ALPHABET)


@pytest.mark.parametrize("direction", ["append", "prepend"])
def test_adding_at_one_end_keeps_keys_short(direction):
    key = None
    for _ in range(10_000):
        key = rank.rank_between(key, None) if direction == "append" else rank.rank_between(None, key)
    assert key is not None and len(key) <= 5


def test_one_gap_grows_slowly_and_then_asks_for_a_rebalance():
    low, high = "i5", "i6"
    for _ in range(100):
        high = rank.rank_between(low, high)
    assert 15 <= len(high) <= 25  # about one character per five inserts
    assert not rank.needs_rebalance(high)
    assert rank.needs_rebalance("i5" + "i" * rank.MAX_LENGTH)


def test_spread_gives_evenly_spaced_keys_with_room():
    for count in (1, 2, 35, 36, 1000, 1_000_000):
        keys = rank.spread(count)
        assert len(keys) == count and len({len(k) for k in keys}) == 1
        assert all(a < b for a, b in itertools.pairwise(keys))
    keys = rank.spread(1000)
    assert all(rank.is_valid(k) for k in keys)
    for low, high in itertools.pairwise(keys):
        assert low < rank.rank_between(low, high) < high
    assert rank.rank_between(None, keys[0]) < keys[0] and rank.rank_between(keys[-1], None) > keys[-1]
    assert rank.spread(0) == []
    assert len(rank.spread(1_000_000)[0]) <= 6


@pytest.mark.parametrize("bad", ["", "I0", "i0!", "i10", "i", "i00", " i1"])
def test_invalid_keys_are_refused(bad):
    assert not rank.is_valid(bad)
    with pytest.raises(rank.RankError):
        rank.rank_between(bad, None)


def test_bounds_in_the_wrong_order_are_refused():
    with pytest.raises(rank.RankError):
        rank.rank_between("i5", "i5")
    with pytest.raises(rank.RankError):
        rank.rank_between("i6", "i5")
