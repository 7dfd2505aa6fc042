"""Celery entry points for reports; each only calls a service. Routed to the `reports` queue
(config.settings), which has a worker of its own: a long export never delays deadline work or
e-mail."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from reports.services.exports import export_files_purge, export_job_build
from reports.services.rollup import daily_figures_rebuild
from reports.services.snapshots import snapshot_run


@shared_task(
    name="reports.tasks.build_export_task",
    acks_late=True,
    # A build that runs this long has gone wrong; the job is marked failed (see the service).
    soft_time_limit=30 * 60,
)
def build_export_task(job_id: int) -> int | None:
    """Build the XLSX of export job `job_id`; returns its row count (None: nothing to do)."""
    job = export_job_build(job_id=job_id)
    return job.rows if job is not None else None


# A failed e-mail (SMTP errors are OSErrors; a lost database connection an OperationalError) is
# raised after the others went; the retry builds nothing again and sends only those not sent.
SNAPSHOT_RETRIES = {
    "acks_late": True,
    "autoretry_for": (OSError, OperationalError),
    "max_retries": 5,
    "retry_backoff": 60,
}


def _snapshot(kind: str) -> int:
    snapshot, failures = snapshot_run(kind=kind)
    if failures:
        raise failures[0]
    return snapshot.pk


@shared_task(name="reports.tasks.build_monthly_snapshot_task", **SNAPSHOT_RETRIES)
def build_monthly_snapshot_task() -> int:
    """Beat, the 1st of each month: last month's snapshot, built and e-mailed once."""
    return _snapshot("month")


@shared_task(name="reports.tasks.build_quarterly_snapshot_task", **SNAPSHOT_RETRIES)
def build_quarterly_snapshot_task() -> int:
    """Beat, after each quarter: last quarter's snapshot, built and e-mailed once."""
    return _snapshot("quarter")


@shared_task(name="reports.tasks.purge_export_files_task", acks_late=True)
def purge_export_files_task() -> int:
    """Nightly: delete the exports' files past REPORTS_EXPORT_KEEP_DAYS."""
    return export_files_purge()


@shared_task(name="reports.tasks.rebuild_daily_figures_task", acks_late=True)
def rebuild_daily_figures_task() -> int:
    """Beat, every REPORTS_ROLLUP_MINUTES: count the report page's daily figures afresh."""
    return daily_figures_rebuild().rows
