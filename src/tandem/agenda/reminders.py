"""Reminders: each attendee (user) of an occurrence hears of it `minutes` before its start, once.

Each event row keeps `next_reminder_at`, the next instant the reminder job must look at it
(rescheduled by every service that changes the row, and by the job after sending). The worker's
beat asks for `send_due_reminders` when a row is due. The job records one history entry per
occurrence and reminder (verb "reminded", the attendees named by id under `_users.reminded`);
the notifications app turns it into a notification for each of them, by their preference for
reminders (in Tandem, by e-mail, the digest, or off). `ReminderSent` (unique per row, occurrence
and reminder) makes a second run — a retry, a second worker — remind nobody twice.

An occurrence whose reminder time passed while nobody could send it (the worker was down, the
event was made a minute before) is still reminded until `GRACE` after its start, never later;
reminders of one occurrence due at once make one notification."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from tandem.accounts.services import system_account
from tandem.activity.services import record
from tandem.agenda.models import CalendarKind, Event, EventStatus, ReminderSent, Response
from tandem.agenda.recurrence import expand, iso
from tandem.agenda.verbs import AgendaVerb
from tandem.core.jobs import enqueue_once, every_beat

GRACE = timedelta(minutes=15)
LOOKAHEAD = timedelta(days=400)
BATCH = 200


def _pending(
    event: Event, now: datetime, sent: set[tuple[datetime, int]]
) -> Iterator[tuple[datetime, datetime, datetime | None, int]]:
    """(when, occurrence start, recurrence id, minutes) of each reminder of the row not yet sent,
    for occurrences that have not started more than GRACE ago, soonest first."""
    if not event.reminders or event.status == EventStatus.CANCELLED:
        return
    longest = timedelta(minutes=max(event.reminders))
    overridden = (
        [
            moment
            for moment in Event.objects.filter(master=event).values_list("recurrence_id", flat=True)
            if moment is not None
        ]
        if event.recurring
        else []
    )
    found = []
    for occurrence in expand(event, now - GRACE, now + longest + LOOKAHEAD, overridden=overridden):
        if occurrence.start < now - GRACE:
            continue
        for minutes in event.reminders:
            if (occurrence.start, minutes) not in sent:
                found.append(
                    (
                        occurrence.start - timedelta(minutes=minutes),
                        occurrence.start,
                        occurrence.recurrence_id,
                        minutes,
                    )
                )
        if len(found) > 50:
            break
    yield from sorted(found, key=lambda each: each[0])


def _sent(event: Event, now: datetime) -> set[tuple[datetime, int]]:
    return set(
        ReminderSent.objects.filter(event=event, occurrence_start__gte=now - GRACE).values_list(
            "occurrence_start", "minutes"
        )
    )


def schedule_reminders(event: Event, now: datetime | None = None) -> None:
    """Set the row's `next_reminder_at`: its next reminder not yet sent (None: nothing to send;
    a far series is looked at again after LOOKAHEAD)."""
    now = now or timezone.now()
    upcoming = next(_pending(event, now, _sent(event, now)), None)
    if upcoming is not None:
        when = upcoming[0]
    elif event.reminders and event.recurring and (event.last_end is None or event.last_end > now + LOOKAHEAD):
        when = now + LOOKAHEAD
    else:
        when = None
    if when != event.next_reminder_at:
        event.next_reminder_at = when
        Event.objects.filter(pk=event.pk).update(next_reminder_at=when)


def _reminded(event: Event) -> list[int]:
    """Who hears of a row's reminders: its attendees (users) who have not declined, and the owner
    of the personal calendar it is on."""
    users = {
        uid
        for uid, response in event.attendees.exclude(user=None).values_list("user_id", "response")
        if response != Response.DECLINED
    }
    if event.calendar.kind == CalendarKind.PERSONAL and event.calendar.owner_id:
        users.add(event.calendar.owner_id)
    return sorted(users)


def send_reminders_of(event_id: int, now: datetime) -> int:
    """Send the row's due reminders (in one transaction, the row locked); how many were sent."""
    sent = 0
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("calendar").filter(pk=event_id).first()
        if event is None or event.next_reminder_at is None or event.next_reminder_at > now:
            return 0
        due: dict[datetime, tuple[datetime | None, list[int]]] = {}
        for when, starts, recurrence_id, minutes in _pending(event, now, _sent(event, now)):
            if when > now:
                break
            due.setdefault(starts, (recurrence_id, []))[1].append(minutes)
        for starts, (recurrence_id, all_minutes) in due.items():
            made = [
                ReminderSent.objects.get_or_create(event=event, occurrence_start=starts, minutes=minutes)[1]
                for minutes in all_minutes
            ]
            users = _reminded(event)
            if not any(made) or not users:
                continue
            # several reminders due at once (the worker was away): one word, the latest
            series = event.master if event.master_id else event
            record(
                by=system_account("calendar"),
                verb=AgendaVerb.REMINDED,
                target=series,  # type: ignore[arg-type]
                changes={
                    "title": event.title,
                    "start": iso(starts),
                    "occurrence": iso(recurrence_id) if recurrence_id else None,
                    "minutes": min(all_minutes),
                    "_users": {"reminded": users},
                },
            )
            sent += 1
        schedule_reminders(event, now)
    return sent


@task()
def send_due_reminders() -> int:
    """Send every reminder that is due; returns how many occurrences were reminded."""
    now = timezone.now()
    sent = 0
    seen: set[int] = set()
    while True:
        due = list(
            Event.objects.filter(next_reminder_at__lte=now)
            .exclude(pk__in=seen)
            .order_by("next_reminder_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not due:
            return sent
        for pk in due:
            seen.add(pk)
            sent += send_reminders_of(pk, now)


@every_beat
def look_for_due_reminders() -> None:
    if Event.objects.filter(next_reminder_at__lte=timezone.now()).exists():
        enqueue_once(send_due_reminders)
