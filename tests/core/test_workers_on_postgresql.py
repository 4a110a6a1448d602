"""Real `tandem worker` processes on PostgreSQL: two workers share 1,000 jobs and run each exactly
once; a failing job is retried until it succeeds or has used its attempts; a worker killed in the
middle of a job (SIGKILL) leaves it to another worker, which runs it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tests.core.tasks_for_tests import fail_first, note_run, slow_first

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="worker processes share the PostgreSQL test database"
    ),
]

ROOT = Path(__file__).resolve().parents[2]
QUEUE = DatabaseBackend("default", {"QUEUES": ["default"]})


def worker(tmp_path: Path, *extra: str, **env: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = {**os.environ, "DATABASE_URL": url, "TANDEM_TESTING": "false", "TANDEM_DATA_DIR": str(tmp_path),
                   "PYTHONPATH": str(ROOT), **env}  # fmt: skip
    command = [
        sys.executable,
        "-m",
        "tandem",
        "worker",
        "--no-startup-delay",
        "--interval",
        "0.05",
        "-v",
        "0",
        *extra,
    ]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def finish(process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    _out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err.decode()[-2000:]


def test_two_workers_run_each_of_1000_jobs_once(tmp_path):
    log = tmp_path / "runs.log"
    ids = [QUEUE.enqueue(note_run, [str(log), n], {}).id for n in range(1000)]
    workers = [worker(tmp_path, "--batch"), worker(tmp_path, "--batch")]
    for process in workers:
        finish(process)
    runs = Counter(int(line) for line in log.read_text().split())
    assert sorted(runs) == list(range(1000)) and set(runs.values()) == {1}  # none lost, none twice
    jobs = DBTaskResult.objects.filter(pk__in=ids)
    assert set(jobs.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    assert all(len(job.worker_ids) == 1 for job in jobs)
    assert len({job.worker_ids[0] for job in jobs}) == 2  # both workers took their share


def test_a_failing_job_is_retried_then_kept_failed(tmp_path):
    log = tmp_path / "attempts.log"
    recovers = QUEUE.enqueue(fail_first, [str(log), 2], {}).id
    never = QUEUE.enqueue(fail_first, [str(tmp_path / "never.log"), 99], {}).id
    finish(worker(tmp_path, "--batch", TANDEM_RETRY_BASE="0"))
    recovered = DBTaskResult.objects.get(pk=recovers)
    assert recovered.status == TaskResultStatus.SUCCESSFUL and recovered.return_value == 3
    assert log.read_text().split("\n")[:3] == ["attempt 1", "attempt 2", "attempt 3"]
    failed = DBTaskResult.objects.get(pk=never)
    assert failed.status == TaskResultStatus.FAILED and len(failed.worker_ids) == 5
    assert "attempt 5 failed on purpose" in failed.traceback  # the last error, for the admins


def test_a_job_killed_mid_run_is_run_again_by_another_worker(tmp_path):
    log = tmp_path / "slow.log"
    job = QUEUE.enqueue(slow_first, [str(log), 120], {}).id
    knobs = {"TANDEM_WORKER_LEASE": "2", "TANDEM_WORKER_BEAT": "0.5"}
    first = worker(tmp_path, **knobs)
    deadline = time.monotonic() + 60
    while "start 1" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "start 1" in log.read_text()
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert DBTaskResult.objects.get(pk=job).status == TaskResultStatus.RUNNING  # left behind
    second = worker(tmp_path, **knobs)
    try:
        deadline = time.monotonic() + 60
        while (
            DBTaskResult.objects.get(pk=job).status != TaskResultStatus.SUCCESSFUL
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        result = DBTaskResult.objects.get(pk=job)
        assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value == 2
        assert len(result.worker_ids) == 2 and result.worker_ids[0] != result.worker_ids[1]
        assert log.read_text().split() == ["start", "1", "start", "2", "done", "2"]
    finally:
        second.send_signal(signal.SIGTERM)
        finish(second, timeout=30)
