"""A bug (not bad input) still answers in the one error format: 500 server_error, logged, with
nothing about the code's insides in the answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.accounts.models import User
from tandem.contacts import queries
from tests.api.conftest import ApiClient, assert_error


def test_an_unexpected_error_is_a_logged_500_in_the_error_format(
    api_as: Callable[[User], ApiClient],
    member: User,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(queries, "organizations_for", broken)

    response = api_as(member).get("/organizations")

    body = assert_error(response, 500, "server_error")
    assert "secret internals" not in response.content.decode()
    assert "errors" not in body
    assert any(record.exc_info and "secret internals" in str(record.exc_info[1]) for record in caplog.records)


def test_a_request_with_an_invalid_host_gets_the_api_error_format() -> None:
    from django.test import Client

    answer = Client().get("/api/v1/labels", HTTP_HOST="")
    assert answer.status_code == 400
    assert answer["Content-Type"].startswith("application/json")
    assert answer.json()["code"] == "bad_request"
    page = Client().get("/boards/", HTTP_HOST="")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")
