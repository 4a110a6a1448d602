"""Stored files (item files, received mail, deal documents): saved so that a rolled-back change
leaves none behind, and served to those a view has let see them, as an attachment unless the type
is one a browser may show safely, never sniffed."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from tandem.core.errors import NotFound

logger = logging.getLogger(__name__)

# --- Saving with the transaction ---------------------------------------------------------------
# A file storage has no transactions: a file saved inside a change that then rolls back would stay
# in the storage with no row naming it. `atomic_with_files()` opens a transaction that deletes the files
# `save_file()` stored in it when it rolls back. A block inside another keeps its files on success
# only as far as the outer block does.

_blocks = threading.local()


def _stack() -> list[list[tuple[Storage, str]]]:
    if not hasattr(_blocks, "stack"):
        _blocks.stack = []
    stack: list[list[tuple[Storage, str]]] = _blocks.stack
    return stack


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """`transaction.atomic()` that also deletes the files saved in it (with `save_file`) when it rolls
    back, by an error leaving it."""
    stack = _stack()
    saved: list[tuple[Storage, str]] = []
    stack.append(saved)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        stack.pop()
        for storage, name in saved:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete %s after a rolled-back change", name, exc_info=True)
        raise
    stack.pop()
    if stack:
        stack[-1].extend(saved)  # the outer block may still roll back


def save_file(field: FieldFile, name: str, content: Any) -> None:
    """Store `content` in `field` (not saving its row), deleted again if the enclosing `atomic_with_files()`
    block rolls back."""
    field.save(name, content, save=False)
    stack = _stack()
    if stack and field.name:
        stack[-1].append((field.storage, field.name))


# Types a browser may show in the page; anything else (HTML, SVG, scripts) is only downloaded.
SHOWN_INLINE = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
)


def serve(stored: FieldFile, *, name: str, content_type: str, inline: bool = False) -> FileResponse:
    """The file's bytes; `inline` shows it in the browser when its type is safe to show."""
    try:
        handle = stored.open("rb")
    except (OSError, ValueError):
        raise NotFound(_("The file is missing from the storage.")) from None
    shown = inline and content_type in SHOWN_INLINE
    response = FileResponse(
        handle,
        as_attachment=not shown,
        filename=name,
        content_type=content_type
        if shown or content_type == "message/rfc822"
        else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
