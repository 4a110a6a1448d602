"""The worker's beat looks for notification work: entries left in the outbox, e-mails whose batch
time is over, due digests (here the tasks run at once: the test settings' immediate backend)."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail as sent
from django.utils import timezone

from tandem.core import jobs
from tandem.notifications import mail
from tandem.notifications.jobs import OUTBOX_GRACE, look_for_notification_work
from tandem.notifications.models import Notification, Outbox


def test_the_beat_fans_out_what_was_left_and_mails_what_is_due(ana, ben, make_item, settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }
    assert look_for_notification_work in jobs._periodic
    make_item(assignees=[ben])  # in a test transaction: its fan-out request never ran
    assert Outbox.objects.count() == 1
    look_for_notification_work()
    assert Outbox.objects.count() == 1  # within its grace time, the request may still come
    Outbox.objects.update(created_at=timezone.now() - timedelta(seconds=OUTBOX_GRACE + 1))
    look_for_notification_work()
    assert not Outbox.objects.exists()
    assert Notification.objects.filter(user=ben).count() == 1
    assert sent.outbox == []
    Notification.objects.update(created_at=timezone.now() - timedelta(seconds=mail.batch_seconds() + 1))
    look_for_notification_work()
    assert [m.to for m in sent.outbox] == [[ben.email]]


def test_a_failing_check_does_not_stop_the_others(monkeypatch):
    ran = []

    def broken() -> None:
        raise RuntimeError("database away")

    monkeypatch.setattr(jobs, "_periodic", [broken, lambda: ran.append(True)])
    jobs.run_periodic()
    assert ran == [True]
