"""How much data each named benchmark scale holds.

The named scales keep the same proportions (5 people per organization, about 4 history rows per
customer, one work item per person), which is what makes a smaller scale an exact prefix of a larger one: each row's data
depends only on the seed, its number and these proportions."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Sizes:
    organizations: int
    people: int
    # every history row: one "created" entry per organization and person, the rest "updated" entries
    history: int
    # work items on the generated boards (each with its own "created" history entry)
    items: int = 0

    @property
    def updates(self) -> int:
        return self.history - self.organizations - self.people

    def with_overrides(self, **counts: int | None) -> Sizes:
        return replace(self, **{name: value for name, value in counts.items() if value is not None})


SCALES: dict[str, Sizes] = {
    "S": Sizes(organizations=2_000, people=10_000, history=50_000, items=10_000),
    "M": Sizes(organizations=20_000, people=100_000, history=500_000, items=100_000),
    "L": Sizes(organizations=200_000, people=1_000_000, history=5_000_000, items=1_000_000),
}
