"""Every write of the rituals (docs/architecture.md, "The service layer"): set one up (its
recurring event through agenda.services), write a meeting's minutes (optimistic concurrency), and
turn the minutes' action lines into items on the board (through work.services), all or nothing.

Converting again makes nothing twice: each converted line gets `(#123)` written after it, and
its key (tandem.rituals.actions.line_key) is remembered with the item (`ActionLine`). A line with
the marker of an item these minutes made is done, however it was edited since; a line without a
marker is matched by its key; only a line matched by neither becomes a new item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.agenda import services as agenda
from tandem.agenda.models import Calendar, Event
from tandem.agenda.queries import may_write
from tandem.agenda.recurrence import iso
from tandem.core.errors import InvalidInput, NotAllowed, NotFound, StaleVersion
from tandem.rituals import queries
from tandem.rituals.actions import ParsedAction, find_actions, with_marker
from tandem.rituals.models import ActionLine, Minutes, Ritual, RitualKind
from tandem.rituals.verbs import RitualVerb
from tandem.work import services as work
from tandem.work.markdown import escape_markdown
from tandem.work.models import Board, Item
from tandem.work.queries import may_see_board

MINUTES_MAX = 100_000
RULES = {RitualKind.FINANCE_RUN: "FREQ=WEEKLY", RitualKind.BOARD_MEETING: "FREQ=MONTHLY"}
LENGTHS = {RitualKind.FINANCE_RUN: timedelta(hours=1), RitualKind.BOARD_MEETING: timedelta(hours=2)}


def create_ritual(
    *,
    by: User,
    kind: str,
    name: str,
    calendar: Calendar,
    board: Board,
    start: datetime,
    attendees: Sequence[User] = (),
    description: str = "",
) -> Ritual:
    """A ritual with its recurring event on `calendar`: weekly for the finance run (one hour),
    monthly for the board meeting (two hours), from `start` (in the calendar's zone when naive)."""
    require(by, Permission.EDIT_EVENTS)
    if kind not in RitualKind.values:
        raise InvalidInput(_("Choose the finance run or the board meeting."), field="kind")
    if not may_see_board(by, board.pk):
        raise NotFound(_("This board no longer exists."))
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput(_("Give the ritual a name."), field="name")
    with transaction.atomic():
        event = agenda.create_event(
            by=by,
            calendar=calendar,
            data={
                "title": name,
                "description": description,
                "start": start,
                "end": start + LENGTHS[RitualKind(kind)],
                "rrule": RULES[RitualKind(kind)],
                "attendees": list(attendees),
            },
            confirm_conflicts=True,
        )
        ritual = Ritual.objects.create(kind=kind, name=name[:200], event=event, board=board, created_by=by)
        record(by=by, verb=RitualVerb.SET_UP, target=ritual, changes={"event": event.pk, "board": board.pk})
    return ritual


def _moment(ritual: Ritual, occurrence: datetime) -> datetime:
    if not isinstance(occurrence, datetime) or occurrence.tzinfo is None:
        raise InvalidInput(_("Say which meeting: its start with a time zone."), field="occurrence")
    moment = occurrence.astimezone(UTC)
    if queries.find_occurrence(ritual, moment) is None:
        raise InvalidInput(_("The meeting has no occurrence starting then."), field="occurrence")
    return moment


def save_minutes(
    ritual: Ritual, *, by: User, occurrence: datetime, text: str, version: int | None
) -> Minutes:
    """Write the minutes of one occurrence. `version` is the version the edit was based on (0 or
    None for minutes not written yet); a stale one is refused (StaleVersion) and nothing is saved."""
    require(by, Permission.EDIT_WORK)
    moment = _moment(ritual, occurrence)
    text = (text or "").replace("\r\n", "\n")
    if len(text) > MINUTES_MAX:
        raise InvalidInput(
            _("Minutes have at most %(count)d characters.") % {"count": MINUTES_MAX}, field="text"
        )
    stale = _(
        "Someone else changed these minutes after you opened them. Reload to see their change, then try again."
    )
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(ritual=ritual, occurrence_start=moment).first()
        if minutes is None:
            if version:
                raise StaleVersion(stale, extra={"current_version": 0})
            try:
                with transaction.atomic():
                    minutes = Minutes.objects.create(
                        ritual=ritual, occurrence_start=moment, text=text, updated_by=by
                    )
            except IntegrityError:
                raise StaleVersion(stale, extra={"current_version": 1}) from None
        else:
            if version is not None and version != minutes.version:
                raise StaleVersion(stale, extra={"current_version": minutes.version})
            if minutes.text == text:
                return minutes
            minutes.text = text
            minutes.version += 1
            minutes.updated_by = by
            minutes.updated_at = timezone.now()
            minutes.save()
        record(
            by=by,
            verb=RitualVerb.WROTE_MINUTES,
            target=ritual,
            changes={"occurrence": iso(moment), "version": minutes.version},
        )
    return minutes


# --- Action lines to items -----------------------------------------------------------------------


@dataclass
class PlannedAction:
    """An action line and what converting will do with it: make an item (`existing` None) or find
    the one made before. `errors` say why it cannot be made."""

    parsed: ParsedAction
    title: str
    assignee: User | None = None
    existing: Item | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def is_new(self) -> bool:
        return self.existing is None


def plan_actions(ritual: Ritual, text: str, *, minutes: Minutes | None, by: User) -> list[PlannedAction]:
    """What converting `text` would do, line by line (nothing is written)."""
    parsed = find_actions(text)
    handles = {p.handle for p in parsed if p.handle}
    users = {u.handle: u for u in User.objects.filter(handle__in=handles, is_active=True, is_system=False)}
    done: list[ActionLine] = list(minutes.actions.select_related("item")) if minutes is not None else []
    by_item = {line.item_id: line.item for line in done}
    by_key = {line.key: line.item for line in done}
    prefix = ritual.board.title_prefix
    planned = []
    made_now: dict[str, PlannedAction] = {}
    for action in parsed:
        title = action.title if not prefix or action.title.startswith(prefix) else prefix + action.title
        plan = PlannedAction(parsed=action, title=title)
        plan.existing = by_item.get(action.marker) if action.marker else None
        plan.existing = plan.existing or by_key.get(action.key)
        if plan.existing is None and action.key in made_now:
            plan.existing = made_now[action.key].existing  # the same line twice: one item
            plan.errors = list(made_now[action.key].errors)
        if plan.existing is None:
            plan.errors = list(action.errors)
            if action.handle:
                plan.assignee = users.get(action.handle)
                if plan.assignee is None:
                    plan.errors.append(
                        _("Nobody in Tandem has the handle @%(handle)s.") % {"handle": action.handle}
                    )
                elif not may_see_board(plan.assignee, ritual.board_id):
                    plan.errors.append(
                        _("@%(handle)s cannot see the board “%(board)s”.")
                        % {"handle": action.handle, "board": ritual.board.name}
                    )
            made_now.setdefault(action.key, plan)
        planned.append(plan)
    return planned


@dataclass
class Conversion:
    minutes: Minutes
    created: list[Item]
    existing: list[Item]


def _meeting_url(ritual: Ritual, moment: datetime) -> str:
    return f"{reverse('rituals:detail', args=[ritual.pk])}?{urlencode({'occurrence': iso(moment)})}"


def _description(ritual: Ritual, moment: datetime, line: str) -> str:
    day = timezone.localtime(moment).date().isoformat()
    return (
        _("From the minutes of the [%(meeting)s of %(day)s](%(url)s):")
        % {
            "meeting": escape_markdown(ritual.name),
            "day": day,
            "url": _meeting_url(ritual, moment),
        }
        + f"\n\n> {escape_markdown(line.strip())}"
    )


def convert_actions(
    ritual: Ritual,
    *,
    by: User,
    occurrence: datetime,
    text: str | None = None,
    version: int | None = None,
) -> Conversion:
    """Turn the minutes' action lines into items on the ritual's board, each with the board's
    title prefix, its assignee and due date, a link back to the meeting (in its description, and
    the occurrence linked to it on the calendar), and the `(#123)` marker written after its line.
    With `text`, the minutes are saved first (as save_minutes). A line that cannot be made
    refuses the whole conversion (InvalidInput with `extra["lines"]`): nothing is written."""
    require(by, Permission.EDIT_WORK)
    if ritual.kind != RitualKind.BOARD_MEETING:
        raise InvalidInput(_("Only a meeting's minutes have actions to convert."), field="kind")
    moment = _moment(ritual, occurrence)
    if not may_write(by, ritual.event.calendar):
        raise NotAllowed(
            _("You may not change this meeting on its calendar, so its actions cannot be linked to it.")
        )
    with transaction.atomic():
        if text is not None:
            save_minutes(ritual, by=by, occurrence=moment, text=text, version=version)
        minutes = Minutes.objects.select_for_update().filter(ritual=ritual, occurrence_start=moment).first()
        if minutes is None:
            raise InvalidInput(_("Write the minutes first."), field="text")
        planned = plan_actions(ritual, minutes.text, minutes=minutes, by=by)
        wrong = [p for p in planned if p.is_new and p.errors]
        if wrong:
            raise InvalidInput(
                _("Nothing was converted: correct the lines marked below first."),
                field="text",
                extra={
                    "lines": [
                        {"line": p.parsed.number, "text": p.parsed.line.strip(), "errors": p.errors}
                        for p in wrong
                    ]
                },
            )
        created: list[Item] = []
        existing: list[Item] = []
        lines = minutes.text.split("\n")
        made: dict[str, Item] = {}
        for plan in planned:
            action = plan.parsed
            item = plan.existing or made.get(action.key)
            if item is None:
                assert plan.assignee is not None
                item = work.create_item(
                    by=by,
                    board=ritual.board,
                    data={
                        "title": plan.title,
                        "assignees": [plan.assignee],
                        "due_date": action.due,
                        "description": _description(ritual, moment, action.text),
                    },
                )
                made[action.key] = item
                created.append(item)
            elif item not in existing and item not in created:
                existing.append(item)
            ActionLine.objects.get_or_create(
                minutes=minutes, key=action.key, defaults={"item": item, "text": action.text}
            )
            lines[action.number - 1] = with_marker(lines[action.number - 1], item.pk)
        new_text = "\n".join(lines)
        if new_text != minutes.text:
            minutes.text = new_text
            minutes.version += 1
            minutes.updated_by = by
            minutes.updated_at = timezone.now()
            minutes.save()
        if created:
            _link_to_occurrence(ritual, moment, created, by=by)
            record(
                by=by,
                verb=RitualVerb.CONVERTED_ACTIONS,
                target=ritual,
                changes={"occurrence": iso(moment), "items": [item.pk for item in created]},
            )
    return Conversion(minutes=minutes, created=created, existing=existing)


def _link_to_occurrence(ritual: Ritual, moment: datetime, items: list[Item], *, by: User) -> None:
    """The occurrence lists the items among its linked records (an override of that occurrence
    carries them, made by agenda.services as for any change of one occurrence)."""
    series = ritual.event
    override = Event.objects.filter(master=series, recurrence_id=moment).first()
    source = override or series
    linked = [link.item for link in source.links.filter(item__isnull=False).select_related("item")]
    data: dict[str, Any] = {"items": [*linked, *(i for i in items if i not in linked)]}
    agenda.update_event(
        series, by=by, version=None, data=data, scope="this", occurrence=moment, confirm_conflicts=True
    )
