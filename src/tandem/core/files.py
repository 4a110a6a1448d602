"""Serving stored files (item files, received mail, deal documents) to those a view has let see
them: as an attachment unless the type is one a browser may show safely, never sniffed."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from tandem.core.errors import NotFound

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
