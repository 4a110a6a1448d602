"""Optimistic concurrency over HTTP. Each customer record has a `version`; GET answers it as the
ETag `"<version>"`. An edit names the version it was based on, in the body (`"version": 3`) or as
`If-Match: "3"`; Tandem refuses the edit when someone else changed the record in between
(409 stale_version for the body, 412 precondition_failed for the header). `If-Match: *` (RFC 9110)
says on purpose "whatever the current version is": the edit applies without a version check."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header

from tandem.core.api.errors import PreconditionFailed, PreconditionRequired
from tandem.core.errors import InvalidInput, StaleVersion

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: HttpResponse, version: int) -> None:
    response["ETag"] = etag(version)


# Endpoints declare the header so the OpenAPI document shows it.
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='The ETag of the version you edited, e.g. "3". A stale one answers 412.',
    ),
]


def if_match_version(header: str | None) -> int | None:
    """The version named by If-Match, or None when the header is absent."""
    if header is None:
        return None
    match = _ETAG.match(header)
    if match is None:
        raise InvalidInput(
            _('If-Match must be the ETag Tandem sent with the record, such as "3".'), field="If-Match"
        )
    return int(match.group(1))


@dataclass(frozen=True)
class Precondition:
    version: int | None  # None: If-Match: *, no version check
    from_header: bool


def edit_precondition(if_match: str | None, body_version: int | None) -> Precondition:
    """Which version an edit is based on. An edit that names none is refused: without it, Tandem
    could silently overwrite someone else's change."""
    if if_match is not None and if_match.strip() == "*":
        return Precondition(None, from_header=True)
    header_version = if_match_version(if_match)
    if header_version is not None and body_version is not None and header_version != body_version:
        raise InvalidInput(
            _("The version in the body (%(body)s) and the If-Match header (%(header)s) disagree.")
            % {"body": body_version, "header": header_version},
            field="version",
        )
    if header_version is not None:
        return Precondition(header_version, from_header=True)
    if body_version is not None:
        return Precondition(body_version, from_header=False)
    raise PreconditionRequired(
        _(
            'Say which version of the record you edited: send "version" in the body or the '
            "record's ETag in an If-Match header."
        )
    )


@contextmanager
def stale_as_412(from_header: bool) -> Iterator[None]:
    """A stale If-Match is a failed HTTP precondition (412); a stale body version stays a 409."""
    try:
        yield
    except StaleVersion as exc:
        if not from_header:
            raise
        raise PreconditionFailed(exc.message, extra=exc.extra) from exc
