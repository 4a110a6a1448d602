"""What the contacts services share: the fields of a record, locking a record against a stale
edit, and the search text of a person."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy

from tandem.contacts.models import Organization, Person
from tandem.contacts.search import person_search_text
from tandem.core.locking import lock_version

ORGANIZATION_FIELDS = {"name", "website", "industry", "notes", "owner"}
PERSON_FIELDS = {"first_name", "last_name", "notes", "owner"}
LIST_FIELDS = {"emails", "phones", "addresses", "tags"}
ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")


# A customer record's edit refused as stale says "this record".
_STALE_RECORD = gettext_lazy(
    "Someone else changed this record after you opened it. Reload it to see their change, then edit again."
)


def _lock[R: (Organization, Person)](model: type[R], pk: int, version: int | None) -> R:
    return lock_version(model, pk, version, stale_message=_STALE_RECORD)


def _refresh_search_text(person: Person, written: Mapping[str, list[Any]] | None = None) -> None:
    """Store the person's search text; e-mails and phones just written are taken as given."""
    written = written or {}
    emails = (
        [e.email for e in written["emails"]]
        if "emails" in written
        else person.emails.values_list("email", flat=True)
    )
    phones = (
        [p.e164 for p in written["phones"]]
        if "phones" in written
        else person.phones.values_list("e164", flat=True)
    )
    search_text = person_search_text(person.name_key, emails, phones)
    if search_text != person.search_text:
        person.search_text = search_text
        Person.objects.filter(pk=person.pk).update(search_text=search_text)
