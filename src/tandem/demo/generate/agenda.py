"""Benchmark data for the shared calendar: a team of N users, their personal calendars, the team's
calendar, meeting rooms, and events spread over ten years (eight behind the generated time line's
end, two ahead), some of them recurring series with overridden occurrences.

Deterministic (the seed and an event's number give its row) and resumable like the rest of the
generator: a run counts the generated events and adds the missing ones, in batches, one transaction
each. Rows are written in bulk with the values the services would store (UTC instants, the event's
own zone, `last_end` as `agenda.recurrence.last_end` computes it)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from tandem.accounts.models import Team, User
from tandem.agenda.models import Attendee, Booking, Calendar, CalendarKind, Event, reaches_far
from tandem.agenda.recurrence import expand, last_end
from tandem.core.progress import Progress, Stream
from tandem.demo.generate.writer import Batch, BulkWriter

TEAM_NAME = "Generated calendar team"
TEAM_CALENDAR = "Generated team calendar"
ROOMS = 10
USER_DOMAIN = "tandem-calendar.example"
SPAN_BEHIND = timedelta(days=8 * 365)
SPAN_AHEAD = timedelta(days=2 * 365)
BATCH_SIZE = 20_000
RECURRING_SHARE = 0.03  # of events: series (weekly, fortnightly, monthly)
OVERRIDE_SHARE = 0.1  # of series: one occurrence moved
ZONES = ["Europe/Berlin"] * 6 + ["America/New_York"] * 2 + ["Asia/Tehran", "UTC"]
TITLES = [
    "Planning", "1:1", "Customer call", "Design review", "Stand-up", "Pipeline review", "Demo",
    "Retrospective", "Interview", "Focus time", "Onboarding", "Contract review", "Support sync",
]  # fmt: skip
RULES = ["FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"]

FIELDS = {
    Event: ("calendar", "uid", "master", "recurrence_id", "title", "description", "location", "video_url",
            "start", "end", "time_zone", "all_day", "busy", "status", "priority", "organizer", "rrule",
            "rdates", "exdates", "reminders", "last_end", "spans_long", "next_reminder_at", "sequence", "version",
            "created_by", "created_at", "updated_at"),
    Attendee: ("event", "user", "person", "email", "response"),
    Booking: ("event", "resource"),
}  # fmt: skip


@dataclass
class GeneratedTeam:
    users: list[int]
    personal: dict[int, int]  # user id → personal calendar id
    team_calendar: int
    rooms: list[int]


def _team(size: int, until: datetime) -> GeneratedTeam:
    team, _ = Team.objects.get_or_create(name=TEAM_NAME)
    users = []
    for number in range(size):
        email = f"calendar-{number:04d}@{USER_DOMAIN}"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, None, full_name=f"Calendar user {number}", date_joined=until
        )
        users.append(user.pk)
    team.members.add(*users)
    personal = {}
    for pk in users:
        calendar = Calendar.objects.filter(kind=CalendarKind.PERSONAL, owner_id=pk).first()
        if calendar is None:
            calendar = Calendar.objects.create(kind=CalendarKind.PERSONAL, owner_id=pk, name="Personal")
        personal[pk] = calendar.pk
    team_calendar = Calendar.objects.filter(kind=CalendarKind.TEAM, name=TEAM_CALENDAR).first()
    if team_calendar is None:
        team_calendar = Calendar.objects.create(kind=CalendarKind.TEAM, team=team, name=TEAM_CALENDAR)
    rooms = []
    for number in range(ROOMS):
        name = f"Generated room {number + 1}"
        room = Calendar.objects.filter(kind=CalendarKind.RESOURCE, name=name).first()
        if room is None:
            room = Calendar.objects.create(kind=CalendarKind.RESOURCE, name=name, capacity=4 + number)
        rooms.append(room.pk)
    return GeneratedTeam(users, personal, team_calendar.pk, rooms)


def calendar_until() -> datetime:
    """The end of the generated time line: the day the first run made the team (its users' joining
    date), so resumed runs give the same dates; today on the first run."""
    first = User.objects.filter(email=f"calendar-0000@{USER_DOMAIN}").first()
    if first is not None:
        return first.date_joined.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _generated(team: GeneratedTeam) -> int:
    calendars = [*team.personal.values(), team.team_calendar]
    return Event.objects.filter(
        calendar_id__in=calendars, uid__endswith="@generated", master__isnull=True
    ).count()


def _event(
    rng: random.Random, number: int, team: GeneratedTeam, until: datetime
) -> tuple[Event, list[int], int | None, datetime | None]:
    """An unsaved event (its columns), its attendees' user ids, the room it books, and the moment of
    the occurrence to override (series only)."""
    organizer = team.users[rng.randrange(len(team.users))]
    zone = rng.choice(ZONES)
    tz = ZoneInfo(zone)
    day = (until - SPAN_BEHIND) + timedelta(days=rng.randrange((SPAN_BEHIND + SPAN_AHEAD).days))
    wall = datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.choice((0, 30)), tzinfo=tz)
    start = wall.astimezone(UTC)
    end = start + timedelta(minutes=rng.choice((30, 30, 60, 60, 60, 90, 120)))
    recurring = rng.random() < RECURRING_SHARE
    rule = ""
    if recurring:
        rule = rng.choice(RULES)
        ending = rng.random()  # most series end: after a number of meetings, or on a date
        if ending < 0.5:
            rule += f";COUNT={rng.randrange(4, 60)}"
        elif ending < 0.98:
            stop = (wall + timedelta(days=rng.randrange(30, 400))).astimezone(UTC)
            rule += f";UNTIL={stop:%Y%m%dT%H%M%SZ}"
    shared = rng.random() < 0.3
    calendar = team.team_calendar if shared else team.personal[organizer]
    attendees = {organizer}
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
        attendees.add(team.users[rng.randrange(len(team.users))])
    room = team.rooms[rng.randrange(len(team.rooms))] if rng.random() < 0.1 else None
    event = Event(
        calendar_id=calendar, uid=f"{number}@generated", title=rng.choice(TITLES), start=start, end=end,
        time_zone=zone, rrule=rule, organizer_id=organizer, created_by_id=organizer,
        priority=rng.choice((0, 0, 0, 1, 5, 9)), created_at=start - timedelta(days=7),
    )  # fmt: skip
    event.last_end = last_end(event)
    moved = None
    if recurring and rng.random() < OVERRIDE_SHARE:
        second = expand(event, start + timedelta(minutes=1), start + timedelta(days=70))
        moved = second[0].start if second else None
    return event, sorted(attendees), room, moved


def _row(writer: BulkWriter, event: Event, master: int | None, recurrence_id: datetime | None) -> tuple:
    stamp = writer.stamp
    return (
        event.calendar_id, event.uid, master, stamp(recurrence_id) if recurrence_id else None, event.title, "",
        "", "", stamp(event.start), stamp(event.end), event.time_zone, False, True, "confirmed", event.priority,
        event.organizer_id, event.rrule, writer.json([]), writer.json([]), writer.json([]),
        stamp(event.last_end) if event.last_end else None, reaches_far(event.start, event.last_end), None, 0, 1,
        event.created_by_id,
        stamp(event.created_at), stamp(event.created_at),
    )  # fmt: skip


def generate_agenda(
    events: int, *, team_size: int, seed: str, until: datetime, stream: Stream | None = None
) -> dict[str, int]:
    """Add the generated events `events` asks for that the database does not have yet; answers the
    rows written per table."""
    writer = BulkWriter()
    with transaction.atomic():
        team = _team(team_size, until)
    present = _generated(team)
    if present >= events:
        return {}
    writer.reset_sequences(list(FIELDS))
    started = time.monotonic()
    with writer.tuned(), Progress("calendar events", events - present, stream=stream) as bar:
        for first in range(present, events, BATCH_SIZE):
            stop = min(events, first + BATCH_SIZE)
            with transaction.atomic():
                ids = {model: writer.next_id(model) for model in FIELDS}
                batch = Batch(ids)
                for number in range(first, stop):
                    rng = random.Random(f"{seed}:event:{number}")  # noqa: S311 - data, not security
                    event, attendees, room, moved = _event(rng, number, team, until)
                    pk = batch.add(Event, *_row(writer, event, None, None))
                    for user in attendees:
                        batch.add(Attendee, pk, user, None, "", "accepted")
                    if room is not None:
                        batch.add(Booking, pk, room)
                    if moved is not None:  # that occurrence two hours later, for an hour
                        event.start = moved + timedelta(hours=2)
                        event.end = event.start + timedelta(hours=1)
                        event.rrule, event.last_end = "", event.end
                        override = batch.add(Event, *_row(writer, event, pk, moved))
                        for user in attendees:
                            batch.add(Attendee, override, user, None, "", "accepted")
                batch.write(writer, FIELDS)
            bar.advance(stop - first)
    writer.finish(list(FIELDS))
    inserted = {str(model._meta.verbose_name_plural): writer.inserted[model] for model in FIELDS}
    inserted["seconds"] = int(time.monotonic() - started)
    return inserted
