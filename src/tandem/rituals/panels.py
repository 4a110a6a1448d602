"""What the rituals show on lower apps' pages (tandem.core.panels), registered in
RitualsConfig.ready(): the event page (agenda's, page "event") gets a card leading to the
ritual's page (the finance run's review, the board meeting's minutes), and a board's header a
link to the rituals that work on it. Neither app imports the rituals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tandem.accounts.guards import acting_user
from tandem.accounts.roles import Permission, can
from tandem.agenda.models import Event
from tandem.core.panels import register_panel
from tandem.rituals import queries
from tandem.work.models import Board


def event_rituals(request: HttpRequest, event: Event) -> dict[str, Any] | None:
    user = acting_user(request)
    if not can(user, Permission.VIEW_WORK):
        return None
    rituals = queries.rituals_of_event(user, event)
    if not rituals:
        return None
    occurrence = request.GET.get("occurrence", "") or (
        event.recurrence_id.isoformat() if event.recurrence_id else ""
    )
    return {"event_rituals": rituals, "ritual_occurrence": occurrence}


def board_rituals(request: HttpRequest, board: Board) -> dict[str, Any] | None:
    rituals = queries.rituals_of_board(acting_user(request), board.pk)
    return {"board_rituals": rituals} if rituals else None


def register() -> None:
    register_panel(
        "event", "rituals", template="rituals/partials/event_panel.html", context=event_rituals, order=15
    )
    register_panel(
        "board", "rituals", template="rituals/partials/board_panel.html", context=board_rituals, order=5
    )
