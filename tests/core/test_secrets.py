"""Secrets at rest: Fernet tokens under a key derived from TANDEM_SECRETS_KEY (else SECRET_KEY)."""

from __future__ import annotations

from typing import Any

import pytest

from tandem.core import secrets


def test_a_secret_comes_back_and_is_not_in_its_token() -> None:
    token = secrets.encrypt("correct horse battery staple ☃")
    assert "horse" not in token
    assert token.isascii()
    assert secrets.decrypt(token) == "correct horse battery staple ☃"
    # a fresh token each time (a random IV), so equal passwords do not look equal
    assert secrets.encrypt("same") != secrets.encrypt("same")


def test_another_key_cannot_read_it(settings: Any) -> None:
    settings.TANDEM_SECRETS_KEY = "first-key-" + "x" * 40
    token = secrets.encrypt("hunter2")
    settings.TANDEM_SECRETS_KEY = "second-key-" + "y" * 40
    with pytest.raises(secrets.SecretUnreadable, match="Enter the password again"):
        secrets.decrypt(token)
    settings.TANDEM_SECRETS_KEY = "first-key-" + "x" * 40
    assert secrets.decrypt(token) == "hunter2"


def test_without_its_own_key_the_secret_key_is_used(settings: Any) -> None:
    settings.TANDEM_SECRETS_KEY = None
    token = secrets.encrypt("hunter2")
    settings.SECRET_KEY = settings.SECRET_KEY + "-rotated"
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(token)


@pytest.mark.parametrize("token", ["", "not a token", "gAAAAA" + "A" * 80, "ü"])
def test_a_damaged_token_is_a_clear_error(token: str) -> None:
    with pytest.raises(secrets.SecretUnreadable):
        secrets.decrypt(token)
