"""One definition of how the lead list is narrowed: the leads page (its New, Qualified and
Disqualified tabs) and the API's `status` both read it here, so a status means the same thing in
both. The deal list has one filter, its pipeline (tandem.sales.queries.deal_list)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from tandem.sales.models import Lead, LeadStatus

ALL = "all"


@dataclasses.dataclass(frozen=True)
class LeadFilters:
    status: str = LeadStatus.NEW  # a lead status, or "all"

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> LeadFilters:
        """From a page's query string: no status shows the new leads; a status that means nothing
        shows them all, so an old bookmark or a hand-edited address still shows a list."""
        status = str(params.get("status", LeadStatus.NEW))
        return cls(status=status if status in LeadStatus.values else ALL)

    def apply(self, leads: QuerySet[Lead]) -> QuerySet[Lead]:
        return leads if self.status == ALL else leads.filter(status=self.status)
