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


def _key(queryset: QuerySet[Any]) -> str:
    sql, params = queryset.query.sql_with_params()
    digest = hashlib.sha256(f"{queryset.db}|{sql}|{params!r}".encode()).hexdigest()
    return f"tandem:count:{digest}"


def count_rows(queryset: QuerySet[Any]) -> int:
    key = _key(queryset)
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    count = queryset.count()
    if count >= settings.TANDEM_LARGE_COUNT:
        cache.set(key, count, timeout=settings.TANDEM_LARGE_COUNT_TTL)
    return count
