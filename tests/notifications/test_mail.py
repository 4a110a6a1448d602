"""Notification e-mails: sent after the batch time, one per person and record, and the digest."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox
from django.utils import timezone, translation
from django.utils.dateformat import DateFormat

from tandem.core import calendars
from tandem.core.calendars import SolarHijriFormat
from tandem.notifications import fanout, mail, services
from tandem.notifications.models import Mail, Notification
from tandem.work import services as work


@pytest.fixture(autouse=True)
def _memory_mail(settings):
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend", "OPTIONS": {}}
    }


def later(seconds: float) -> None:
    """Make every pending notification `seconds` older, as if time had passed."""
    for n in Notification.objects.all():
        Notification.objects.filter(pk=n.pk).update(created_at=n.created_at - timedelta(seconds=seconds))


def test_ten_quick_changes_to_one_item_make_one_email(ana, ben, make_item):
    services.set_preferences(ben, choices={"change": "email", "comment": "email"})
    item = make_item(assignees=[ben])
    for n in range(10):
        work.update_item(item, by=ana, version=None, data={"title": f"Printer on fire, take {n}"})
    fanout.fan_out.call()
    assert mail.send_due_mails.call() == 0  # still within the batch time
    assert outbox.outbox == []
    later(mail.batch_seconds() + 1)
    assert mail.send_due_mails.call() == 1
    assert len(outbox.outbox) == 1
    message = outbox.outbox[0]
    assert message.to == [ben.email]
    assert message.subject.startswith(f"[#{item.pk}] ")
    assert message.body.count("Ana Actor") == 11  # the creation and ten changes, one line each
    assert message.extra_headers["References"] == mail.thread_id("item", item.pk)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"/items/{item.pk}/" in message.body
    assert not Notification.objects.filter(user=ben, mailed_at__isnull=True, mail=Mail.NOW).exists()
    assert mail.send_due_mails.call() == 0  # nothing twice


def test_two_records_make_two_emails_and_in_app_only_makes_none(ana, ben, cleo, make_item):
    services.set_preferences(cleo, choices={"assignment": "app"})
    make_item("First", assignees=[ben, cleo])
    make_item("Second", assignees=[ben, cleo])
    fanout.fan_out.call()
    later(mail.batch_seconds() + 1)
    assert mail.send_due_mails.call() == 2
    assert sorted(m.subject.split("] ", 1)[1] for m in outbox.outbox) == ["First", "Second"]
    assert all(m.to == [ben.email] for m in outbox.outbox)


def test_a_failed_send_keeps_the_notifications_pending(ana, ben, make_item, settings):
    make_item(assignees=[ben])
    fanout.fan_out.call()
    later(mail.batch_seconds() + 1)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    with pytest.raises(OSError):
        mail.send_due_mails.call()
    assert Notification.objects.filter(user=ben, mailed_at__isnull=True).count() == 1


def test_the_digest_comes_once_a_day_with_what_waited(ana, ben, make_item):
    services.set_preferences(ben, choices={"assignment": "digest", "comment": "digest"})
    ben.time_zone = "Asia/Tehran"
    ben.save(update_fields=["time_zone"])
    item = make_item(assignees=[ben])
    work.add_comment(item, by=ana, body="first")
    fanout.fan_out.call()
    tehran = ZoneInfo("Asia/Tehran")
    made = Notification.objects.filter(user=ben).order_by("created_at").first().created_at
    seven = made.astimezone(tehran).replace(hour=mail.digest_hour(), minute=0, second=0, microsecond=0)
    next_digest = seven if seven > made else seven + timedelta(days=1)
    assert mail.due_digests(next_digest - timedelta(minutes=1)) == []
    assert mail.due_digests(next_digest + timedelta(minutes=1)) == [(ben.pk, next_digest)]
    # send as if it were just after the digest time
    Notification.objects.filter(user=ben).update(created_at=timezone.now() - timedelta(days=1, hours=1))
    assert mail.send_digests.call() == 1
    assert len(outbox.outbox) == 1
    digest = outbox.outbox[0]
    assert "digest" in digest.subject and "first" in digest.body and "Printer on fire" in digest.body
    assert mail.send_digests.call() == 0


def test_the_last_digest_moment_is_in_the_persons_time_zone():
    now = datetime(2026, 12, 1, 5, 0, tzinfo=ZoneInfo("UTC"))  # 08:30 in Tehran, 00:00 in New York
    assert mail.last_digest_moment(now, "Asia/Tehran") == datetime(
        2026, 12, 1, 7, 0, tzinfo=ZoneInfo("Asia/Tehran")
    )
    assert mail.last_digest_moment(now, "America/New_York") == datetime(
        2026, 11, 30, 7, 0, tzinfo=ZoneInfo("America/New_York")
    )
    assert mail.last_digest_moment(now, "Not/A_Zone") == datetime(
        2026, 12, 1, 0, 0, tzinfo=ZoneInfo("UTC")
    ) - timedelta(hours=17)


def test_mail_goes_out_in_the_persons_language_and_calendar(ana, ben, make_item):
    ben.language, ben.calendar = "fa", calendars.PERSIAN
    ben.save(update_fields=["language", "calendar"])
    make_item("چاپگر", assignees=[ben])
    fanout.fan_out.call()
    later(mail.batch_seconds() + 1)
    mail.send_due_mails.call()
    sent = outbox.outbox[0]
    assert "چاپگر" in sent.subject
    with translation.override("fa"):
        inbox = translation.gettext("Your inbox")
    assert inbox != "Your inbox" and inbox in sent.body
    html = sent.alternatives[0].content
    assert '<html lang="fa" dir="rtl">' in html and inbox in html and "Your inbox" not in html
    at = timezone.localtime(Notification.objects.filter(user=ben).get().entry.at, ZoneInfo(ben.time_zone))
    with translation.override("fa"):  # the day as the mail writes it (fa's DATETIME_FORMAT)
        solar, gregorian = SolarHijriFormat(at).format("j F Y"), DateFormat(at).format("j F Y")
    assert solar != gregorian
    assert solar in html and gregorian not in html
