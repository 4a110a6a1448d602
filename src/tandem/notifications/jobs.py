"""What the worker looks for on each beat: entries left in the outbox (their fan-out request was
lost, e.g. the process died right after the commit), e-mails whose batch time is over, and digests
that are due."""

from __future__ import annotations

import time
from datetime import timedelta

from django.utils import timezone

from tandem.core.jobs import enqueue_once, every_beat
from tandem.notifications import fanout, mail
from tandem.notifications.models import Outbox

OUTBOX_GRACE = 10  # seconds an entry may wait for the fan-out its transaction asked for
DIGEST_CHECK = 60  # seconds between two looks for due digests
_last_digest_check = 0.0


@every_beat
def look_for_notification_work() -> None:
    global _last_digest_check
    now = timezone.now()
    if Outbox.objects.filter(created_at__lt=now - timedelta(seconds=OUTBOX_GRACE)).exists():
        enqueue_once(fanout.fan_out)
    if mail.due_groups(now, limit=1):
        enqueue_once(mail.send_due_mails)
    if time.monotonic() - _last_digest_check >= DIGEST_CHECK:
        _last_digest_check = time.monotonic()
        if mail.due_digests(now):
            enqueue_once(mail.send_digests)
