"""Reminders reach each attendee through the notifications, by their preference, once per
occurrence and reminder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from tandem.accounts.models import User
from tandem.agenda import reminders, services
from tandem.agenda.models import Event, ReminderSent
from tandem.notifications import fanout
from tandem.notifications import mail as notification_mail
from tandem.notifications.models import Mail, Notification, Preference

pytestmark = pytest.mark.django_db


def run_at(moment: Any) -> int:
    with mock.patch("tandem.agenda.reminders.timezone.now", return_value=moment):
        sent = reminders.send_due_reminders.call()
    fanout.fan_out.call()
    return sent


@pytest.fixture
def soon(member: User, manager: User, guest: User, calendar_of: Any, schedule: Callable[..., Event]) -> Event:
    start = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    return schedule(
        manager,
        calendar_of(manager),
        start,
        start + timedelta(hours=1),
        time_zone="UTC",
        attendees=[member, guest],
        reminders=[15, 60],
        rrule="FREQ=DAILY;COUNT=3",
        confirm_conflicts=True,
    )


def test_due_reminders_notify_each_attendee_once(
    soon: Event, member: User, manager: User, guest: User
) -> None:
    assert soon.next_reminder_at == soon.start - timedelta(minutes=60)
    assert run_at(soon.start - timedelta(minutes=61)) == 0
    assert run_at(soon.start - timedelta(minutes=59)) == 1
    reminded = sorted(Notification.objects.filter(kind="reminder").values_list("user_id", flat=True))
    # the attendees and the owner of the calendar it is on, each once
    assert reminded == sorted([member.pk, manager.pk, guest.pk])
    # running again (a retry, a second worker) reminds nobody twice
    assert run_at(soon.start - timedelta(minutes=58)) == 0
    assert Notification.objects.filter(kind="reminder").count() == 3
    # the 15-minute reminder of the same occurrence is a second one
    assert run_at(soon.start - timedelta(minutes=10)) == 1
    assert Notification.objects.filter(kind="reminder").count() == 6
    soon.refresh_from_db()
    # next: the second day's 60-minute reminder
    assert soon.next_reminder_at == soon.start + timedelta(days=1) - timedelta(minutes=60)
    assert ReminderSent.objects.filter(event=soon).count() == 2


def test_each_occurrence_is_reminded(soon: Event) -> None:
    for day in range(3):
        run_at(soon.start + timedelta(days=day) - timedelta(minutes=10))
    assert ReminderSent.objects.filter(event=soon).count() == 6
    soon.refresh_from_db()
    assert soon.next_reminder_at is None


def test_late_worker_still_reminds_until_shortly_after_the_start_but_not_later(soon: Event) -> None:
    # the worker was down for a day: the first two occurrences are long over, nobody is told of them
    assert run_at(soon.start + timedelta(days=1, hours=2)) == 0
    assert not ReminderSent.objects.exists()
    # an occurrence that started ten minutes ago is still worth a word
    assert run_at(soon.start + timedelta(days=2, minutes=10)) == 1
    assert set(ReminderSent.objects.values_list("minutes", flat=True)) == {15, 60}
    assert Notification.objects.filter(kind="reminder").count() == 3  # one each, not one per reminder


def test_declined_attendee_and_preferences(soon: Event, member: User, guest: User) -> None:
    services.respond(soon, by=guest, response="declined")
    Preference.objects.create(user=member, kind="reminder", channel="app")
    run_at(soon.start - timedelta(minutes=59))
    assert not Notification.objects.filter(user=guest).exists()
    assert Notification.objects.get(user=member).mail == Mail.NONE


def test_reminder_is_mailed_by_default(soon: Event, member: User) -> None:
    run_at(soon.start - timedelta(minutes=59))
    notification = Notification.objects.get(user=member)
    assert notification.mail == Mail.NOW and notification.reason == "attendee"
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    notification_mail.send_due_mails.call()
    assert any(soon.title in message.body for message in mail.outbox if member.email in message.to)


def test_moving_the_event_reschedules_its_reminder(soon: Event, manager: User) -> None:
    later = soon.start + timedelta(hours=5)
    services.update_event(
        soon, by=manager, version=soon.version, data={"start": later}, confirm_conflicts=True
    )
    soon.refresh_from_db()
    assert soon.next_reminder_at == later - timedelta(minutes=60)
