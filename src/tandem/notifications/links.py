"""Where a notification leads: the page of its record."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

_PAGES = {
    "item": "work:item",
    "organization": "organization-detail",
    "person": "person-detail",
    "lead": "sales:lead",
    "event": "agenda:event",
}


def target_url(target_type: str, target_id: int) -> str:
    name = _PAGES.get(target_type)
    if name is None:
        return reverse("notifications:inbox")
    try:
        return reverse(name, args=[target_id])
    except NoReverseMatch:
        return reverse("notifications:inbox")
