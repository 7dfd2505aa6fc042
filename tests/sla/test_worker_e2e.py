"""End to end with a real Celery worker: the sweep is sent through the Redis broker, a worker process
on the pytest test database runs it, and an overdue case comes out escalated and its people told.

Needs PostgreSQL (the worker is another process: it must see committed rows) and a Redis broker,
as CI has them (.ci/run). Marked `celery_worker`; skipped elsewhere.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, Notification
from sla.models import BusinessCalendar, Escalation, Stage
from sla.selectors import working_calendar
from sla.services import calendar_refresh_from_package, default_years
from sla.tasks import sweep_clocks_task

BASE_DIR = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql"
        or not str(django_settings.CELERY_BROKER_URL).startswith("redis://"),
        reason="needs PostgreSQL and a Redis broker (DATABASE_URL, CELERY_BROKER_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def database_url_of_this_test() -> str:
    """DATABASE_URL of the database this test runs on (pytest's test database, not the real one)."""
    db = django_settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(db['NAME'], safe='')}"


def _die_with_parent() -> None:
    # Linux: the worker gets SIGTERM if pytest itself dies before the finally block runs.
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start_worker(log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url_of_this_test()}
    env["CELERY_BROKER_URL"] = str(django_settings.CELERY_BROKER_URL)
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    # The worker's e-mails go nowhere; the test reads `emailed_at` to see they were handled.
    env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-P",
        "solo",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"e2e-{os.getpid()}@%h",
    ]
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=preexec,
        )


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        return
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=5)


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
            recipient=org.head, key=f"escalation:{breach.key}", kind=Notification.Kind.ESCALATION
        )

        # and its e-mail task, queued after the worker's commit, goes through the broker too
        wait_for(
            lambda: head_told.filter(emailed_at__isnull=False).exists(), worker=worker, log=log
        )
    finally:
        stop_worker(worker)
    assert worker.returncode is not None
