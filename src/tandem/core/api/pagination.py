"""Limit/offset pages for every list endpoint: `{"count", "limit", "offset", "items"}`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from ninja import Field, Schema

from tandem.core.counting import count_rows, slice_rows

# SQLite and PostgreSQL both store offsets as 64-bit integers; larger ones would fail in the database.
MAX_OFFSET = 2**62


class PageParams(Schema):
    limit: int = Field(
        settings.TANDEM_API_DEFAULT_PAGE_SIZE,
        ge=1,
        le=settings.TANDEM_API_MAX_PAGE_SIZE,
        description=f"Items per page, at most {settings.TANDEM_API_MAX_PAGE_SIZE}.",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class Page[T](Schema):
    count: int
    limit: int
    offset: int
    items: list[T]


def paginate(queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """A page past the end is an empty page, not an error: the count tells the client where the end is."""
    count = count_rows(queryset)
    items: list[Model] = []
    if params.offset < count:
        items = slice_rows(queryset, params.offset, params.offset + params.limit, count)
    return {"count": count, "limit": params.limit, "offset": params.offset, "items": items}
