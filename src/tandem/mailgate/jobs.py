"""The worker's part of the mail gateway: on each beat, a look into the spool (a directory listing,
no database) and, when mail waits there, one `process_mail` job, which drains it. When an IMAP
mailbox is set (TANDEM_MAIL_IMAP), a `poll_imap` job every TANDEM_MAIL_IMAP_SECONDS takes its mail
into the spool."""

from __future__ import annotations

import time

from django.conf import settings
from django.tasks import task

from tandem.core.jobs import enqueue_once, every_beat
from tandem.mailgate import imap, services

_last_imap_poll = float("-inf")  # time.monotonic() when this worker last asked for a poll


@task()
def process_mail() -> int:
    """Make every message waiting in the spool into what it should be; returns how many."""
    return services.process_waiting()


@every_beat
def look_for_mail() -> None:
    if services.spool().has_work(older_than=services.RECOVER_AFTER):
        enqueue_once(process_mail)


@task()
def poll_imap() -> int:
    """Take the mail waiting in the IMAP mailbox into the spool; returns how many. A mailbox that
    cannot be reached fails the job, which is retried."""
    if not settings.TANDEM_MAIL_IMAP:
        return 0
    taken = imap.poll(settings.TANDEM_MAIL_IMAP)
    if taken:
        enqueue_once(process_mail)  # at once, not at the next beat
    return taken


@every_beat
def look_for_imap_mail() -> None:
    global _last_imap_poll
    if not settings.TANDEM_MAIL_IMAP:
        return
    if time.monotonic() - _last_imap_poll >= settings.TANDEM_MAIL_IMAP_SECONDS:
        _last_imap_poll = time.monotonic()
        enqueue_once(poll_imap)
