"""API schemas that apps of every layer name in theirs. Core knows no domain app, so these read
the records they describe by their attributes alone."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class UserRef(Schema):
    """A user named on another record (an owner, the actor of a history entry)."""

    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.display_name)
