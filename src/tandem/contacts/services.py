"""Every write to organizations and people goes through these functions: the HTML views, the API,
the admin, the demo seeder and importers call them, so the rules below hold everywhere.

Input comes as plain mappings (what a form's cleaned_data or an API schema's dict gives); only the
keys present are changed. Lists (emails, phones, addresses, tags, memberships) replace what was there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.models import HistoryEntry
from tandem.activity.services import record
from tandem.contacts.models import (
    Address,
    ContactLabel,
    CustomerRecord,
    EmailAddress,
    Membership,
    Organization,
    Person,
    PhoneNumber,
    Tag,
)
from tandem.contacts.normalize import (
    normalize_email,
    normalize_phone,
    normalize_website,
    organization_name_key,
    person_name_key,
)
from tandem.contacts.search import organization_search_text, person_search_text
from tandem.core.errors import InvalidInput, NotFound, PossibleDuplicate, StaleVersion
from tandem.core.repoint import references_to, repoint

ORGANIZATION_FIELDS = {"name", "website", "industry", "notes", "owner"}
PERSON_FIELDS = {"first_name", "last_name", "notes", "owner"}
LIST_FIELDS = {"emails", "phones", "addresses", "tags"}
ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")


@dataclass
class Duplicate:
    record: Organization | Person
    reasons: list[str] = field(default_factory=list)


# --- Duplicate warnings ---------------------------------------------------------------------


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


# --- Shared helpers -------------------------------------------------------------------------


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


def _tags(names: Iterable[str]) -> list[Tag]:
    tags: list[Tag] = []
    for raw in names:
        name = str(raw).strip()
        if not name:
            continue
        if len(name) > 50:
            raise InvalidInput(_("A tag has at most 50 characters."), field="tags")
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
        if tag not in tags:
            tags.append(tag)
    return tags


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


def _lock[R: (Organization, Person)](model: type[R], pk: int, version: int | None) -> R:
    current = model.objects.select_for_update().filter(pk=pk).first()
    if current is None:
        raise NotFound(_("This record no longer exists."))
    if version is not None and current.version != version:
        raise StaleVersion(
            _(
                "Someone else changed this record after you opened it. Reload it to see their change, then edit again."
            ),
            extra={"current_version": current.version},
        )
    return current


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
        record(actor=by, verb="created", target=org, target_type="organization")
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
            record(actor=by, verb="updated", target=current, target_type="organization", changes=changes)
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
        record(actor=by, verb="created", target=person, target_type="person")
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
            record(actor=by, verb="updated", target=current, target_type="person", changes=changes)
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
                actor=by,
                verb="joined organization",
                target=person,
                target_type="person",
                changes={"organization": organization.name, "job_title": job_title},
            )
    return membership


# --- Archive, restore, merge ----------------------------------------------------------------


def _target_type(record_: CustomerRecord) -> str:
    return "organization" if isinstance(record_, Organization) else "person"


def archive[R: (Organization, Person)](customer: R, *, by: User, version: int | None = None) -> R:
    """Archived customers leave the lists and pickers but keep everything; restore brings them back."""
    require(by, Permission.ARCHIVE_CUSTOMERS)
    with transaction.atomic():
        current = _lock(type(customer), customer.pk, version)
        if current.archived_at is None:
            current.archived_at = timezone.now()
            current.version += 1
            current.save(update_fields=["archived_at", "version"])
            record(actor=by, verb="archived", target=current, target_type=_target_type(current))
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
            record(actor=by, verb="restored", target=current, target_type=_target_type(current))
    return current


def merge[R: (Organization, Person)](survivor: R, duplicate: R, *, by: User) -> R:
    """Fold `duplicate` into `survivor`: every link, detail, tag, note and history entry moves to the
    survivor (nothing is lost); the duplicate is archived and remembers where it went."""
    require(by, Permission.ARCHIVE_CUSTOMERS)
    model = type(survivor)
    if type(duplicate) is not model:
        raise InvalidInput(_("Only two organizations or two people can be merged."))
    if survivor.pk == duplicate.pk:
        raise InvalidInput(_("Choose two different records to merge."))
    with transaction.atomic():
        first, second = sorted([survivor.pk, duplicate.pk])  # lock in a fixed order: no deadlocks
        locked = {pk: _lock(model, pk, None) for pk in (first, second)}
        keep, gone = locked[survivor.pk], locked[duplicate.pk]
        if keep.merged_into_id or gone.merged_into_id:
            raise InvalidInput(_("One of these records was already merged into another one."))
        owner_field = "organization" if model is Organization else "person"
        moved: dict[str, int] = {}

        # Contact details: move what the survivor does not have yet.
        for manager_name, key in (("emails", "email"), ("phones", "e164"), ("addresses", None)):
            keep_mgr, gone_mgr = getattr(keep, manager_name), getattr(gone, manager_name)
            have = {getattr(d, key) if key else str(d) for d in keep_mgr.all()}
            fresh = [d.pk for d in gone_mgr.all() if (getattr(d, key) if key else str(d)) not in have]
            moved[manager_name] = gone_mgr.filter(pk__in=fresh).update(
                **{owner_field: keep, "is_primary": False}
            )
            gone_mgr.all().delete()

        # Memberships: the survivor's own wins where both have one; a blank job title is filled.
        keep_links = {
            (m.organization_id if model is Person else m.person_id): m for m in keep.memberships.all()
        }
        for membership in list(gone.memberships.all()):
            other = membership.organization_id if model is Person else membership.person_id
            if other in keep_links:
                existing = keep_links[other]
                if not existing.job_title and membership.job_title:
                    existing.job_title = membership.job_title
                    existing.save(update_fields=["job_title"])
                membership.delete()
            else:
                setattr(membership, owner_field, keep)
                membership.is_primary = False
                membership.save(update_fields=[owner_field, "is_primary"])
                moved["memberships"] = moved.get("memberships", 0) + 1

        keep.tags.add(*gone.tags.all())

        # Any other record that points at the duplicate (added by later apps: deals, items, received
        # mail…) follows it; a link the survivor already has (both on one deal) is kept once.
        handled: set[type[models.Model]] = {Membership, EmailAddress, PhoneNumber, Address}
        handled |= {
            f.remote_field.through for f in model._meta.many_to_many if f.remote_field.through
        }  # tags
        for reference in references_to(model, skip=handled):
            count = repoint(reference, gone, keep)
            if count:
                moved[reference.name] = count
        model.objects.filter(merged_into=gone).update(merged_into=keep)

        # Fill the survivor's blanks; keep both sets of notes.
        scalar_fields = ORGANIZATION_FIELDS if model is Organization else PERSON_FIELDS
        for name in scalar_fields - {"notes", "name", "last_name"}:
            if not getattr(keep, name) and getattr(gone, name):
                setattr(keep, name, getattr(gone, name))
        if isinstance(keep, Organization) and isinstance(gone, Organization) and not keep.domain:
            keep.domain = gone.domain
        if isinstance(keep, Organization):
            keep.search_text = organization_search_text(keep.name_key, keep.domain)
        if gone.notes.strip():
            keep.notes = (keep.notes.rstrip() + "\n\n" if keep.notes.strip() else "") + gone.notes.strip()

        target_type = _target_type(keep)
        HistoryEntry.objects.filter(target_type=target_type, target_id=gone.pk).update(target_id=keep.pk)
        keep.version += 1
        keep.updated_at = timezone.now()
        keep.save()
        if isinstance(keep, Person):
            _refresh_search_text(keep)
        gone.merged_into = keep
        gone.archived_at = gone.archived_at or timezone.now()
        gone.version += 1
        gone.save(update_fields=["merged_into", "archived_at", "version"])
        record(
            actor=by,
            verb="merged",
            target=keep,
            target_type=target_type,
            changes={"merged": str(gone), "merged_id": gone.pk, "moved": moved},
        )
    return keep


# --- Senders of inbound mail ----------------------------------------------------------------

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
    from django.db import connection

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
        record(actor=by, verb="reviewed", target=current, target_type="person", changes=changes)
    return current
