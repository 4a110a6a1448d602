"""Files on items: stored whole or not at all, under a safe name, within the size limit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.core.errors import InvalidInput
from tandem.core.files import atomic_with_files, save_file
from tandem.core.locking import lock_version
from tandem.work.models import Item, ItemFile
from tandem.work.queries import require_visible
from tandem.work.verbs import WorkVerb


@dataclass(frozen=True)
class NewFile:
    """A file to put on an item: its bytes (or an uploaded file), name and type."""

    name: str
    content: bytes | File
    content_type: str = "application/octet-stream"
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content) if isinstance(self.content, bytes) else int(self.content.size or 0)

    @classmethod
    def uploaded(cls, upload: Any) -> NewFile:
        """A file from a form or an API upload (Django's UploadedFile)."""
        return cls(
            name=upload.name or "file",
            content=upload,
            content_type=upload.content_type or "application/octet-stream",
        )


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _content_type(value: str) -> str:
    """A MIME type as given, if it looks like one; else application/octet-stream."""
    text = str(value or "").strip().lower()
    ok = (
        len(text) <= 100
        and text.count("/") == 1
        and all(c.isascii() and c.isprintable() and c != " " for c in text)
    )
    return text if ok else "application/octet-stream"


def clean_file_name(name: str) -> str:
    """A name to store and show: no folders, no control characters, at most 200 characters with its
    extension kept."""
    name = _UNSAFE_NAME.sub("_", str(name or "").rsplit("/", 1)[-1]).strip(" .") or "file"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 20 else name[:200]
    return name


def _storage_name(name: str) -> str:
    """The name a file is stored under: at most 120 bytes of UTF-8 before its extension, as file
    systems count name lengths in bytes (a Persian name of 150 letters is some 300 bytes)."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext.encode()) > 16:
        stem, ext = name, ""
    short = stem.encode()[:120].decode("utf-8", "ignore").strip() or "file"
    return f"{short}.{ext}" if ext else short


def max_file_bytes() -> int:
    return int(getattr(settings, "TANDEM_MAX_ATTACHMENT", 25 * 1024 * 1024))


def attach_files(item: Item, *, by: User, files: Sequence[NewFile]) -> list[ItemFile]:
    """Put files on an item, recorded as one change. Refused whole when one is empty or over the size
    limit (TANDEM_MAX_ATTACHMENT), so nothing is half attached."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    if not files:
        raise InvalidInput(_("Choose a file first."), field="file")
    limit = max_file_bytes()
    for new in files:
        if new.size <= 0:
            raise InvalidInput(_("The file %(name)s is empty.") % {"name": new.name}, field="file")
        if new.size > limit:
            raise InvalidInput(
                _("%(name)s is over the limit of %(limit)s MB for one file.")
                % {"name": new.name, "limit": f"{limit / 1024 / 1024:g}"},
                field="file",
            )
    with atomic_with_files():
        current = lock_version(Item, item.pk, None)
        made = []
        for new in files:
            name = clean_file_name(new.name)
            stored = ItemFile(
                item=current,
                name=name,
                content_type=_content_type(new.content_type),
                size=new.size,
                inline=new.inline,
                uploaded_by=by,
            )
            content = ContentFile(new.content) if isinstance(new.content, bytes) else new.content
            try:
                save_file(stored.file, _storage_name(name), content)
            except OSError as error:
                raise InvalidInput(
                    _("%(name)s could not be stored: %(error)s")
                    % {"name": name, "error": error.strerror or error},
                    field="file",
                ) from None
            stored.save()
            made.append(stored)
        Item.objects.filter(pk=current.pk).update(updated_at=timezone.now())
        record(
            by=by,
            verb=WorkVerb.ATTACHED_FILES,
            target=current,
            changes={"files": [f.name for f in made]},
        )
    return made


def remove_file(stored: ItemFile, *, by: User) -> None:
    require(by, Permission.EDIT_WORK)
    require_visible(by, stored.item)
    with transaction.atomic():
        current = lock_version(Item, stored.item_id, None)
        stored.delete()
        record(
            by=by,
            verb=WorkVerb.REMOVED_FILE,
            target=current,
            changes={"file": stored.name},
        )
    transaction.on_commit(lambda: stored.file.delete(save=False))
