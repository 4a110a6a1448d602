"""Pages past the middle of a list are read from its other end (tandem.core.counting.slice_rows):
they must hold exactly the rows plain OFFSET paging gives, in the same order, on every page, in
the HTML lists and the API, also when the list's total shown came from the cache and is stale."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tandem.contacts.models import Organization
from tandem.core.counting import count_rows, slice_rows
from tandem.core.pagination import CountCachingPaginator
from tests.conftest import bearer


def _orgs(make_org, count: int) -> None:
    # Equal names so the tie-breaker (id) decides, as on a real list with duplicates.
    for i in range(count):
        make_org(f"Org {i % 4}")


def test_every_slice_matches_offset_paging(make_org):
    _orgs(make_org, 23)
    qs = Organization.objects.order_by("name", "id")
    expected = list(qs)
    for start in range(0, 25):
        for size in (1, 5, 7):
            assert slice_rows(qs, start, start + size, len(expected)) == expected[start : start + size]


def test_a_last_page_reads_the_reversed_ordering_with_a_small_offset(make_org):
    _orgs(make_org, 12)
    qs = Organization.objects.order_by("name", "id")
    with CaptureQueriesContext(connection) as queries:
        rows = slice_rows(qs, 10, 15, 12)
    assert rows == list(qs)[10:]
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "DESC" in sql and "OFFSET" not in sql.upper().split("LIMIT")[-1]


@override_settings(TANDEM_LARGE_COUNT=5)
def test_a_stale_cached_total_is_counted_again_before_reading_from_the_end(make_org):
    cache.clear()
    _orgs(make_org, 10)
    qs = Organization.objects.order_by("name", "id")
    assert count_rows(qs) == 10  # cached from here on
    make_org("Org 9")
    make_org("Org 9")
    assert count_rows(qs) == 10  # the page shows the cached total...
    expected = list(qs)
    assert slice_rows(qs, 8, 12, 10) == expected[8:12]  # ...but the rows are the right ones
    assert count_rows(qs) == 12  # and the cache now holds the fresh total
    cache.clear()


def test_every_html_page_matches(make_org):
    _orgs(make_org, 60)
    qs = Organization.objects.order_by("-name", "id")
    expected = list(qs)
    paginator = CountCachingPaginator(qs, 25)
    pages = [list(paginator.page(n).object_list) for n in paginator.page_range]
    assert pages == [expected[0:25], expected[25:50], expected[50:60]]


def test_api_pages_from_the_end_match(member, make_org, api_token_for):
    _orgs(make_org, 9)
    token, client = api_token_for(member), Client()
    seen = []
    for offset in range(0, 9, 2):
        body = client.get(
            "/api/v1/organizations", {"limit": 2, "offset": offset}, headers=bearer(token)
        ).json()
        assert body["count"] == 9
        seen += [item["id"] for item in body["items"]]
    assert seen == list(Organization.objects.order_by("name", "id").values_list("id", flat=True))
