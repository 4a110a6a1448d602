"""Senders of inbound mail: the person and organization an e-mail address belongs to, made (and
flagged for review) when no one has it yet."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.contacts.models import EmailAddress, Membership, Organization, Person
from tandem.contacts.normalize import normalize_email
from tandem.contacts.services._common import _lock
from tandem.contacts.services.records import create_person
from tandem.contacts.verbs import ContactVerb

FREE_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "proton.me",
        "protonmail.com",
        "zoho.com",
        "yahoo.co.uk",
    ]
)


@dataclass
class Sender:
    """Who a message came from, on the customer side: the person, their organization, and whether
    the person was made just now (and is flagged for review)."""

    person: Person | None
    organization: Organization | None
    created: bool = False


def _lock_email(email: str) -> None:
    """Serialise the making of one sender's record across processes, so two messages from a new
    sender processed at once make one person. SQLite's IMMEDIATE transactions already do."""
    if connection.vendor == "postgresql":
        key = int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _survivor[R: (Organization, Person)](record_: R) -> R:
    seen = 0
    while record_.merged_into_id and seen < 10:  # merged records point at the one that stayed
        record_ = type(record_).objects.get(pk=record_.merged_into_id)
        seen += 1
    return record_


def sender_for_mail(email: str, name: str, *, by: User, note: str) -> Sender:
    """The person (and their organization) an e-mail address belongs to. An address no one has
    becomes a new person, flagged for review with `note`, linked to the organization whose web
    domain the address has (not for free-mail domains); the same address never makes two people.
    An address that belongs to an organization itself (invoices@vendor) is that organization."""
    try:
        email = normalize_email(email)
    except ValueError:
        return Sender(None, None)
    with transaction.atomic():
        _lock_email(email)
        found = known_sender(email)
        if found is not None:
            return found
        require(by, Permission.EDIT_CUSTOMERS)
        domain = email.rpartition("@")[2]
        organization = None
        if domain not in FREE_MAIL_DOMAINS:
            organization = (
                Organization.objects.filter(domain=domain, merged_into__isnull=True, archived_at__isnull=True)
                .order_by("id")
                .first()
            )
        words = " ".join(str(name or "").split())[:200].split(" ")
        first, last = (" ".join(words[:-1])[:100], words[-1][:100]) if words != [""] else ("", "")
        if not last:
            last = email.partition("@")[0][:100]
        data: dict[str, Any] = {
            "first_name": first,
            "last_name": last,
            "owner": None,
            "emails": [{"email": email, "is_primary": True}],
        }
        if organization is not None:
            data["memberships"] = [{"organization": organization, "is_primary": True}]
        person = create_person(by=by, data=data, allow_duplicate=True)  # the address is what counts
        Person.objects.filter(pk=person.pk).update(review_note=note[:300])
        person.review_note = note[:300]
    return Sender(person, organization, created=True)


def known_sender(email: str) -> Sender | None:
    """The person (and organization) or the organization an e-mail address belongs to, if any."""
    address = (
        EmailAddress.objects.filter(email=email, person__isnull=False)
        .select_related("person")
        .order_by("person__archived_at", "person_id")  # an active record before an archived one
        .first()
    )
    if address is not None and address.person is not None:
        person = _survivor(address.person)
        membership = (
            Membership.objects.filter(person=person, organization__merged_into__isnull=True)
            .select_related("organization")
            .order_by("-is_primary", "id")
            .first()
        )
        return Sender(person, membership.organization if membership else None)
    address = (
        EmailAddress.objects.filter(email=email, organization__isnull=False)
        .select_related("organization")
        .order_by("organization_id")
        .first()
    )
    if address is not None and address.organization is not None:
        return Sender(None, _survivor(address.organization))
    return None


def mark_reviewed(person: Person, *, by: User) -> Person:
    """Someone has looked at a person flagged for review (e.g. made from an unknown sender's mail)."""
    require(by, Permission.EDIT_CUSTOMERS)
    with transaction.atomic():
        current = _lock(Person, person.pk, None)
        if not current.review_note:
            return current
        changes = {"review_note": [current.review_note, ""]}
        Person.objects.filter(pk=current.pk).update(review_note="", updated_at=timezone.now())
        current.review_note = ""
        record(by=by, verb=ContactVerb.REVIEWED, target=current, changes=changes)
    return current
