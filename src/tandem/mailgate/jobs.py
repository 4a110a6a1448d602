"""The worker's part of the mail gateway: on each beat, a look into the spool (a directory listing,
no database) and, when mail waits there, one `process_mail` job, which drains it."""

from __future__ import annotations

from django.tasks import task

from tandem.core.jobs import enqueue_once, every_beat
from tandem.mailgate import services


@task()
def process_mail() -> int:
    """Make every message waiting in the spool into what it should be; returns how many."""
    return services.process_waiting()


@every_beat
def look_for_mail() -> None:
    if services.spool().has_work(older_than=services.RECOVER_AFTER):
        enqueue_once(process_mail)
