"""Reading parts of the deal's page in the tests: an element by its id, the stage gates' checklist."""

from __future__ import annotations

import re


def part(page: str, element_id: str, end: str) -> str:
    """The page from the element with `element_id` up to the first `end` after it."""
    start = page.index(f'id="{element_id}"')
    return page[start : page.index(end, start)]


def gate(page: str, stage_pk: int) -> dict[str, bool]:
    """A stage gate's checklist on the deal's page: {"document:proposal": met, "step:Demo given": ...}."""
    shown = part(page, f"gate-{stage_pk}", "</ul>")
    found = re.findall(r'class="[^"]*\bgate-(met|unmet)" data-need="([^"]+)"', shown)
    return {need: state == "met" for state, need in found}
