"""Every write to organizations and people goes through these functions: the HTML views, the API,
the admin, the demo seeder and importers call them, so the rules below hold everywhere.

Input comes as plain mappings (what a form's cleaned_data or an API schema's dict gives); only the
keys present are changed. Lists (emails, phones, addresses, tags, memberships) replace what was there.

One module per part: records (organizations and people: create, edit, archive, restore),
duplicates (the warnings), merge, senders (of inbound mail) and tags. Callers import the package:
`from tandem.contacts import services; services.create_person(...)`.
"""

from __future__ import annotations

from tandem.contacts.services._common import ADDRESS_FIELDS, LIST_FIELDS, ORGANIZATION_FIELDS, PERSON_FIELDS
from tandem.contacts.services.duplicates import Duplicate, find_duplicate_organizations, find_duplicate_people
from tandem.contacts.services.merge import merge
from tandem.contacts.services.records import (
    add_membership,
    archive,
    create_organization,
    create_person,
    restore,
    update_organization,
    update_person,
)
from tandem.contacts.services.senders import (
    FREE_MAIL_DOMAINS,
    Sender,
    known_sender,
    mark_reviewed,
    sender_for_mail,
)
from tandem.contacts.services.tags import clean_tag, create_tag, delete_tag, update_tag

__all__ = [
    "ADDRESS_FIELDS",
    "FREE_MAIL_DOMAINS",
    "LIST_FIELDS",
    "ORGANIZATION_FIELDS",
    "PERSON_FIELDS",
    "Duplicate",
    "Sender",
    "add_membership",
    "archive",
    "clean_tag",
    "create_organization",
    "create_person",
    "create_tag",
    "delete_tag",
    "find_duplicate_organizations",
    "find_duplicate_people",
    "known_sender",
    "mark_reviewed",
    "merge",
    "restore",
    "sender_for_mail",
    "update_organization",
    "update_person",
    "update_tag",
]
