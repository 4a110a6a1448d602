"""Names Tandem gives rows itself (a new board's Open and Closed columns, a pipeline's Won and
Lost stages, the demo's Lead … Negotiation, the `stage::` labels' scope): shown in the reader's
language for as long as nobody renamed them, while a name someone typed is shown as typed.

A row Tandem names keeps the key of its name (a `builtin` field); renaming the row clears it. The
apps define their keys here (work its columns', sales its stages'), so this registry knows no app.
"""

from __future__ import annotations

from django.utils.functional import Promise

_names: dict[str, Promise] = {}
_scopes: dict[str, Promise] = {}


def define(key: str, name: Promise) -> None:
    """A built-in name: `key` is stored on the rows it names, `name` a gettext_lazy string."""
    _names[key] = name


def define_scope(scope: str, name: Promise) -> None:
    """A label scope Tandem itself uses (`stage` of `stage::Won`), shown translated."""
    _scopes[scope] = name


def known(key: str) -> bool:
    return key in _names


def shown(name: str, key: str) -> str:
    """What a row called `name` with the built-in key `key` ("" for none) is shown as."""
    builtin = _names.get(key) if key else None
    return str(builtin) if builtin is not None else name


def shown_scope(scope: str) -> str:
    builtin = _scopes.get(scope)
    return str(builtin) if builtin is not None else scope


def is_unchanged(new_name: str, stored: str, key: str) -> bool:
    """Whether a name submitted for a row is the one it has, as stored or as shown to the reader
    (a form filled in with the shown name and sent back unchanged is no renaming)."""
    new = " ".join(new_name.split())
    return new == stored or (bool(key) and new == " ".join(shown(stored, key).split()))
