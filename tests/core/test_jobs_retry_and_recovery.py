"""The job queue's rules, in one process: a failed job goes back to the queue with a delay that
doubles, until its fifth attempt stays failed with its error; a running job whose worker stopped
beating goes back to the queue (or fails on its last attempt); a live worker's job is left alone."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tandem.core import jobs
from tandem.core.models import WorkerBeat
from tests.core.tasks_for_tests import note_run

pytestmark = pytest.mark.django_db


def enqueued() -> DBTaskResult:
    result = DatabaseBackend("default", {"QUEUES": ["default"]}).enqueue(note_run, ["/dev/null", 1], {})
    return DBTaskResult.objects.get(pk=result.id)


def fail(job: DBTaskResult, worker: str) -> DBTaskResult:
    job.claim(worker)
    job.set_failed(RuntimeError("the mail server said no"))
    # what the worker's task_finished signal carries (the row's TaskResult needs the database
    # backend as the default one, which the tests' settings are not)
    finished = SimpleNamespace(id=job.pk, status=job.status, attempts=len(job.worker_ids))
    jobs.retry_failed_job(sender=DatabaseBackend, task_result=finished)
    return DBTaskResult.objects.get(pk=job.pk)


def test_a_failed_job_is_retried_with_backoff_then_kept_failed(monkeypatch):
    monkeypatch.setenv("TANDEM_RETRY_BASE", "30")
    job = enqueued()
    waits = []
    for attempt in range(1, jobs.MAX_ATTEMPTS):
        before = timezone.now()
        job = fail(job, f"worker-{attempt}")
        assert job.status == TaskResultStatus.READY and "the mail server said no" in job.traceback
        waits.append(round((job.run_after - before).total_seconds() / 30))
        assert not DBTaskResult.objects.ready().filter(pk=job.pk).exists()  # not before its time
    assert waits == [1, 2, 4, 8]  # 30 s, 1, 2 and 4 minutes
    job = fail(job, "worker-last")
    assert job.status == TaskResultStatus.FAILED and len(job.worker_ids) == jobs.MAX_ATTEMPTS
    assert job.exception_class_path == "builtins.RuntimeError" and "the mail server said no" in job.traceback


def test_the_wait_is_capped():
    assert jobs.retry_delay(30) == timedelta(seconds=jobs.RETRY_CAP)


def test_a_bad_setting_stops_with_a_message(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("TANDEM_WORKER_LEASE", "soon")
    with pytest.raises(ImproperlyConfigured, match="TANDEM_WORKER_LEASE"):
        jobs.lease_seconds()


def running(worker: str, *, started: timedelta, earlier_workers: int = 0) -> DBTaskResult:
    job = enqueued()
    job.worker_ids = [f"earlier-{n}" for n in range(earlier_workers)]
    job.claim(worker)
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - started)
    return job


def test_the_job_of_a_stopped_worker_is_queued_again(monkeypatch):
    monkeypatch.setenv("TANDEM_WORKER_LEASE", "60")
    WorkerBeat.objects.create(worker_id="silent", seen_at=timezone.now() - timedelta(minutes=5))
    WorkerBeat.objects.create(worker_id="busy", seen_at=timezone.now())
    lost = running("silent", started=timedelta(minutes=10))
    never_beat = running("gone-before-its-first-beat", started=timedelta(minutes=2))
    busy = running("busy", started=timedelta(minutes=10))  # a long job of a live worker
    fresh = running("just-started", started=timedelta(seconds=1))  # its worker's beat may be on the way
    last_try = running("silent", started=timedelta(minutes=10), earlier_workers=jobs.MAX_ATTEMPTS - 1)

    assert jobs.recover_stopped_jobs() == 3
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[lost.pk] == status[never_beat.pk] == TaskResultStatus.READY
    assert status[busy.pk] == status[fresh.pk] == TaskResultStatus.RUNNING
    failed = DBTaskResult.objects.get(pk=last_try.pk)
    assert failed.status == TaskResultStatus.FAILED and failed.exception_class_path.endswith("WorkerStopped")
    assert DBTaskResult.objects.ready().filter(pk=lost.pk).exists()  # at once, not after a wait
    assert jobs.recover_stopped_jobs() == 0  # nothing twice


def test_beats_are_written_and_forgotten():
    jobs.beat("w1")
    first = WorkerBeat.objects.get(pk="w1").seen_at
    jobs.beat("w1")
    assert WorkerBeat.objects.get(pk="w1").seen_at >= first and WorkerBeat.objects.count() == 1
    jobs.forget("w1")
    assert not WorkerBeat.objects.exists()
