"""The errors services raise. Views and the API turn each into one response shape:
HTML views show the message next to the form; the API answers {"detail": ..., "code": ...}."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """Base class: a rule said no. `message` is meant for a person to read."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}


class InvalidInput(ServiceError):
    status = 422
    code = "invalid"


class NotAllowed(ServiceError):
    """The acting user's role may not do this."""

    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The write was based on a stale version, or would create a duplicate."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class PossibleDuplicate(Conflict):
    code = "possible_duplicate"
