from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def can(user: Any, permission: str) -> bool:
    """{% if user|can:"edit_customers" %} — the same role table the services enforce. The user model
    answers (`User.can`); an anonymous visitor may do nothing."""
    check = getattr(user, "can", None)
    return bool(check(permission)) if callable(check) else False


@register.filter
def width_class(percent: Any) -> str:
    """`pct-37`: a bar's width (0 to 100 %) as one of tandem.css's classes. Pages carry no style
    attributes: the Content-Security-Policy allows styles from Tandem's stylesheets only."""
    try:
        value = round(float(percent))
    except (TypeError, ValueError, OverflowError):
        value = 0
    return f"pct-{min(100, max(0, value))}"


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for sort links and pagination)."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(value)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
