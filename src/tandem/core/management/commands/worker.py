"""`tandem worker`: runs background jobs from the database queue (django-tasks-db's worker), and
beats while it runs so other workers can recover its job if it is killed (tandem.core.jobs). Run
one or many, on as many machines as needed; each claims jobs under a row lock."""

from __future__ import annotations

import threading
from typing import Any

from django.db import OperationalError, close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from tandem.core import jobs


class Command(DatabaseWorker):
    help = "Run Tandem's background jobs (retried with backoff; jobs of stopped workers recovered)."

    def handle(self, *args: Any, **options: Any) -> None:
        options["reload"] = False  # a reload would kill a job mid-run
        worker_id = str(options.get("worker_id") or get_random_string(32))
        options["worker_id"] = worker_id
        stopping = threading.Event()
        jobs.beat(worker_id)
        beating = threading.Thread(target=self._beat, args=(worker_id, stopping), daemon=True, name="beat")
        beating.start()
        try:
            super().handle(*args, **options)
        finally:
            stopping.set()
            beating.join(timeout=jobs.beat_seconds() * 2 + 1)
            jobs.forget(worker_id)

    def configure_logging(self, verbosity: int) -> None:
        """-v 0 silences the worker and -v 2 shows every job, as django-tasks-db does; by default
        Tandem's log settings decide (settings.LOGGING: warnings and failed jobs)."""
        if verbosity != 1:
            super().configure_logging(verbosity)

    @staticmethod
    def _beat(worker_id: str, stopping: threading.Event) -> None:
        """Every few seconds: say this worker is alive, recover the jobs of stopped ones, and look
        for periodic work (tandem.core.jobs.every_beat)."""
        while not stopping.wait(jobs.beat_seconds()):
            try:
                jobs.beat(worker_id)
                jobs.recover_stopped_jobs()
                jobs.run_periodic()
            except OperationalError:  # a locked SQLite database or a lost connection: next time
                pass
            finally:
                close_old_connections()
        connections.close_all()
