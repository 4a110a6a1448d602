"""Calendars: create, change, archive and delete a person's, a team's or a resource's calendar."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import Team, User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.activity.verbs import RecordVerb
from tandem.agenda import queries
from tandem.agenda.models import Calendar, CalendarKind
from tandem.agenda.recurrence import zone
from tandem.core.errors import InvalidInput, NotAllowed, NotFound
from tandem.core.locking import lock_version

if TYPE_CHECKING:
    pass

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
FIELDS = ("name", "colour", "description", "location", "capacity", "private", "time_zone")


def _clean(calendar: Calendar, data: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name in FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "name":
            value = (value or "").strip()
            if not value:
                raise InvalidInput(_("Give the calendar a name."), field="name")
        elif name == "colour":
            if not _COLOUR.match(value or ""):
                raise InvalidInput(_("A colour is written #rrggbb, such as #4f46e5."), field="colour")
            value = value.lower()
        elif name == "time_zone":
            zone(value)
        elif name == "private" and value and calendar.kind == CalendarKind.RESOURCE:
            raise InvalidInput(
                _("A resource is seen by everyone who books it; it cannot be private."), field="private"
            )
        elif name in {"location", "capacity"} and calendar.kind != CalendarKind.RESOURCE and value:
            raise InvalidInput(_("Only a resource has a location and a capacity."), field=name)
        old = getattr(calendar, name)
        if old != value:
            changes[name] = (old, value)
            setattr(calendar, name, value)
    return changes


def create_calendar(
    *, by: User, kind: str, data: dict[str, Any], owner: User | None = None, team: Team | None = None
) -> Calendar:
    """A new calendar: a person's own (anyone who may schedule events; for someone else: admins), a
    team's or a resource's (those who manage calendars)."""
    require(by, Permission.EDIT_EVENTS)
    if kind == CalendarKind.PERSONAL:
        owner = owner or by
        team = None
        if owner.pk != by.pk and not queries.sees_every_calendar(by):
            raise NotAllowed(_("Only admins make calendars for someone else."))
    elif kind == CalendarKind.TEAM:
        require(by, Permission.MANAGE_CALENDARS)
        if team is None:
            raise InvalidInput(_("A team calendar needs its team."), field="team")
        owner = None
    elif kind == CalendarKind.RESOURCE:
        require(by, Permission.MANAGE_CALENDARS)
        owner = team = None
    else:
        raise InvalidInput(_("Choose personal, team or resource."), field="kind")
    calendar = Calendar(kind=kind, owner=owner, team=team, time_zone=getattr(by, "time_zone", "UTC") or "UTC")
    if "name" not in data:
        raise InvalidInput(_("Give the calendar a name."), field="name")
    with transaction.atomic():
        _clean(calendar, data)
        calendar.save()
        record(by=by, verb=RecordVerb.CREATED, target=calendar, changes={"name": calendar.name, "kind": kind})
    return calendar


def update_calendar(calendar: Calendar, *, by: User, version: int | None, data: dict[str, Any]) -> Calendar:
    if not queries.may_manage(by, calendar):
        raise NotAllowed(_("You may not change this calendar."))
    with transaction.atomic():
        current = lock_version(Calendar, calendar.pk, version)
        changes = _clean(current, data)
        if changes:
            current.version += 1
            current.updated_at = timezone.now()
            current.save()
            record(
                by=by,
                verb=RecordVerb.UPDATED,
                target=current,
                changes={name: list(pair) for name, pair in changes.items()},
            )
    return current


def delete_calendar(calendar: Calendar, *, by: User, version: int | None = None) -> None:
    """Delete a calendar with its events (their history stays)."""
    if not queries.may_manage(by, calendar):
        raise NotAllowed(_("You may not delete this calendar."))
    with transaction.atomic():
        current = lock_version(Calendar, calendar.pk, version)
        record(by=by, verb=RecordVerb.DELETED, target=current, changes={"name": current.name})
        current.delete()


def personal_calendar(user: User) -> Calendar:
    """The user's first personal calendar, made on first use (for pages that need one)."""
    found = Calendar.objects.filter(kind=CalendarKind.PERSONAL, owner=user, archived_at=None).first()
    if found is not None:
        return found
    if not user.pk:
        raise NotFound(_("There is no such calendar or event."))
    return create_calendar(by=user, kind=CalendarKind.PERSONAL, data={"name": user.display_name})
