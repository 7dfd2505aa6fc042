"""End to end with a real Celery worker: the sweep is sent through the Redis broker, a worker process
on the pytest test database runs it, and an overdue case comes out escalated and its people told.

Needs PostgreSQL (the worker is another process: it must see committed rows) and a Redis broker,
as CI has them (.ci/run). Marked `celery_worker`; skipped elsewhere.
"""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path

import pytest
from django.utils import timezone

from complaints.models import Complaint, Notification
from sla.models import BusinessCalendar, Escalation, Stage
from sla.selectors import working_calendar
from sla.services import calendar_refresh_from_package, default_years
from sla.tasks import sweep_clocks_task
from tests.processes import REAL_WORKER_MARKS, stop
from tests.processes import start_worker as start_test_worker

WAIT_SECONDS = 60

pytestmark = REAL_WORKER_MARKS


def start_worker(log: Path) -> subprocess.Popen:
    """One solo worker on every queue; its e-mails go nowhere (tests read `emailed_at`)."""
    return start_test_worker(log, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def working_days_ago(days: int) -> datetime:
    """10:00 local, `days` working days before today, on the real calendar."""
    calendar = working_calendar()
    today = calendar.local_date(timezone.now())
    day = today
    while calendar.working_days_between(day, today) < days:
        day -= timedelta(days=1)
    return datetime.combine(day, time_of_day(10), tzinfo=calendar.time_zone)


def wait_for(condition, *, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            break
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-4000:]
    pytest.fail(f"the worker did not get there (exit code {worker.poll()}):\n{tail}")


def test_an_overdue_case_is_escalated_by_a_real_worker_through_the_broker(
    org, new_complaint, settings, tmp_path
):
    # given the real calendar and an overdue case: received 6 working days ago, investigation 3
    calendar_refresh_from_package(
        calendar=BusinessCalendar.objects.get(code="cn"), years=default_years()
    )
    complaint = new_complaint(received_at=working_days_ago(6))
    assert Complaint.objects.get(pk=complaint.pk).escalation_level == 0
    settings.CELERY_TASK_ALWAYS_EAGER = False  # from here on, tasks go to the broker

    log = tmp_path / "worker.log"
    worker = start_worker(log)
    try:
        # when beat's task is sent through the broker (not run in this process)
        sweep_clocks_task.delay()

        # then the worker escalates the case and notifies the department head
        def escalated() -> bool:
            return Complaint.objects.get(pk=complaint.pk).escalation_level >= 1

        wait_for(escalated, worker=worker, log=log)
        breach = Escalation.objects.get(
            complaint=complaint, clock__stage=Stage.INVESTIGATION, level=1
        )
        assert breach.reason == Escalation.Reason.BREACH
        head_told = Notification.objects.filter(
            recipient=org.head,
            key=f"escalation:{complaint.pk}:1",
            kind=Notification.Kind.ESCALATION,
        )

        # and its e-mail task, queued after the worker's commit, goes through the broker too
        wait_for(
            lambda: head_told.filter(emailed_at__isnull=False).exists(), worker=worker, log=log
        )
    finally:
        stop(worker)
    assert worker.returncode is not None
