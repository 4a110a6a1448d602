from __future__ import annotations

from typing import Any

from django import template

from tandem.sales.models import DocumentKind

register = template.Library()


@register.simple_tag
def document_kinds() -> list[tuple[Any, Any]]:
    """The kinds a deal's document can be, for the deal panel's upload form."""
    return list(DocumentKind.choices)


@register.filter
def get_steps(done: dict[str, list[str]], stage_id: int) -> list[str]:
    """The checklist steps ticked for a stage (Deal.checklist_done is keyed by the stage's id)."""
    return list((done or {}).get(str(stage_id), []))
