"""Tandem records, as `export.py` writes them, turned into BottleCRM (django-crm 1.35.0) field values.

Standard library only: the loader imports this module inside the peer's own virtual environment
(where Tandem is not installed), and Tandem's tests import it as bench.peers.bottlecrm.mapping.

A Tandem row is a plain dict (one JSON line of the export):
  samples:      what Tandem's benchmark samples for its scenarios (bench/prepare.py), see `Samples`
  organization: id, name, website, industry, notes, archived, tags, emails, phones, addresses
  person:       id, first_name, last_name, notes, archived, tags, emails, phones, addresses, memberships
  deal:         see `opportunity_fields` (Tandem has no deals yet: the hook is ready for them)
with emails [{email, is_primary}], phones [{raw, e164, is_primary}], addresses [{street, city,
region, postal_code, country, is_primary}] and memberships [{organization_id, job_title,
is_primary}], each in Tandem's order (primary first).

BottleCRM keeps one e-mail, one phone and one flat address per record, so each gets Tandem's
primary one. What BottleCRM's constraints refuse is adjusted, never dropped silently: account
names are unique per org case-insensitively (a repeated name gets the Tandem id appended), contact
e-mails likewise (a repeated e-mail is left empty and counted).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

Row = Mapping[str, Any]

# django-crm's common.utils.INDCHOICES; Tandem's industry is free text.
INDUSTRIES = frozenset(
    {
        "ADVERTISING", "AGRICULTURE", "APPAREL & ACCESSORIES", "AUTOMOTIVE", "BANKING", "BIOTECHNOLOGY",
        "BUILDING MATERIALS & EQUIPMENT", "CHEMICAL", "COMPUTER", "EDUCATION", "ELECTRONICS", "ENERGY",
        "ENTERTAINMENT & LEISURE", "FINANCE", "FOOD & BEVERAGE", "GROCERY", "HEALTHCARE", "INSURANCE",
        "LEGAL", "MANUFACTURING", "PUBLISHING", "REAL ESTATE", "SERVICE", "SOFTWARE", "SPORTS",
        "TECHNOLOGY", "TELECOMMUNICATIONS", "TELEVISION", "TRANSPORTATION", "VENTURE CAPITAL",
    }
)  # fmt: skip

# Column sizes in django-crm 1.35.0 that are smaller than Tandem's.
PHONE_MAX = 25  # Account.phone, Contact.phone
URL_MAX = 200  # Account.website (URLField default)
NAME_MAX = 255  # Account.name, Opportunity.name


def pick_primary(items: Sequence[Row]) -> Row | None:
    """The primary entry, or the first one when none is marked primary (Tandem's own order)."""
    for item in items:
        if item.get("is_primary"):
            return item
    return items[0] if items else None


def industry_choice(text: str) -> str | None:
    """One of BottleCRM's industry choices when Tandem's free text names one, else nothing."""
    choice = text.strip().upper()
    return choice if choice in INDUSTRIES else None


def phone_value(phone: Row | None) -> tuple[str | None, str]:
    """(phone, phone_e164). bulk_create skips Contact.save(), which would derive phone_e164; Tandem
    has already normalised it. A display form too long for BottleCRM's column falls back to E.164."""
    if phone is None:
        return None, ""
    raw, e164 = str(phone.get("raw") or ""), str(phone.get("e164") or "")
    shown = raw if len(raw) <= PHONE_MAX else e164[:PHONE_MAX]
    return shown or None, e164


def address_fields(address: Row | None) -> dict[str, str | None]:
    address = address or {}

    def text(key: str) -> str | None:
        return str(address.get(key) or "").strip() or None

    country = text("country")
    return {
        "address_line": text("street"),
        "city": text("city"),
        "state": text("region"),
        "postcode": text("postal_code"),
        "country": country.upper() if country else None,
    }


def _email(record: Row) -> str | None:
    primary = pick_primary(record.get("emails") or [])
    return str(primary["email"]).strip() or None if primary else None


class UniqueNames:
    """BottleCRM's unique_account_name_per_org: Lower(name) is unique in an org. Tandem allows
    look-alike organizations on purpose, so a repeated name gets the Tandem id appended."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.renamed = 0

    def claim(self, name: str, tandem_id: int) -> str:
        name = name.strip()[:NAME_MAX] or f"Organization {tandem_id}"
        if name.lower() in self.seen:
            suffix = f" #{tandem_id}"
            name = name[: NAME_MAX - len(suffix)] + suffix
            self.renamed += 1
        self.seen.add(name.lower())
        return name


class UniqueEmails:
    """BottleCRM's unique_contact_email_per_org: Lower(email) is unique in an org. A person whose
    primary e-mail another person already has keeps no e-mail in BottleCRM."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.dropped = 0

    def claim(self, email: str | None) -> str | None:
        if not email:
            return None
        if email.lower() in self.seen:
            self.dropped += 1
            return None
        self.seen.add(email.lower())
        return email


def account_fields(org: Row, names: UniqueNames) -> dict[str, Any]:
    """BottleCRM Account fields for a Tandem organization (org, created_by, assigned_to are the loader's)."""
    phone, _e164 = phone_value(pick_primary(org.get("phones") or []))
    website = str(org.get("website") or "").strip()
    return {
        "name": names.claim(str(org.get("name") or ""), int(org["id"])),
        "email": _email(org),
        "phone": phone,
        "website": website if 0 < len(website) <= URL_MAX else None,
        "industry": industry_choice(str(org.get("industry") or "")),
        "description": str(org.get("notes") or "") or None,
        "is_active": not org.get("archived", False),
        **address_fields(pick_primary(org.get("addresses") or [])),
    }


def primary_membership(person: Row) -> Row | None:
    return pick_primary(person.get("memberships") or [])


def contact_fields(person: Row, emails: UniqueEmails, org_names: Mapping[int, str]) -> dict[str, Any]:
    """BottleCRM Contact fields for a Tandem person. The account FK is the loader's to resolve (from
    the primary membership's organization_id); `organization` is that organization's name, as
    BottleCRM's own forms fill it, and `title` the job title there."""
    phone, e164 = phone_value(pick_primary(person.get("phones") or []))
    membership = primary_membership(person)
    org_name = org_names.get(int(membership["organization_id"])) if membership else None
    return {
        "first_name": str(person.get("first_name") or ""),
        "last_name": str(person.get("last_name") or ""),
        "email": emails.claim(_email(person)),
        "phone": phone,
        "phone_e164": e164,
        "organization": org_name,
        "title": (str(membership.get("job_title") or "") or None) if membership else None,
        "description": str(person.get("notes") or "") or None,
        "is_active": not person.get("archived", False),
        **address_fields(pick_primary(person.get("addresses") or [])),
    }


class TagSlugs:
    """BottleCRM's Tags are unique by (slug, org); Tandem's by name, case-insensitively."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    def claim(self, name: str) -> str:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "tag"
        slug, n = base, 1
        while slug in self.seen:
            n += 1
            slug = f"{base}-{n}"
        self.seen.add(slug)
        return slug


class Samples:
    """Tandem's scenario samples (ids, tag, search text), with the BottleCRM id of every sampled
    person and organization filled in as the loader writes them, so the peer is asked for the
    same records as Tandem."""

    def __init__(self, samples: Row) -> None:
        self.samples = dict(samples)
        self.people: dict[int, str | None] = dict.fromkeys(samples.get("person_ids", []))
        self.organizations: dict[int, str | None] = dict.fromkeys(samples.get("organization_ids", []))

    def saw_person(self, tandem_id: int, peer_id: str) -> None:
        if tandem_id in self.people:
            self.people[tandem_id] = peer_id

    def saw_organization(self, tandem_id: int, peer_id: str) -> None:
        if tandem_id in self.organizations:
            self.organizations[tandem_id] = peer_id

    def resolved(self, tag_ids: Mapping[str, str]) -> dict[str, Any]:
        """The samples with `peer_person_ids`, `peer_organization_ids` (same order, records the
        loader did not see left out) and `peer_tag_id`."""
        tag = str(self.samples.get("tag") or "")
        return {
            **{k: v for k, v in self.samples.items() if k != "kind"},
            "peer_person_ids": [p for p in self.people.values() if p],
            "peer_organization_ids": [o for o in self.organizations.values() if o],
            "peer_tag_id": tag_ids.get(tag.lower()) if tag else None,
        }


def assignee_index(position: int, users: int) -> int:
    """Round-robin over the peer's users, so every record has one assignee (as the shared seed)."""
    return position % users


# --- Deals (hook) -----------------------------------------------------------------------------
# When Tandem has deals, export.py writes them as rows of kind "deal":
#   id, title, value (decimal string), currency, stage (Tandem's stage name), stage_kind ("open",
#   "won" or "lost"), probability (0-100), expected_close (ISO date or null), organization_id,
#   person_ids, archived
# and the loader turns each into an Opportunity with these fields (pipeline, account, contacts,
# assigned_to and closed_by are resolved by the loader). STAGE_CODES maps Tandem's stages to the
# default BottleCRM pipeline's codes; it is the one place to adjust once Tandem's stages are known.

STAGE_CODES: dict[str, str] = {
    "lead": "PROSPECTING",
    "prospecting": "PROSPECTING",
    "qualification": "QUALIFICATION",
    "qualified": "QUALIFICATION",
    "proposal": "PROPOSAL",
    "negotiation": "NEGOTIATION",
    "won": "CLOSED_WON",
    "lost": "CLOSED_LOST",
}


def stage_code(deal: Row) -> str:
    kind = str(deal.get("stage_kind") or "open")
    if kind in ("won", "lost"):
        return STAGE_CODES[kind]
    return STAGE_CODES.get(str(deal.get("stage") or "").strip().lower(), "PROSPECTING")


def opportunity_fields(deal: Row) -> dict[str, Any]:
    return {
        "name": str(deal.get("title") or f"Deal {deal['id']}")[:NAME_MAX],
        "stage": stage_code(deal),
        "amount": deal.get("value"),
        "currency": deal.get("currency") or None,
        "probability": int(deal.get("probability") or 0),
        "closed_on": deal.get("expected_close"),
        "is_active": not deal.get("archived", False),
    }
