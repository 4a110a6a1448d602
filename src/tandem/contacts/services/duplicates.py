"""Duplicate warnings: customers Tandem already has that look like the one being saved (same name,
web domain, e-mail or phone). A save refuses them unless the user saves anyway."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from tandem.contacts.models import Organization, Person
from tandem.contacts.normalize import (
    normalize_email,
    normalize_phone,
    normalize_website,
    organization_name_key,
    person_name_key,
)
from tandem.core.errors import PossibleDuplicate


@dataclass
class Duplicate:
    record: Organization | Person
    reasons: list[str] = field(default_factory=list)


def find_duplicate_organizations(
    *, name: str = "", website: str = "", exclude: int | None = None, limit: int = 5
) -> list[Duplicate]:
    found: dict[int, Duplicate] = {}
    key = organization_name_key(name) if name else ""
    try:
        domain = normalize_website(website)[1] if website else ""
    except ValueError:
        domain = ""
    checks: list[tuple[models.Q, str]] = []
    if key:
        checks.append((models.Q(name_key=key), _("same name")))
    if domain:
        checks.append((models.Q(domain=domain), _("same web domain")))
    for condition, reason in checks:
        for org in Organization.objects.filter(condition, merged_into__isnull=True).exclude(
            pk__in=[exclude] if exclude else []
        )[:limit]:
            found.setdefault(org.pk, Duplicate(org)).reasons.append(reason)
    return list(found.values())[:limit]


def find_duplicate_people(
    *,
    first_name: str = "",
    last_name: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    exclude: int | None = None,
    limit: int = 5,
) -> list[Duplicate]:
    found: dict[int, Duplicate] = {}
    email_values = {e for e in (_try(normalize_email, x) for x in emails) if e}
    phone_values = {p[1] for p in (_try(normalize_phone, x) for x in phones) if p}
    base = Person.objects.filter(merged_into__isnull=True).exclude(pk__in=[exclude] if exclude else [])
    checks: list[tuple[models.QuerySet[Person], str]] = []
    if email_values:
        checks.append((base.filter(emails__email__in=email_values), _("same e-mail")))
    if phone_values:
        checks.append((base.filter(phones__e164__in=phone_values), _("same phone")))
    if last_name:
        checks.append((base.filter(name_key=person_name_key(first_name, last_name)), _("same name")))
    for queryset, reason in checks:
        for person in queryset.distinct()[:limit]:
            found.setdefault(person.pk, Duplicate(person)).reasons.append(reason)
    return list(found.values())[:limit]


def _try(fn: Any, value: str) -> Any:
    try:
        return fn(value)
    except ValueError:
        return None


def _refuse_duplicates(duplicates: list[Duplicate]) -> None:
    if duplicates:
        raise PossibleDuplicate(
            _("This looks like a customer Tandem already has. Check the matches, or save anyway."),
            extra={
                "duplicates": [
                    {
                        "id": d.record.pk,
                        "name": str(d.record),
                        "reasons": d.reasons,
                        "archived": d.record.is_archived,
                    }
                    for d in duplicates
                ]
            },
        )
