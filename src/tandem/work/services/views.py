"""A person's saved views of a board: a name for a filter, seen only by its owner."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.core.errors import NotFound
from tandem.work.models import Board, SavedView
from tandem.work.queries import may_see_board
from tandem.work.services._common import _clean_name


def save_view(*, by: User, board: Board, name: str, query: str) -> SavedView:
    """Save (or overwrite) the user's view of a board under a name."""
    require(by, Permission.VIEW_WORK)
    if not may_see_board(by, board.pk):
        raise NotFound(_("Not found."))
    clean = _clean_name(name, field="name", max_length=100)
    view, _created = SavedView.objects.update_or_create(
        user=by, board=board, name=clean, defaults={"query": str(query or "").lstrip("?")[:1000]}
    )
    return view


def delete_view(view: SavedView, *, by: User) -> None:
    if view.user_id != by.pk:
        raise NotFound(_("No such saved view."))
    view.delete()
