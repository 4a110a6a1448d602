"""Secrets Tandem must give back later (a CalDAV account's password), encrypted at rest.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) with a key derived by HKDF-SHA256 from
`TANDEM_SECRETS_KEY` when it is set, else from Django's `SECRET_KEY`. The database then holds only
tokens: a copy of it (a backup, a dump) reveals no password without the key.

Changing the key (or SECRET_KEY while TANDEM_SECRETS_KEY is unset) makes every stored token
unreadable: `decrypt` raises `SecretUnreadable`, and whoever stored the secret must enter it again
(a CalDAV account shows the error and asks for its password)."""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.translation import gettext as _

_INFO = b"tandem secrets at rest v1"


class SecretUnreadable(Exception):
    """A token made under another key (the key changed), or not a token at all."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "A stored password can no longer be read: Tandem's secrets key changed since it was "
                "saved. Enter the password again."
            )
        )


def _master() -> bytes:
    key = getattr(settings, "TANDEM_SECRETS_KEY", None) or settings.SECRET_KEY
    return key.encode("utf-8")


@cache
def _fernet(master: bytes) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(master)
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(text: str) -> str:
    """A token (URL-safe ASCII) holding `text` encrypted and authenticated."""
    return _fernet(_master()).encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text `encrypt` was given; `SecretUnreadable` when the key changed or the token is damaged."""
    try:
        return _fernet(_master()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError) as error:
        raise SecretUnreadable() from error
