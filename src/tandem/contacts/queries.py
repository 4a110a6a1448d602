"""Reads of organizations and people: access-checking fetch helpers and the list querysets the
HTML pages and the API share."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can
from tandem.contacts.models import EmailAddress, Membership, Organization, Person
from tandem.contacts.search import filter_by_text
from tandem.core.errors import NotFound


def _visible(user: User) -> None:
    # Outsiders (anonymous, deactivated, no role) learn nothing, not even that a record exists.
    if not can(user, Permission.VIEW_CUSTOMERS):
        raise NotFound(_("Not found."))


_membership_count = (
    Membership.objects.filter(organization=OuterRef("pk"))
    .order_by()
    .values("organization")
    .annotate(n=Count("pk"))
    .values("n")
)


def organizations_for(
    user: User,
    *,
    q: str = "",
    tag: str = "",
    owner: int | None = None,
    archived: bool = False,
    ordering: str = "name",
) -> QuerySet[Organization]:
    _visible(user)
    qs = Organization.objects.filter(merged_into__isnull=True)
    qs = qs.filter(archived_at__isnull=not archived)
    if q:
        qs = filter_by_text(qs, q, "contacts_organization_fts")
    if tag:
        qs = qs.filter(tags__name__iexact=tag)
    if owner:
        qs = qs.filter(owner_id=owner)
    return (
        qs.select_related("owner")
        .prefetch_related("tags")
        # A correlated count runs for the rows on the page only; Count() with GROUP BY would
        # aggregate every membership of every organization before the LIMIT.
        .annotate(people_count=Coalesce(Subquery(_membership_count), 0))
        .order_by(*ORGANIZATION_ORDERINGS.get(ordering, ORGANIZATION_ORDERINGS["name"]))
    )


ORGANIZATION_ORDERINGS = {
    "name": ("name_key", "id"),
    "-name": ("-name_key", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}

PERSON_ORDERINGS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


def people_for(
    user: User,
    *,
    q: str = "",
    organization: int | None = None,
    tag: str = "",
    owner: int | None = None,
    archived: bool = False,
    review: bool = False,
    ordering: str = "name",
) -> QuerySet[Person]:
    _visible(user)
    qs = Person.objects.filter(merged_into__isnull=True, archived_at__isnull=not archived)
    if q:
        qs = filter_by_text(qs, q, "contacts_person_fts")
    if organization:
        qs = qs.filter(memberships__organization_id=organization)
    if tag:
        qs = qs.filter(tags__name__iexact=tag)
    if owner:
        qs = qs.filter(owner_id=owner)
    if review:
        qs = qs.exclude(review_note="")
    primary_emails = EmailAddress.objects.filter(is_primary=True)
    primary_memberships = Membership.objects.filter(is_primary=True).select_related("organization")
    return (
        qs.select_related("owner")
        .prefetch_related(
            "tags",
            Prefetch("emails", queryset=primary_emails, to_attr="primary_emails"),
            Prefetch("memberships", queryset=primary_memberships, to_attr="primary_memberships"),
        )
        .order_by(*PERSON_ORDERINGS.get(ordering, PERSON_ORDERINGS["name"]))
    )


def get_organization_for_user(user: User, pk: int) -> Organization:
    _visible(user)
    org = (
        Organization.objects.select_related("owner", "merged_into")
        .prefetch_related("tags", "emails", "phones", "addresses")
        .filter(pk=pk)
        .first()
    )
    if org is None:
        raise NotFound(_("Not found."))
    return org


def get_person_for_user(user: User, pk: int) -> Person:
    _visible(user)
    person = (
        Person.objects.select_related("owner", "merged_into")
        .prefetch_related(
            "tags",
            "emails",
            "phones",
            "addresses",
            Prefetch("memberships", queryset=Membership.objects.select_related("organization")),
        )
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound(_("Not found."))
    return person


def organization_people(org: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organization=org, person__merged_into__isnull=True)
        .select_related("person")
        .prefetch_related(Prefetch("person__emails", queryset=EmailAddress.objects.filter(is_primary=True)))
        .order_by("person__last_name", "person__first_name", "id")
    )
