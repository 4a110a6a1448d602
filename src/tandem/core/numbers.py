"""Whole numbers typed as text (ids and versions in query strings and forms), read safely.

`str.isdigit()` says yes to "²", which `int()` refuses, and `int()` takes numbers far larger than
the databases' 64-bit integers, which the database driver then refuses: both were server errors.
These helpers answer None for anything that cannot name a row, so the caller treats it as
"not found" or "not given"."""

from __future__ import annotations

MAX_ID = 2**63 - 1
MIN_INT = -(2**63)


def int_or_none(value: object) -> int | None:
    """The whole number `value` spells (ASCII or other decimal digits, an optional minus sign),
    if it fits a 64-bit integer; else None."""
    text = str(value if value is not None else "").strip()
    digits = text.removeprefix("-")
    if not digits.isdecimal() or len(digits) > 19:
        return None
    number = int(text)
    return number if MIN_INT <= number <= MAX_ID else None


def id_or_none(value: object) -> int | None:
    """A record id: a positive whole number that fits a 64-bit integer; else None."""
    number = int_or_none(value)
    return number if number is not None and number >= 1 else None
