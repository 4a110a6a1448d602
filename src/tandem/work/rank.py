"""Position keys for cards on a board: moving a card writes one key, strictly between the keys of
its new neighbours, and no other row changes.

The keys are compared by the database as plain strings, on SQLite (BINARY) and on PostgreSQL
under any collation. So they use only the 36 characters `0-9a-z`: digits before letters, one case,
no punctuation — an order every collation and Python agree on.

The scheme is fractional indexing (as in David Greenspan's `fractional-indexing`): a key is an
integer part, whose first character (the "head") says how many digits follow, and an optional
fraction. Adding at either end steps the integer (so a column appended to 10,000 times keeps keys
of four characters); inserting between two neighbours appends fraction digits (about one more
character every five inserts into the very same gap). A fraction never ends in "0": otherwise no
key would fit between "x" and "x0"."""

from __future__ import annotations

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
BASE = len(ALPHABET)
MAX_LENGTH = 48
_ZERO_HEAD = ALPHABET.index("i")  # heads from "i" up: integers >= 0; below "i": negative integers
INTEGER_ZERO = "i0"
SMALLEST_INTEGER = "0" * (_ZERO_HEAD + 1)
_INDEX = {char: number for number, char in enumerate(ALPHABET)}


class RankError(ValueError):
    pass


def _integer_length(head: str) -> int:
    """Characters of the integer part (head included) that starts with `head`."""
    index = _INDEX.get(head)
    if index is None:
        raise RankError(f"invalid rank head {head!r}")
    return index - _ZERO_HEAD + 2 if index >= _ZERO_HEAD else _ZERO_HEAD - index + 1


def _integer_part(key: str) -> str:
    length = _integer_length(key[0])
    if length > len(key):
        raise RankError(f"invalid rank {key!r}")
    return key[:length]


def is_valid(key: str) -> bool:
    if not isinstance(key, str) or not key or any(char not in _INDEX for char in key):
        return False
    try:
        integer = _integer_part(key)
    except RankError:
        return False
    fraction = key[len(integer) :]
    return key != SMALLEST_INTEGER and not fraction.endswith("0")


def _check(key: str) -> None:
    if not is_valid(key):
        raise RankError(f"invalid rank {key!r}")


def _midpoint(low: str, high: str | None) -> str:
    """A fraction strictly between the fractions `low` and `high` (None: no upper bound)."""
    if high is not None:
        # Skip the digits both share (a missing digit of `low` counts as "0").
        shared = 0
        while (low[shared] if shared < len(low) else "0") == high[shared]:
            shared += 1
        if shared:
            return high[:shared] + _midpoint(low[shared:], high[shared:])
    digit_low = _INDEX[low[0]] if low else 0
    digit_high = _INDEX[high[0]] if high else BASE
    if digit_high - digit_low > 1:
        return ALPHABET[(digit_low + digit_high + 1) // 2]
    # Adjacent digits: take the lower one and find room in the next place.
    if high is not None and len(high) > 1:
        return high[:1]
    return ALPHABET[digit_low] + _midpoint(low[1:], None)


def _increment(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for place in reversed(range(len(digits))):
        value = _INDEX[digits[place]] + 1
        if value < BASE:
            digits[place] = ALPHABET[value]
            return head + "".join(digits)
        digits[place] = "0"
    # Every digit carried: the integer gets one digit longer (or one shorter, for negatives).
    if _INDEX[head] == _ZERO_HEAD - 1:
        return INTEGER_ZERO
    if head == ALPHABET[-1]:
        return None
    new_head = ALPHABET[_INDEX[head] + 1]
    if _INDEX[new_head] > _ZERO_HEAD:
        digits.append("0")
    else:
        digits.pop()
    return new_head + "".join(digits)


def _decrement(integer: str) -> str | None:
    head, digits = integer[0], list(integer[1:])
    for place in reversed(range(len(digits))):
        value = _INDEX[digits[place]] - 1
        if value >= 0:
            digits[place] = ALPHABET[value]
            return head + "".join(digits)
        digits[place] = ALPHABET[-1]
    if _INDEX[head] == _ZERO_HEAD:
        return ALPHABET[_ZERO_HEAD - 1] + ALPHABET[-1]
    if head == ALPHABET[0]:
        return None
    new_head = ALPHABET[_INDEX[head] - 1]
    if _INDEX[new_head] < _ZERO_HEAD - 1:
        digits.append(ALPHABET[-1])
    else:
        digits.pop()
    return new_head + "".join(digits)


def rank_between(before: str | None, after: str | None) -> str:
    """A key greater than `before` and smaller than `after` (None: no bound on that side)."""
    if before is not None:
        _check(before)
    if after is not None:
        _check(after)
    if before is not None and after is not None and before >= after:
        raise RankError(f"{before!r} is not below {after!r}")
    if before is None and after is None:
        return INTEGER_ZERO
    if before is None:
        assert after is not None
        integer = _integer_part(after)
        fraction = after[len(integer) :]
        if integer == SMALLEST_INTEGER:
            return integer + _midpoint("", fraction)
        if integer < after:
            return integer
        lower = _decrement(integer)
        if lower is None:
            raise RankError("no key below the smallest one")
        return lower
    if after is None:
        integer = _integer_part(before)
        higher = _increment(integer)
        return integer + _midpoint(before[len(integer) :], None) if higher is None else higher
    integer_low, integer_high = _integer_part(before), _integer_part(after)
    if integer_low == integer_high:
        return integer_low + _midpoint(before[len(integer_low) :], after[len(integer_high) :])
    higher = _increment(integer_low)
    if higher is not None and higher < after:
        return higher
    return integer_low + _midpoint(before[len(integer_low) :], None)


def needs_rebalance(key: str) -> bool:
    return len(key) > MAX_LENGTH


def spread(count: int) -> list[str]:
    """`count` increasing keys of one length, evenly spaced with room between them: the integers
    of the smallest width that leaves at least one free key between neighbours."""
    if count <= 0:
        return []
    width = 1
    while BASE**width < 2 * (count + 1):
        width += 1
    head = ALPHABET[_ZERO_HEAD + width - 1]
    step = BASE**width / (count + 1)
    keys = []
    for number in range(1, count + 1):
        value = int(number * step)
        digits = []
        for _ in range(width):
            value, digit = divmod(value, BASE)
            digits.append(ALPHABET[digit])
        keys.append(head + "".join(reversed(digits)))
    return keys
