"""Merging two organizations or two people: the duplicate folds into the survivor, nothing lost."""

from __future__ import annotations

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.models import HistoryEntry
from tandem.activity.services import history_type, record
from tandem.contacts.models import Address, EmailAddress, Membership, Organization, Person, PhoneNumber
from tandem.contacts.search import organization_search_text
from tandem.contacts.services._common import (
    ORGANIZATION_FIELDS,
    PERSON_FIELDS,
    _lock,
    _refresh_search_text,
)
from tandem.contacts.verbs import ContactVerb
from tandem.core.errors import InvalidInput
from tandem.core.repoint import references_to, repoint


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

        HistoryEntry.objects.filter(target_type=history_type(keep), target_id=gone.pk).update(
            target_id=keep.pk
        )
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
            by=by,
            verb=ContactVerb.MERGED,
            target=keep,
            changes={"merged": str(gone), "merged_id": gone.pk, "moved": moved},
        )
    return keep
