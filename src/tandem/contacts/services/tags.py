"""Tags on organizations and people. Tagging a record names its tags, and a name Tandem does not
have yet becomes a tag (`_tags`, for the record services); the admin creates, renames, recolours
and deletes tags through the services below, which check the role and record history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.contacts.models import Tag
from tandem.core.errors import InvalidInput, NotFound

TAG_NAME_MAX = 50
TAG_FIELDS = ("name", "color")


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


def clean_tag(data: Mapping[str, Any], *, tag: Tag | None = None) -> dict[str, str]:
    """The tag's fields named in `data`, cleaned: a name (unique whatever its case) and a colour
    written #rrggbb. `tag` is the tag being changed, if any. Raises InvalidInput naming the field."""
    unknown = sorted(set(data) - set(TAG_FIELDS))
    if unknown:
        raise InvalidInput(_("Unknown field: %(name)s") % {"name": unknown[0]}, field=unknown[0])
    cleaned: dict[str, str] = {}
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            raise InvalidInput(_("A name is required."), field="name")
        if len(name) > TAG_NAME_MAX:
            raise InvalidInput(_("A tag has at most 50 characters."), field="name")
        same = Tag.objects.filter(name__iexact=name)
        if (same.exclude(pk=tag.pk) if tag is not None else same).exists():
            raise InvalidInput(_("A tag with this name already exists."), field="name")
        cleaned["name"] = name
    if "color" in data:
        color = str(data["color"] or "").strip().lower()
        if not (
            len(color) == 7 and color.startswith("#") and all(c in "0123456789abcdef" for c in color[1:])
        ):
            raise InvalidInput(_("A colour is written #rrggbb."), field="color")
        cleaned["color"] = color
    return cleaned


def create_tag(*, by: User, data: Mapping[str, Any]) -> Tag:
    """A new tag (`name`, optional `color`). Whoever may tag a customer may make a tag."""
    require(by, Permission.EDIT_CUSTOMERS)
    if "name" not in data:
        raise InvalidInput(_("A name is required."), field="name")
    with transaction.atomic():
        tag = Tag(**clean_tag(data))
        tag.save()
        record(by=by, verb=RecordVerb.CREATED, target=tag)
    return tag


def update_tag(tag: Tag, *, by: User, data: Mapping[str, Any]) -> Tag:
    """Rename or recolour a tag: every record carrying it shows the change, so this takes the role
    that may archive and merge customers."""
    require(by, Permission.ARCHIVE_CUSTOMERS)
    with transaction.atomic():
        current = Tag.objects.select_for_update().filter(pk=tag.pk).first()
        if current is None:
            raise NotFound(_("This record no longer exists."))
        changes: dict[str, Any] = {}
        for name, value in clean_tag(data, tag=current).items():
            if getattr(current, name) != value:
                changes[name] = [getattr(current, name), value]
                setattr(current, name, value)
        if changes:
            current.save()
            record(by=by, verb=RecordVerb.UPDATED, target=current, changes=changes)
    return current


def delete_tag(tag: Tag, *, by: User) -> None:
    """Delete a tag; the records that carried it keep everything else. Takes the role that may
    archive and merge customers."""
    require(by, Permission.ARCHIVE_CUSTOMERS)
    with transaction.atomic():
        record(by=by, verb=RecordVerb.DELETED, target=tag)
        tag.delete()
