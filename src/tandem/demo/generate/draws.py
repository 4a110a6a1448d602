"""Random values for one generated row, derived only from (seed, kind, row number).

Each row hashes its own key ("20261124:person:4711") and draws from the digest, so any row can be
rebuilt alone: generation resumes from the rows already present, a smaller scale is a prefix of a
larger one, and a history entry can recompute the name of the person it is about. BLAKE2 is used
instead of `random.Random(key)` because seeding a Mersenne Twister costs ten times as much, and its
helper methods (`choice`, `randrange`) are not promised to stay the same across Python versions;
a hash digest is."""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

_REFILL_BELOW = 1 << 64


class Draws:
    __slots__ = ("_key", "_pool", "_refills")

    def __init__(self, seed: str, kind: str, number: int) -> None:
        self._key = f"{seed}:{kind}:{number}".encode()
        self._refills = 0
        self._pool = int.from_bytes(hashlib.blake2b(self._key, digest_size=64).digest())

    def below(self, n: int) -> int:
        """A whole number in [0, n), n <= 2**32."""
        if self._pool < _REFILL_BELOW:
            self._refills += 1
            key = self._key + b"#" + str(self._refills).encode()
            self._pool = int.from_bytes(hashlib.blake2b(key, digest_size=64).digest())
        self._pool, value = divmod(self._pool, n)
        return value

    def fraction(self) -> float:
        """A number in [0, 1) with 32 bits of resolution."""
        return self.below(1 << 32) / (1 << 32)

    def chance(self, probability: float) -> bool:
        return self.below(1_000_000) < probability * 1_000_000

    def pick[T](self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]


class Weighted[T]:
    """Pick from `items` in proportion to whole-number weights."""

    def __init__(self, items: Sequence[T], weights: Sequence[int]) -> None:
        self.items = tuple(items)
        self.bounds = tuple(accumulate(weights))

    def pick(self, draws: Draws) -> T:
        return self.items[bisect_right(self.bounds, draws.below(self.bounds[-1]))]
