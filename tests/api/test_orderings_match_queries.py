"""The orderings the API accepts are exactly the ones contacts.queries knows, so a new ordering
added there cannot be silently missing from the API (or the other way round)."""

from __future__ import annotations

from typing import get_args

from tandem.contacts.queries import ORGANIZATION_ORDERINGS, PERSON_ORDERINGS
from tandem.contacts.schemas import OrganizationOrdering, PersonOrdering


def test_orderings_match_queries() -> None:
    assert set(get_args(OrganizationOrdering)) == set(ORGANIZATION_ORDERINGS)
    assert set(get_args(PersonOrdering)) == set(PERSON_ORDERINGS)
