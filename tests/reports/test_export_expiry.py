"""Built XLSX exports hold customers' names and contacts: their files are deleted after
REPORTS_EXPORT_KEEP_DAYS by a nightly job, so they never outlive the cases' retention."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reports.models import ExportJob
from reports.services.exports import export_files_purge, export_job_request
from reports.tasks import purge_export_files_task
from tests.reports.test_exports import MARCH, march  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(org, march, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        job = export_job_request(user=org.head, spec=MARCH, language="en")
    job.refresh_from_db()
    assert job.status == "done" and Path(job.file.path).exists()
    return job


def test_a_file_past_its_keeping_time_is_deleted(built, settings) -> None:
    path = Path(built.file.path)

    assert export_files_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert export_files_purge(now=timezone.now() + timedelta(days=31)) == 1
    assert export_files_purge(now=timezone.now() + timedelta(days=31)) == 0  # once

    built.refresh_from_db()
    assert (built.status, built.file.name) == ("expired", "")
    assert not path.exists()


def test_the_job_page_says_so_and_there_is_nothing_to_download(client, org, built) -> None:
    ExportJob.objects.filter(pk=built.pk).update(finished_at=timezone.now() - timedelta(days=40))
    purge_export_files_task.delay().get()
    client.force_login(org.head)

    page = client.get(reverse("reports:export-job", args=[built.pk]))
    download = client.get(reverse("reports:export-download", args=[built.pk]))

    assert 'data-testid="export-expired"' in page.content.decode()
    assert "hx-trigger" not in page.content.decode()
    assert download.status_code == 404


def test_the_job_runs_every_night_on_the_reports_queue() -> None:
    scheduled = PeriodicTask.objects.get(task="reports.tasks.purge_export_files_task")

    assert scheduled.enabled and scheduled.queue == "reports"
    assert (scheduled.crontab.hour, scheduled.crontab.minute) == ("3", "20")
