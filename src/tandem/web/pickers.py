"""The typeahead pickers' answers (design system, docs/design.md): `GET /pick/<kind>/?q=…` gives up
to 20 organizations, people, users or work items (deals too) whose names match, as `{"results": [{"value", "text"}]}`.
A `<select data-picker="/pick/organization/">` renders only its chosen options and asks here for
the rest, so a form never lists a table of thousands. Who may see what is the queries' business:
contacts' visibility for customers, the directory (no system accounts, no deactivated accounts)
for users."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, JsonResponse

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.queries import directory
from tandem.accounts.roles import Permission, can
from tandem.contacts.queries import organizations_for, people_for
from tandem.work.queries import items_visible_to

LIMIT = 20
KINDS = ("organization", "person", "user", "item")


def _options(user: Any, kind: str, text: str) -> list[dict[str, Any]]:
    if kind == "organization":
        return [{"value": o.pk, "text": o.name} for o in organizations_for(user, q=text)[:LIMIT]]
    if kind == "person":
        people = people_for(user, q=text)[:LIMIT]
        return [{"value": p.pk, "text": str(p)} for p in people]
    if kind == "item":
        return _items(user, text)
    users = directory(user).filter(is_active=True)
    for word in text.split()[:5]:
        users = users.filter(
            Q(full_name__icontains=word) | Q(email__icontains=word) | Q(handle__icontains=word)
        )
    return [
        {"value": u.pk, "text": f"{u.display_name} (@{u.handle})"}
        for u in users.order_by("full_name", "email")[:LIMIT]
    ]


def _items(user: Any, text: str) -> list[dict[str, Any]]:
    """Work items and deals on the boards `user` may see: by number (#12) or by words of the title."""
    if not can(user, Permission.VIEW_WORK):
        return []
    items = items_visible_to(user)
    number = text.lstrip("#")
    if number.isascii() and number.isdigit() and len(number) <= 18:
        items = items.filter(Q(pk=int(number)) | Q(title__icontains=text))
    else:
        for word in text.split()[:5]:
            items = items.filter(title__icontains=word)
    return [{"value": i.pk, "text": f"{i.reference} {i.title}"} for i in items.order_by("-pk")[:LIMIT]]


@guarded_view(None)
def pick(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in KINDS:
        return JsonResponse({"detail": "Unknown kind.", "results": []}, status=404)
    text = " ".join((request.GET.get("q") or "").split())[:100]
    if not text:
        return JsonResponse({"results": []})
    return JsonResponse({"results": _options(acting_user(request), kind, text)})
