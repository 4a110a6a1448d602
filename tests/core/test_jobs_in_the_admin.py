"""Admins see the background jobs with the error of a failed one, and the workers with their last
beat; nobody can change them there; members do not reach the admin at all."""

from __future__ import annotations

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from tandem.core import jobs
from tests.conftest import login
from tests.core.tasks_for_tests import note_run

pytestmark = pytest.mark.django_db


def test_admins_see_failed_jobs_and_workers(admin_user, member):
    result = DatabaseBackend("default", {"QUEUES": ["default"]}).enqueue(note_run, ["/dev/null", 7], {})
    job = DBTaskResult.objects.get(pk=result.id)
    job.claim("worker-a")
    job.set_failed(RuntimeError("SMTP server refused the message"))
    jobs.beat("worker-a")
    client = login(admin_user)
    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert listing.status_code == 200 and "note_run" in listing.content.decode()
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{job.pk}/change/").content.decode()
    assert "SMTP server refused the message" in detail
    assert DBTaskResult.objects.get(pk=job.pk).status == TaskResultStatus.FAILED
    workers = client.get("/admin/core/workerbeat/")
    assert workers.status_code == 200 and "worker-a" in workers.content.decode()
    assert client.post("/admin/core/workerbeat/worker-a/delete/", {"post": "yes"}).status_code == 403
    refused = login(member).get("/admin/core/workerbeat/")
    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]
