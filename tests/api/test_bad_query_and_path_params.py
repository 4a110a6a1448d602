"""Bad query strings and paths get a clear 4xx in the one error format, never a 500: page sizes
above the maximum, negative offsets, non-integer ids, unknown orderings, unknown endpoints and
methods. A page past the end is not an error: it is an empty page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings

from tandem.accounts.models import User
from tests.api.conftest import ApiClient, Customers, assert_error, error_fields

QUERY_CASES = [
    ("/organizations", {"limit": settings.TANDEM_API_MAX_PAGE_SIZE + 1}, "limit"),
    ("/people", {"limit": 0}, "limit"),
    ("/people", {"limit": "ten"}, "limit"),
    ("/organizations", {"offset": -1}, "offset"),
    ("/users", {"offset": "1.5"}, "offset"),
    ("/organizations", {"offset": 10**30}, "offset"),
    ("/organizations", {"ordering": "price"}, "ordering"),
    ("/people", {"ordering": "name; drop table"}, "ordering"),
    ("/organizations", {"archived": "maybe"}, "archived"),
    ("/organizations", {"owner": "me"}, "owner"),
    ("/organizations", {"owner": 10**30}, "owner"),
    ("/people", {"organization": "acme"}, "organization"),
    ("/people", {"q": "x" * 201}, "q"),
    ("/organizations", {"q": "ac\x00me"}, "q"),
    ("/people", {"tag": "v\x00ip"}, "tag"),
    ("/organizations/{org}/people", {"limit": 10_000}, "limit"),
    ("/organizations/{org}/history", {"offset": -5}, "offset"),
    ("/tokens", {"limit": -1}, "limit"),
    ("/leads", {"status": "\x00"}, "status"),
    ("/leads", {"status": "won"}, "status"),
    ("/boards/1/columns/1/items", {"after": "a\x00"}, "after"),
]


@pytest.mark.parametrize(("path", "params", "field"), QUERY_CASES)
def test_bad_query_parameter_is_422(
    api_as: Callable[[User], ApiClient],
    member: User,
    customers: Customers,
    path: str,
    params: dict,
    field: str,
) -> None:
    response = api_as(member).get(path.format(**customers.ids), params)
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {field}


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/abc",
        "/organizations/1.5",
        "/organizations/-3",
        "/organizations/0",
        "/people/99999999999999999999999",
        "/people/ada/history",
        "/users/me",
        "/tokens/first",
    ],
)
def test_non_integer_or_out_of_range_id_in_path_is_422(
    api_as: Callable[[User], ApiClient], member: User, path: str
) -> None:
    response = api_as(member).get(path) if not path.startswith("/tokens") else api_as(member).delete(path)
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"id"}


def test_page_past_the_end_is_an_empty_page(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    response = api_as(member).get("/organizations", {"offset": 500, "limit": 10})
    assert response.status_code == 200
    assert response.json() == {"count": 2, "limit": 10, "offset": 500, "items": []}


def test_largest_page_size_is_accepted(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    response = api_as(member).get("/people", {"limit": settings.TANDEM_API_MAX_PAGE_SIZE})
    assert response.status_code == 200
    assert response.json()["limit"] == settings.TANDEM_API_MAX_PAGE_SIZE


def test_unknown_endpoint_is_404_in_the_error_format(
    api_as: Callable[[User], ApiClient], member: User
) -> None:
    assert_error(api_as(member).get("/invoices"), 404, "not_found")
    assert_error(api_as(member).get("/organizations/1/spaceships"), 404, "not_found")
    assert_error(api_as(member).get("/"), 404, "not_found")


def test_unsupported_method_is_405_in_the_error_format(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    before = customers.acme.version
    response = api_as(member).delete(f"/organizations/{customers.acme.pk}")
    assert_error(response, 405, "method_not_allowed")
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "PATCH"}
    customers.acme.refresh_from_db()
    assert customers.acme.version == before
    assert customers.acme.archived_at is None


def test_a_too_long_if_match_header_is_422(
    api_as: Callable[[User], ApiClient], member: User, customers: Customers
) -> None:
    response = api_as(member).patch(
        f"/organizations/{customers.acme.pk}",
        {"industry": "Rockets"},
        headers={"If-Match": '"' + "1" * 60 + '"'},
    )
    assert_error(response, 422, "invalid")
    assert error_fields(response) == {"If-Match"}


def test_unknown_endpoints_tell_outsiders_nothing() -> None:
    for path in ("/", "/invoices", "/organizations/1/spaceships"):
        assert_error(ApiClient().get(path), 401, "not_authenticated")
        assert_error(ApiClient().post(path, {}), 401, "not_authenticated")
