from __future__ import annotations

from typing import Any

from django import template

from tandem.sales.models import DocumentKind

register = template.Library()


@register.simple_tag
def document_kinds() -> list[tuple[Any, Any]]:
    """The kinds a deal's document can be, for the deal panel's upload form."""
    return list(DocumentKind.choices)
