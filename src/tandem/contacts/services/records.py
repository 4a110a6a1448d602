"""Organizations and people: create and edit them with their contact details, tags and
memberships; archive and restore them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.contacts.models import (
    Address,
    ContactLabel,
    CustomerRecord,
    EmailAddress,
    Membership,
    Organization,
    Person,
    PhoneNumber,
)
from tandem.contacts.normalize import (
    normalize_email,
    normalize_phone,
    normalize_website,
    organization_name_key,
    person_name_key,
)
from tandem.contacts.search import organization_search_text
from tandem.contacts.services._common import (
    ADDRESS_FIELDS,
    LIST_FIELDS,
    ORGANIZATION_FIELDS,
    PERSON_FIELDS,
    _lock,
    _refresh_search_text,
)
from tandem.contacts.services.duplicates import (
    _refuse_duplicates,
    find_duplicate_organizations,
    find_duplicate_people,
)
from tandem.contacts.services.tags import _tags
from tandem.contacts.verbs import ContactVerb
from tandem.core.errors import InvalidInput


def _validate(record: CustomerRecord, exclude: list[str]) -> None:
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(messages[0], field=field_name, extra={"errors": exc.message_dict}) from None


def _check_fields(data: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = set(data) - allowed - LIST_FIELDS - {"memberships"}
    if unknown:
        raise InvalidInput(
            _("Unknown field: %(name)s") % {"name": sorted(unknown)[0]}, field=sorted(unknown)[0]
        )


def _label(value: Any) -> str:
    label = value or ContactLabel.WORK
    if label not in ContactLabel.values:
        raise InvalidInput(_("Unknown label “%(label)s”.") % {"label": label})
    return str(label)


def _clean_emails(items: Iterable[Mapping[str, Any]]) -> list[EmailAddress]:
    result: list[EmailAddress] = []
    seen: set[str] = set()
    for item in items:
        try:
            email = normalize_email(str(item.get("email", "")))
        except ValueError as exc:
            raise InvalidInput(str(exc), field="emails") from None
        if email not in seen:
            seen.add(email)
            result.append(
                EmailAddress(
                    email=email, label=_label(item.get("label")), is_primary=bool(item.get("is_primary"))
                )
            )
    _one_primary(result)
    return result


def _clean_phones(items: Iterable[Mapping[str, Any]]) -> list[PhoneNumber]:
    result: list[PhoneNumber] = []
    seen: set[str] = set()
    for item in items:
        try:
            display, e164 = normalize_phone(str(item.get("number", "")))
        except ValueError as exc:
            raise InvalidInput(str(exc), field="phones") from None
        if e164 not in seen:
            seen.add(e164)
            result.append(
                PhoneNumber(
                    raw=display,
                    e164=e164,
                    label=_label(item.get("label")),
                    is_primary=bool(item.get("is_primary")),
                )
            )
    _one_primary(result)
    return result


def _clean_addresses(items: Iterable[Mapping[str, Any]]) -> list[Address]:
    result: list[Address] = []
    for item in items:
        values = {name: str(item.get(name) or "").strip() for name in ADDRESS_FIELDS}
        if not any(values.values()):
            continue
        values["country"] = values["country"].upper()
        address = Address(**values, label=_label(item.get("label")), is_primary=bool(item.get("is_primary")))
        try:
            address.full_clean(exclude=["person", "organization"], validate_constraints=False)
        except ValidationError as exc:
            field_name, messages = next(iter(exc.message_dict.items()))
            raise InvalidInput(f"{field_name}: {messages[0]}", field="addresses") from None
        if len(values["country"]) not in (0, 2) or (not values["country"].isalpha() and values["country"]):
            raise InvalidInput(_("Country must be a two-letter code such as DE or IR."), field="addresses")
        result.append(address)
    _one_primary(result)
    return result


def _one_primary(details: list[Any]) -> None:
    if details and not any(d.is_primary for d in details):
        details[0].is_primary = True
    seen_primary = False
    for detail in details:
        if detail.is_primary and seen_primary:
            detail.is_primary = False
        seen_primary = seen_primary or detail.is_primary


def _replace_details(
    record: Organization | Person, data: Mapping[str, Any], *, new: bool = False
) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """Replace the contact details named in `data`. Returns the history changes and the details
    written, by kind. A `new` record has none yet, so nothing is read or deleted first."""
    owner = {"person": record} if isinstance(record, Person) else {"organization": record}
    changes: dict[str, Any] = {}
    written: dict[str, list[Any]] = {}
    cleaners: dict[str, Callable[[Iterable[Mapping[str, Any]]], list[Any]]] = {
        "emails": _clean_emails,
        "phones": _clean_phones,
        "addresses": _clean_addresses,
    }
    managers: dict[str, Any] = {
        "emails": record.emails,
        "phones": record.phones,
        "addresses": record.addresses,
    }
    for key, cleaner in cleaners.items():
        if key not in data:
            continue
        details = written[key] = cleaner(data[key] or [])
        manager = managers[key]
        old: list[str] = []
        if not new:
            old = [str(d) for d in manager.all()]
            manager.all().delete()
        for detail in details:
            for attr, value in owner.items():
                setattr(detail, attr, value)
        if details:
            type(details[0]).objects.bulk_create(details)
        if old != [str(d) for d in details]:
            changes[key] = [old, [str(d) for d in details]]
    if "tags" in data:
        tags = _tags(data["tags"] or [])
        old_names = [] if new else sorted(t.name for t in record.tags.all())
        if new:
            record.tags.add(*tags)
        else:
            record.tags.set(tags)
        if old_names != sorted(t.name for t in tags):
            changes["tags"] = [old_names, sorted(t.name for t in tags)]
    return changes, written


def _set_scalars(record: CustomerRecord, data: Mapping[str, Any], allowed: set[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in allowed & set(data):
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        old = getattr(record, name)
        if value is None and name != "owner":
            value = ""
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(record, name, value)
    return changes


# --- Organizations --------------------------------------------------------------------------


def _apply_organization(org: Organization, data: Mapping[str, Any]) -> dict[str, Any]:
    _check_fields(data, ORGANIZATION_FIELDS)
    changes = _set_scalars(org, data, ORGANIZATION_FIELDS)
    if not org.name:
        raise InvalidInput(_("An organization needs a name."), field="name")
    try:
        org.website, org.domain = normalize_website(org.website)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="website") from None
    org.name_key = organization_name_key(org.name)
    org.search_text = organization_search_text(org.name_key, org.domain)
    _validate(org, exclude=["owner", "created_by", "merged_into"])
    return changes


def create_organization(*, by: User, data: Mapping[str, Any], allow_duplicate: bool = False) -> Organization:
    require(by, Permission.EDIT_CUSTOMERS)
    with transaction.atomic():
        org = Organization(created_by=by, owner=data.get("owner", by))
        _apply_organization(org, data)
        if not allow_duplicate:
            _refuse_duplicates(find_duplicate_organizations(name=org.name, website=org.website))
        org.save()
        _replace_details(org, data, new=True)
        record(by=by, verb=RecordVerb.CREATED, target=org)
    return org


def update_organization(
    org: Organization, *, by: User, version: int | None, data: Mapping[str, Any]
) -> Organization:
    """`version` is the version the caller's edit was based on; a stale one is refused."""
    require(by, Permission.EDIT_CUSTOMERS)
    with transaction.atomic():
        current = _lock(Organization, org.pk, version)
        changes = _apply_organization(current, data)
        changes.update(_replace_details(current, data)[0])
        if changes:
            current.version += 1
            current.updated_at = timezone.now()
            current.save()
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


# --- People ---------------------------------------------------------------------------------


def _apply_person(person: Person, data: Mapping[str, Any]) -> dict[str, Any]:
    _check_fields(data, PERSON_FIELDS)
    changes = _set_scalars(person, data, PERSON_FIELDS)
    if not person.last_name and not person.first_name:
        raise InvalidInput(_("A person needs a name."), field="last_name")
    if not person.last_name:
        # One-word names ("Madonna", or a name not split into parts) go into last_name, the sort key.
        person.last_name, person.first_name = person.first_name, ""
    person.name_key = person_name_key(person.first_name, person.last_name)
    _validate(person, exclude=["owner", "created_by", "merged_into"])
    return changes


def _replace_memberships(
    person: Person, items: Iterable[Mapping[str, Any]], *, new: bool = False
) -> dict[str, Any]:
    wanted: dict[int, Mapping[str, Any]] = {}
    for item in items:
        org = item.get("organization")
        if not isinstance(org, Organization):
            org = Organization.objects.filter(
                pk=item.get("organization_id") or 0, merged_into__isnull=True
            ).first()
        if org is None:
            raise InvalidInput(_("That organization does not exist."), field="memberships")
        title = str(item.get("job_title") or "").strip()
        if len(title) > 150:
            raise InvalidInput(_("A job title has at most 150 characters."), field="memberships")
        wanted[org.pk] = {"job_title": title, "is_primary": bool(item.get("is_primary")), "org": org}
    existing = (
        {} if new else {m.organization_id: m for m in person.memberships.select_related("organization")}
    )
    old = sorted(f"{m.organization.name}: {m.job_title}" for m in existing.values())
    for org_id, membership in existing.items():
        if org_id not in wanted:
            membership.delete()
    if wanted and not any(w["is_primary"] for w in wanted.values()):
        next(iter(wanted.values()))["is_primary"] = True  # type: ignore[index]
    for org_id, values in wanted.items():
        membership = existing.get(org_id) or Membership(person=person, organization=values["org"])
        membership.job_title = values["job_title"]
        membership.is_primary = values["is_primary"]
        membership.save()
    now = sorted(f"{v['org'].name}: {v['job_title']}" for v in wanted.values())
    return {"organizations": [old, now]} if old != now else {}


def create_person(*, by: User, data: Mapping[str, Any], allow_duplicate: bool = False) -> Person:
    require(by, Permission.EDIT_CUSTOMERS)
    with transaction.atomic():
        person = Person(created_by=by, owner=data.get("owner", by))
        _apply_person(person, data)
        if not allow_duplicate:
            emails = [str(e.get("email", "")) for e in data.get("emails") or []]
            phones = [str(p.get("number", "")) for p in data.get("phones") or []]
            _refuse_duplicates(
                find_duplicate_people(
                    first_name=person.first_name, last_name=person.last_name, emails=emails, phones=phones
                )
            )
        person.save()
        _, written = _replace_details(person, data, new=True)
        _refresh_search_text(person, written)
        if "memberships" in data:
            _replace_memberships(person, data["memberships"] or [], new=True)
        record(by=by, verb=RecordVerb.CREATED, target=person)
    return person


def update_person(person: Person, *, by: User, version: int | None, data: Mapping[str, Any]) -> Person:
    require(by, Permission.EDIT_CUSTOMERS)
    with transaction.atomic():
        current = _lock(Person, person.pk, version)
        changes = _apply_person(current, data)
        details_changed, written = _replace_details(current, data)
        changes.update(details_changed)
        _refresh_search_text(current, written)
        if "memberships" in data:
            changes.update(_replace_memberships(current, data["memberships"] or []))
        if changes:
            current.version += 1
            current.updated_at = timezone.now()
            current.save()
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


def add_membership(
    person: Person, organization: Organization, *, by: User, job_title: str = ""
) -> Membership:
    require(by, Permission.EDIT_CUSTOMERS)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            person=person, organization=organization, defaults={"job_title": job_title.strip()[:150]}
        )
        if created:
            if not person.memberships.exclude(pk=membership.pk).exists():
                Membership.objects.filter(pk=membership.pk).update(is_primary=True)
            record(
                by=by,
                verb=ContactVerb.JOINED_ORGANIZATION,
                target=person,
                changes={"organization": organization.name, "job_title": job_title},
            )
    return membership


# --- Archive and restore --------------------------------------------------------------------


def archive[R: (Organization, Person)](customer: R, *, by: User, version: int | None = None) -> R:
    """Archived customers leave the lists and pickers but keep everything; restore brings them back."""
    require(by, Permission.ARCHIVE_CUSTOMERS)
    with transaction.atomic():
        current = _lock(type(customer), customer.pk, version)
        if current.archived_at is None:
            current.archived_at = timezone.now()
            current.version += 1
            current.save(update_fields=["archived_at", "version"])
            record(by=by, verb=RecordVerb.ARCHIVED, target=current)
    return current


def restore[R: (Organization, Person)](customer: R, *, by: User, version: int | None = None) -> R:
    require(by, Permission.ARCHIVE_CUSTOMERS)
    with transaction.atomic():
        current = _lock(type(customer), customer.pk, version)
        if current.merged_into_id is not None:
            raise InvalidInput(_("This record was merged into another one; open that one instead."))
        if current.archived_at is not None:
            current.archived_at = None
            current.version += 1
            current.save(update_fields=["archived_at", "version"])
            record(by=by, verb=RecordVerb.RESTORED, target=current)
    return current
