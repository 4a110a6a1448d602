"""The typeahead pickers' answers (design system, docs/design.md): `GET /pick/<kind>/?q=…` gives up
to 20 organizations, people or users whose names match, as `{"results": [{"value", "text"}]}`.
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
from tandem.contacts.queries import organizations_for, people_for

LIMIT = 20
KINDS = ("organization", "person", "user")


def _options(user: Any, kind: str, text: str) -> list[dict[str, Any]]:
    if kind == "organization":
        return [{"value": o.pk, "text": o.name} for o in organizations_for(user, q=text)[:LIMIT]]
    if kind == "person":
        people = people_for(user, q=text)[:LIMIT]
        return [{"value": p.pk, "text": str(p)} for p in people]
    users = directory(user).filter(is_active=True)
    for word in text.split()[:5]:
        users = users.filter(
            Q(full_name__icontains=word) | Q(email__icontains=word) | Q(handle__icontains=word)
        )
    return [
        {"value": u.pk, "text": f"{u.display_name} (@{u.handle})"}
        for u in users.order_by("full_name", "email")[:LIMIT]
    ]


@guarded_view(None)
def pick(request: HttpRequest, kind: str) -> JsonResponse:
    if kind not in KINDS:
        return JsonResponse({"detail": "Unknown kind.", "results": []}, status=404)
    text = " ".join((request.GET.get("q") or "").split())[:100]
    if not text:
        return JsonResponse({"results": []})
    return JsonResponse({"results": _options(acting_user(request), kind, text)})
