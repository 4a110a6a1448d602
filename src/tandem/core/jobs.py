"""Background jobs on Django's tasks API with the database queue (django-tasks-db), and what Tandem
adds to it so that no job is lost:

- **Retries with backoff.** A job that fails goes back to the queue to run again after a delay that
  doubles each time (`retry_base()` seconds first, at most `RETRY_CAP`), until it has run `MAX_ATTEMPTS`
  times; then it stays failed, with its error and traceback in the admin's task list. The same job
  row is reused, so its attempts are its workers (`worker_ids`) and the last error stays visible
  while it waits.
- **Workers that stop.** django-tasks-db claims a job under a row lock (`SELECT … FOR UPDATE SKIP
  LOCKED` on PostgreSQL, an exclusive transaction on SQLite), so two workers never run one job;
  but a worker killed mid-job leaves it running for ever. Each `tandem worker` therefore writes a
  beat (tandem.core.models.WorkerBeat) every `beat_seconds()`; any worker hands a running job whose
  worker has not beaten for `lease_seconds()` back to the queue (or fails it, after the last
  attempt).

A job's code must therefore be safe to run again (idempotent): it may run twice when a worker is
killed after doing the work and before recording it."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished
from django.utils import timezone

from tandem.core.models import WorkerBeat

logger = logging.getLogger("tandem.jobs")

MAX_ATTEMPTS = 5
RETRY_CAP = 3600  # seconds: the longest wait between two attempts


def seconds_setting(name: str, default: str) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        value = -1
    if not value >= 0:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, zero or more.")
    return value


def retry_base() -> float:
    """Seconds before the second attempt, doubled for each one after (TANDEM_RETRY_BASE, 30)."""
    return seconds_setting("TANDEM_RETRY_BASE", "30")


def beat_seconds() -> float:
    """How often a worker says it is alive (TANDEM_WORKER_BEAT, 5)."""
    return seconds_setting("TANDEM_WORKER_BEAT", "5")


def lease_seconds() -> float:
    """How long a worker may stay silent before its job is given to another (TANDEM_WORKER_LEASE, 60)."""
    return seconds_setting("TANDEM_WORKER_LEASE", "60")


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next attempt, after `attempts` runs."""
    return timedelta(seconds=min(RETRY_CAP, retry_base() * 2 ** max(0, attempts - 1)))


def _db_results() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


@receiver(task_finished)
def retry_failed_job(sender: type, task_result: Any, **kwargs: Any) -> None:
    """After a job failed on the database queue: back to the queue with a delay, unless this was
    its last attempt."""
    from django_tasks_db.backend import DatabaseBackend

    if not (isinstance(sender, type) and issubclass(sender, DatabaseBackend)):
        return
    if task_result.status != TaskResultStatus.FAILED or task_result.attempts >= MAX_ATTEMPTS:
        return
    run_after = timezone.now() + retry_delay(task_result.attempts)
    _db_results().filter(pk=task_result.id, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    logger.warning(
        "job %s failed (attempt %s); retrying after %s", task_result.id, task_result.attempts, run_after
    )


def beat(worker_id: str) -> None:
    """This worker is alive."""
    now = timezone.now()
    updated = WorkerBeat.objects.filter(pk=worker_id).update(seen_at=now)
    if not updated:
        WorkerBeat.objects.update_or_create(
            pk=worker_id, defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": now}
        )


def forget(worker_id: str) -> None:
    WorkerBeat.objects.filter(pk=worker_id).delete()


def recover_stopped_jobs() -> int:
    """Running jobs whose worker has stopped beating: back to the queue at once (it counts as an
    attempt), or failed when that was the last one. Returns how many were recovered."""
    from django_tasks_db.models import DBTaskResult

    silent_since = timezone.now() - timedelta(seconds=lease_seconds())
    alive = set(WorkerBeat.objects.filter(seen_at__gte=silent_since).values_list("pk", flat=True))
    recovered = 0
    # only jobs that started before the lease, so a job claimed a moment ago by a worker whose
    # first beat is yet to come is not taken from it
    for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).filter(
        Q(started_at__lt=silent_since) | Q(started_at__isnull=True)
    ):
        if job.worker_ids and job.worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            current = (
                DBTaskResult.objects.select_for_update()
                .filter(pk=job.pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if current is None or current.worker_ids != job.worker_ids:
                continue
            if len(current.worker_ids) >= MAX_ATTEMPTS:
                current.status = TaskResultStatus.FAILED
                current.finished_at = timezone.now()
                current.exception_class_path = "tandem.core.jobs.WorkerStopped"
                current.traceback = (
                    f"The worker {current.worker_ids[-1]} stopped while running this job "
                    f"(no beat for {lease_seconds():.0f} s), on its last attempt.\n"
                )
                current.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            else:
                current.status = TaskResultStatus.READY
                current.run_after = timezone.now()
                current.save(update_fields=["status", "run_after"])
            recovered += 1
            logger.warning("job %s: its worker %s stopped; %s", job.pk, job.worker_ids[-1],
                           "failed" if current.status == TaskResultStatus.FAILED else "queued again")  # fmt: skip
    return recovered


class WorkerStopped(Exception):
    """A job's worker stopped while running it (the error class named on such a failed job)."""


# --- Work the worker looks for on every beat -------------------------------------------------------

_periodic: list[Callable[[], None]] = []


def every_beat(check: Callable[[], None]) -> Callable[[], None]:
    """Register `check` to run on every worker's beat (tandem.core.management.commands.worker). A
    check should be quick: it looks whether there is work and enqueues a job for it (enqueue_once)."""
    _periodic.append(check)
    return check


def run_periodic() -> None:
    for check in list(_periodic):
        try:
            check()
        except Exception:  # one failing check must not stop the beat, nor the others
            logger.exception("periodic check %s failed", getattr(check, "__name__", check))


def enqueue_once(job: Any) -> None:
    """Enqueue `job` unless it is already waiting on the database queue (a job that runs drains
    everything there is, so one waiting is enough)."""
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(job.get_backend(), DatabaseBackend):
        waiting = _db_results().filter(task_path=job.module_path, status=TaskResultStatus.READY)
        if waiting.exists():
            return
    job.enqueue()
