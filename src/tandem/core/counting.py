"""Row counts for list pages. Counting a million rows costs the database tens of milliseconds on
every page view, so counts of large lists are kept in the cache for a short while: a list of
over `TANDEM_LARGE_COUNT` rows may show a total up to `TANDEM_LARGE_COUNT_TTL` seconds old.
Small lists (and every filtered list that matches few rows) are always counted exactly."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet


def cache_key(queryset: QuerySet[Any]) -> str:
    """A cache key naming the query (its SQL and parameters) on its database."""
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    return f"tandem:count:{digest}"


def count_rows(queryset: QuerySet[Any], *, fresh: bool = False) -> int:
    """The number of rows; a large list's total may come from the cache unless `fresh` is asked for."""
    key = cache_key(queryset)
    cached = None if fresh else cache.get(key)
    if cached is not None:
        return int(cached)
    count = queryset.count()
    if count >= settings.TANDEM_LARGE_COUNT:
        cache.set(key, count, timeout=settings.TANDEM_LARGE_COUNT_TTL)
    return count


def slice_rows(queryset: QuerySet[Any], start: int, stop: int, count: int) -> list[Any]:
    """Rows `[start:stop]` of an ordered queryset of `count` rows.

    OFFSET makes the database walk past every skipped row, so the last page of a million-row list
    costs seconds. Past the middle, the same rows are read from the other end instead (the ordering
    reversed, a small OFFSET, the rows flipped back), so no page walks past more than half the list.
    That needs the exact total: a total that may have come from the cache is counted afresh first."""
    if start <= count // 2 or not queryset.ordered:
        return list(queryset[start:stop])
    if count >= settings.TANDEM_LARGE_COUNT:
        count = count_rows(queryset, fresh=True)
    stop = min(stop, count)
    if start >= stop:
        return []
    rows = list(queryset.reverse()[count - stop : count - start])
    rows.reverse()
    return rows
