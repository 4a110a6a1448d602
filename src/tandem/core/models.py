"""What Tandem's own background workers record of themselves: each `tandem worker` process writes
its beat every few seconds, so the others can tell a worker that stopped (killed, machine lost)
from one that is busy, and give its job to someone else (tandem.core.jobs)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-seen_at"]
        verbose_name = "worker"

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}:{self.pid})"
