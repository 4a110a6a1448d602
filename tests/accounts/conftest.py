"""Helpers for the people-and-access tests."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD


def password_login(email: str, password: str = PASSWORD, *, path: str = "/login/", **extra: str):
    """Logs in through the real login page, as a person would. Returns the client and the answer."""
    client = Client()
    response = client.post(path, {"username": email, "password": password}, **extra)
    return client, response


def invitation_path(message: mail.EmailMessage) -> str:
    match = re.search(r"/invite/[^/\s]+/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


@pytest.fixture
def outbox(mailoutbox: list[mail.EmailMessage]) -> list[mail.EmailMessage]:
    return mailoutbox


@pytest.fixture
def committing(django_capture_on_commit_callbacks) -> Callable[[], Iterator[None]]:
    """Runs the after-commit work (mail, tasks) that the test's own transaction would hold back."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
