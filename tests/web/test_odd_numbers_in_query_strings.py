"""Numbers typed into query strings and forms that cannot name a row — "²" (a digit to
`str.isdigit()`, not to `int()`), or larger than the databases' 64-bit integers — are treated as
"no such record", never a server error, on pages and in the API's item filters alike."""

from __future__ import annotations

import pytest

from tandem.core.numbers import id_or_none, int_or_none
from tandem.sales import services as sales
from tests.conftest import bearer

HUGE = str(10**30)


@pytest.fixture
def pipeline(manager):
    return sales.create_pipeline(by=manager, name="Renewals", stages=[{"name": "Due"}])


@pytest.mark.parametrize("odd", ["²", HUGE, "-" + HUGE, "١٢٣" + "0" * 20])
def test_pages_with_odd_numbers_answer_without_a_server_error(client_for, admin_user, pipeline, odd):
    client = client_for(admin_user)
    board = pipeline.board_id
    for url in [
        f"/history/export.csv?actor={odd}",
        f"/feeds/new-work/?organization={odd}",
        f"/feeds/board/?board={odd}",
        f"/feeds/team/?team={odd}",
        f"/pipelines/{pipeline.pk}/report/?owner={odd}",
        f"/boards/{board}/?parent={odd}",
        f"/boards/{board}/?q=%23{odd}",
        f"/items/new/?board={board}&parent={odd}",
        f"/notifications/?before={odd}",
    ]:
        response = client.get(url)
        assert response.status_code in {200, 404, 422}, (url, response.status_code)


@pytest.mark.parametrize("name", ["board", "column", "parent", "assignee"])
@pytest.mark.parametrize("odd", ["²", HUGE])
def test_the_api_item_filters_refuse_odd_ids(client, api_token_for, member, name, odd):
    response = client.get("/api/v1/items", {name: odd}, headers=bearer(api_token_for(member)))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [name]


def test_a_reference_that_cannot_be_an_id_is_searched_as_text(client, api_token_for, member):
    response = client.get("/api/v1/items", {"q": "#²"}, headers=bearer(api_token_for(member)))
    assert response.status_code == 200


def test_the_readers_accept_what_int_accepts_within_64_bits():
    assert int_or_none("42") == 42
    assert int_or_none(" -7 ") == -7
    assert int_or_none("۱۲") == 12  # Persian digits, as people type them
    assert int_or_none(str(2**63 - 1)) == 2**63 - 1
    assert int_or_none(str(2**63)) is None
    assert int_or_none(str(-(2**63))) == -(2**63)
    for bad in ("", None, "²", "1.5", "1_000", "+3", "0x10", HUGE):
        assert int_or_none(bad) is None, bad
    assert id_or_none("0") is None
    assert id_or_none("-1") is None
    assert id_or_none("12") == 12
