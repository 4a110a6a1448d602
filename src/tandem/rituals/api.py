"""/api/v1/rituals: the list, the finance run's review, a meeting's minutes and their conversion
into items. Endpoints translate HTTP only: reads through rituals.queries, writes through
rituals.services (refusals in the API's one error format; a bad action line answers 422 with
`lines`: [{line, text, errors}])."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.http import HttpRequest
from ninja import Router

from tandem.accounts.auth import acting_user
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.agenda.recurrence import Occurrence
from tandem.core.api.errors import errors
from tandem.core.api.types import PathId
from tandem.rituals import queries, services
from tandem.rituals.models import Minutes, Ritual
from tandem.rituals.schemas import ConvertIn, ConvertOut, MinutesIn, MinutesOut, ReviewOut, RitualOut
from tandem.work.models import Item

rituals = Router(tags=["Rituals"])


def _ritual(ritual: Ritual) -> dict[str, Any]:
    return {
        "id": ritual.pk,
        "kind": ritual.kind,
        "name": ritual.name,
        "event": ritual.event_id,
        "calendar": ritual.event.calendar_id,
        "board": ritual.board_id,
        "url": ritual.get_absolute_url(),
    }


def _person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.display_name}


def _end(end: queries.LinkEnd) -> dict[str, Any]:
    return {
        "id": end.pk,
        "reference": end.reference,
        "title": end.title,
        "state": "open" if end.is_open else "closed",
        "private": end.hidden,
    }


def _occurrence(occurrence: Occurrence | None) -> dict[str, Any] | None:
    if occurrence is None:
        return None
    return {
        "occurrence": queries.original_start(occurrence),
        "start": occurrence.start,
        "end": occurrence.end,
    }


def _minutes(user: User, minutes: Minutes) -> dict[str, Any]:
    return {
        "ritual": minutes.ritual_id,
        "occurrence": minutes.occurrence_start,
        "text": minutes.text,
        "version": minutes.version,
        "items": [item.pk for item in queries.converted_items(user, minutes)],
    }


def _item(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "reference": item.reference,
        "title": item.title,
        "due_date": item.due_date,
        "assignees": [_person(u) for u in item.assignees.all()],
        "url": item.get_absolute_url(),
    }


@rituals.get("", response={200: list[RitualOut], **errors()})
def list_rituals(request: HttpRequest) -> list[dict[str, Any]]:
    """The rituals you may see (their board and their event both)."""
    return [_ritual(r) for r in queries.rituals_for(acting_user(request))]


@rituals.get("/{id}/review", response={200: ReviewOut, **errors(404)})
def review(request: HttpRequest, id: PathId) -> dict[str, Any]:
    """The board's open items you may see, oldest first, each with its age, whether it is overdue,
    and what blocks it and what it blocks; with the occurrence the review belongs to."""
    user = acting_user(request)
    ritual = queries.get_ritual_for_user(user, id)
    occurrence = queries.current_occurrence(ritual, queries.occurrence_choices(ritual))
    rows = queries.review(user, ritual)
    return {
        "ritual": ritual.pk,
        "occurrence": _occurrence(occurrence),
        "items": [
            {
                "id": row.item.pk,
                "reference": row.item.reference,
                "title": row.item.title,
                "url": row.item.get_absolute_url(),
                "created_at": row.item.created_at,
                "age_days": row.age_days,
                "due_date": row.item.due_date,
                "overdue": row.overdue,
                "column": row.item.column.name if row.item.column else None,
                "assignees": [_person(u) for u in row.item.assignees.all()],
                "blocked": row.blocked,
                "blocked_by": [_end(e) for e in row.blocked_by],
                "blocks": [_end(e) for e in row.blocks],
            }
            for row in rows
        ],
    }


@rituals.put("/{id}/minutes", response={200: MinutesOut, **errors(403, 404, 409)})
def put_minutes(request: HttpRequest, id: PathId, payload: MinutesIn) -> dict[str, Any]:
    """Write the minutes of one occurrence; `version` is the version you read (0: none yet), a
    stale one answers 409 with `current_version`."""
    user = acting_user(request)
    require(user, Permission.EDIT_WORK)
    ritual = queries.get_ritual_for_user(user, id)
    occurrence = payload.occurrence if payload.occurrence.tzinfo else payload.occurrence.replace(tzinfo=UTC)
    minutes = services.save_minutes(
        ritual, by=user, occurrence=occurrence, text=payload.text, version=payload.version
    )
    return _minutes(user, minutes)


@rituals.post("/{id}/minutes/convert", response={200: ConvertOut, **errors(403, 404, 409)})
def convert(request: HttpRequest, id: PathId, payload: ConvertIn) -> dict[str, Any]:
    """Turn the action lines of the occurrence's minutes into items on the ritual's board: the
    created ones and those converted before. Again: nothing new. A bad line: 422 with `lines`."""
    user = acting_user(request)
    require(user, Permission.EDIT_WORK)
    ritual = queries.get_ritual_for_user(user, id)
    occurrence = payload.occurrence if payload.occurrence.tzinfo else payload.occurrence.replace(tzinfo=UTC)
    done = services.convert_actions(ritual, by=user, occurrence=occurrence)
    return {
        "minutes": _minutes(user, done.minutes),
        "created": [_item(i) for i in done.created],
        "existing": [_item(i) for i in done.existing],
    }
