"""Tags on organizations and people. Tagging a record names its tags, and a name Tandem does not
have yet becomes a tag."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from tandem.contacts.models import Tag
from tandem.core.errors import InvalidInput


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
