"""Field types the API's input schemas share."""

from __future__ import annotations

from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

# Ids are 64-bit in the database; a larger number can never name a record, and would make the
# database driver fail instead of finding nothing.
from tandem.core.numbers import MAX_ID


def _no_nul(value: str) -> str:
    # PostgreSQL refuses text containing NUL; refuse it here, as bad input, on every database.
    if "\x00" in value:
        raise ValueError(_("Text cannot contain the NUL character."))
    return value


NoNul = AfterValidator(_no_nul)

RecordId = Annotated[int, Field(strict=True, ge=1, le=MAX_ID)]
"""An id in a JSON body: a number, not text."""

PathId = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An id in a URL or query string, where everything arrives as text."""

Int64 = Annotated[int, Field(ge=-MAX_ID - 1, le=MAX_ID)]
"""Any other whole number: one that fits the databases' 64-bit integers (a larger one would make
the driver fail instead of finding nothing). Every integer the API reads is bounded; a test of the
OpenAPI document holds every endpoint to it."""

Flag = Annotated[bool, Field(strict=True)]
"""true or false, not "yes" or 1."""

SearchText = Annotated[str, Field(max_length=200), NoNul]
