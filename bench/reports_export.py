"""Benchmark the month's one-row-per-complaint export on PostgreSQL.

Seeds N complaints (default 1,000,000) received over the last 12 months with workspace_pages'
seeding (so a month holds about N / 12), then gives every closed case its stage dates, an approved
decision and a follow-up visit with a satisfaction score. Then, as the `reports` worker does, in
this process: builds last calendar month's XLSX through the service (`export_job_build`, for a
complaint manager: every case, contacts unmasked), and streams the same month's CSV. Prints rows,
seconds, and the growth of this process's peak resident memory during each (VmHWM, reset before
each through /proc/self/clear_refs).

Usage: python bench/reports_export.py [--size 1000000] [--keep] [--runs 3]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import recreate_database, run_seed_sql, setup_django

DB_NAME = "complaints_bench_exports"

# Closed cases (four in five): the stage dates of a case handled in a week, an approved decision
# and a satisfied or dissatisfied follow-up visit.
CLOSED_SQL = """
UPDATE complaints_complaint
SET first_response_at = received_at + interval '3 hours',
    triaged_at = received_at + interval '1 hour',
    investigation_started_at = received_at + interval '2 hours',
    investigation_completed_at = received_at + interval '2 days',
    decided_at = received_at + interval '3 days',
    replied_at = received_at + interval '4 days',
    closed_at = received_at + interval '7 days'
WHERE state = 'closed';

INSERT INTO complaints_decision (complaint_id, round, remedy, outcome, amount, rationale,
                                 root_cause, state, proposed_by_id, approved_by_id, approved_at,
                                 created_at)
SELECT id, 0, (ARRAY['refund','repair','compensation','apology','exchange'])[1 + id %% 5],
       (ARRAY['upheld','partly_upheld','not_upheld'])[1 + id %% 3], (id %% 50) * 20.00,
       '核实后按规定处理。', '', 'approved', assignee_id, assignee_id,
       received_at + interval '3 days', received_at + interval '3 days'
FROM complaints_complaint WHERE state = 'closed';

INSERT INTO complaints_followup (complaint_id, round, method, reached, satisfaction, resolved,
                                 comment, by_id, at)
SELECT id, 0, 'phone', true, 1 + id %% 5, id %% 5 > 1, '', %(agent)s,
       received_at + interval '6 days'
FROM complaints_complaint WHERE state = 'closed';
"""


def peak_rss_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def measured(label: str, run) -> None:
    """Rows, wall seconds, this process's CPU seconds (the machine is shared: CPU time is what
    the work costs, wall time what it took at this load), per row, and peak memory growth."""
    before = rss_kib("VmRSS")
    peak_rss_reset()
    load = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    rows = run()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    growth = (rss_kib("VmHWM") - before) / 1024
    per_row = seconds / max(rows, 1) * 1000
    cpu_per_row = cpu / max(rows, 1) * 1000
    print(
        f"{label:<34} {rows:>9,} rows {seconds:>6.1f} s ({per_row:.3f} ms/row; 100k: "
        f"{per_row * 100:.1f} s)  CPU {cpu:.1f} s ({cpu_per_row:.3f} ms/row; 100k: "
        f"{cpu_per_row * 100:.1f} s)  peak RSS +{growth:,.0f} MB  load {load:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database")
    parser.add_argument("--runs", type=int, default=1, help="XLSX builds (the load varies)")
    args = parser.parse_args()
    if not args.keep:
        recreate_database(DB_NAME)
    setup_django(DB_NAME, MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-exports-"))

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from workspace_pages import seed, vacuum

    from accounts.models import User
    from reports.models import ExportJob
    from reports.selectors.exports import ExportSpec, export_rows
    from reports.services.exports import export_csv_stream, export_job_build

    call_command("migrate", verbosity=0)
    if not args.keep:
        seconds = seed(args.size, days=365)["seed_seconds"]
        agent = User.objects.get(username="agent").pk
        seconds += run_seed_sql(CLOSED_SQL, {"agent": agent})
        vacuum()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE complaints_decision")
            cursor.execute("VACUUM ANALYZE complaints_followup")
        print(f"seeded {args.size:,} complaints over 12 months in {seconds:.0f} s")

    manager = User.objects.get(username="manager")
    first_of_this_month = timezone.localdate().replace(day=1)
    last_month_end = first_of_this_month - timedelta(days=1)
    spec = ExportSpec(date_from=last_month_end.replace(day=1), date_to=last_month_end)
    print(f"the month {spec.date_from} – {spec.date_to}, as a complaint manager")

    def xlsx() -> int:
        job = ExportJob.objects.create(
            requested_by=manager,
            format="xlsx",
            date_from=spec.date_from,
            date_to=spec.date_to,
            language="zh-hans",
            created_at=timezone.now(),
        )
        built = export_job_build(job_id=job.pk)
        assert built is not None and built.status == ExportJob.Status.DONE, built and built.error
        print(f"  file: {built.file.size / 1024 / 1024:.1f} MB")
        return built.rows or 0

    def csv() -> int:
        lines = 0
        for piece in export_csv_stream(user=manager, spec=spec, language="zh-hans"):
            lines += piece.count("\r\n")
        return lines - 1

    def rows_only() -> int:
        rows = export_rows(user=manager, spec=spec, language="zh-hans", using="default")
        return sum(1 for _row in rows)

    measured("rows only (query + labels, no file)", rows_only)
    for _run in range(args.runs):
        measured("XLSX (worker: export_job_build)", xlsx)
    measured("CSV (streamed, consumed here)", csv)


if __name__ == "__main__":
    main()
