"""Benchmark the managers' dashboard and the month's export at a million complaints (issue 14).

Seeds `complaints_bench_reports` (kept with --keep): N complaints (default 1,000,000) received over
the last 12 months with workspace_pages' seeding (10 departments, 200,000 customers, 20 % open
across the stages with four running clocks each), then makes them look like a year of work: six
categories, ten regions, eight products (one case in eight without), 2 % reopened; every closed
case with its stage dates, four met deadline clocks (one in twelve met late), an approved decision
and a follow-up visit; open cases past intake with their first response, those past decision with
their decision. Then times, through Django's test client in this process (routing, middleware,
session, queries, templates; no network; the cache on Redis db 8 as in production):

- the dashboard for a complaint manager, warm: 3 warm-up requests, then median and p95 of --runs;
- the same, cold: each time the database connection is closed and the cache cleared first (the
  PostgreSQL buffers and the OS page cache stay warm: they cannot be emptied without a restart);
- the same with the figures counted on every request (no cache; connection and buffers warm);
- the dashboard for a department head (their department only), warm and cold;
- the daily rollup built as beat builds it (seconds, rows), then last complete quarter's report
  page for a complaint manager (warm, cold) and a department head (cold) reading it, and once
  counted live (the rollup taken as too old), as a filtered report is;
- last calendar month's one-row-per-case XLSX (about N / 12 rows), built by the service as the
  `reports` worker does, in a subprocess started for it: seconds and the growth of the
  subprocess's peak resident memory (VmHWM) over its resident memory once Django is loaded.

Prints the queries of each page (cold: with the figures counted; warm: from the cache, which
keeps them REPORTS_DASHBOARD_CACHE_SECONDS).

Usage: python bench/reports.py [--size 1000000] [--runs 20] [--keep] [--only dashboard|xlsx]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432) and Redis on
BENCH_REDIS (default redis://127.0.0.1:6379/8, emptied at the start).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from common import recreate_database, run_seed_sql, setup_django

DB_NAME = "complaints_bench_reports"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/8")

CATEGORIES = [
    ("quality", "产品质量", "Product quality"),
    ("delivery", "物流配送", "Delivery"),
    ("billing", "账单费用", "Billing"),
    ("service", "服务态度", "Service"),
    ("refund", "退款退货", "Refunds and returns"),
    ("points", "会员积分", "Loyalty points"),
]

# A year of work on top of workspace_pages' cases (see the module's note); one pass over the table.
YEAR_SQL = """
UPDATE complaints_complaint
SET category_id = (%(categories)s)[1 + (id / 3) %% %(category_count)s],
    region = (ARRAY['上海市','北京市','广东省','浙江省','江苏省','四川省','湖北省','山东省',
                    '福建省',''])[1 + (id / 7) %% 10],
    product_or_service = (ARRAY['空调','冰箱','洗衣机','电视','热水器','会员服务','快递服务',
                                ''])[1 + (id / 11) %% 8],
    reopen_count = CASE WHEN state = 'closed' AND id %% 50 = 1 THEN 1 ELSE 0 END,
    first_response_at = CASE WHEN state NOT IN ('intake') THEN received_at + interval '3 hours' END,
    triaged_at = CASE WHEN state NOT IN ('intake') THEN received_at + interval '1 hour' END,
    investigation_started_at = CASE WHEN state NOT IN ('intake', 'triage')
                                    THEN received_at + interval '2 hours' END,
    investigation_completed_at = CASE WHEN state IN ('decision', 'reply', 'follow_up', 'closed')
                                      THEN received_at + interval '2 days' END,
    decided_at = CASE WHEN state IN ('reply', 'follow_up', 'closed')
                      THEN received_at + interval '3 days' + (id %% 5) * interval '1 day' END,
    replied_at = CASE WHEN state IN ('follow_up', 'closed') THEN received_at + interval '4 days'
                                                                + (id %% 5) * interval '1 day' END,
    closed_at = CASE WHEN state = 'closed' THEN received_at + interval '7 days'
                                                + (id %% 9) * interval '1 day' END;

INSERT INTO complaints_decision (complaint_id, round, remedy, outcome, amount, rationale,
                                 root_cause, state, proposed_by_id, approved_by_id, approved_at,
                                 created_at)
SELECT id, 0, (ARRAY['refund','repair','compensation','apology','exchange','gift'])[1 + id %% 6],
       (ARRAY['upheld','partly_upheld','not_upheld'])[1 + id %% 3], (id %% 50) * 20.00,
       '核实后按规定处理。', '', 'approved', assignee_id, assignee_id, decided_at, decided_at
FROM complaints_complaint WHERE decided_at IS NOT NULL;

INSERT INTO complaints_followup (complaint_id, round, method, reached, satisfaction, resolved,
                                 comment, by_id, at)
SELECT id, 0, 'phone', id %% 10 <> 0, CASE WHEN id %% 10 <> 0 THEN 1 + id %% 5 END,
       id %% 5 > 1, '', %(agent)s, closed_at - interval '1 day'
FROM complaints_complaint WHERE state = 'closed';

-- The four stage clocks of every closed case, met; one in twelve late.
INSERT INTO sla_clock (
    complaint_id, stage, round, target_id, amount, unit, reminder_percent, breach_level,
    started_at, due_at, remind_at, met_at, cancelled_at, paused_at, pause_reason, provisional,
    reminded_at, breached_at, escalated_level, next_action_at
)
SELECT c.id, t.stage, 0, t.id, t.amount, t.unit, t.reminder_percent, t.breach_level,
       c.received_at, c.received_at + ((t.n + 1) * 2 || ' days')::interval, NULL,
       CASE WHEN c.id %% 12 = 0 THEN c.received_at + ((t.n + 1) * 2 || ' days 5 hours')::interval
            ELSE c.received_at + ((t.n + 1) || ' days')::interval END,
       NULL, NULL, '', false, NULL, NULL, 0, NULL
FROM complaints_complaint c
CROSS JOIN (SELECT id, stage, amount, unit, reminder_percent, breach_level,
                   row_number() OVER (ORDER BY id) - 1 AS n
            FROM sla_slatarget WHERE policy_id = %(policy)s AND stage IN
            ('first_response', 'investigation', 'decision', 'resolution')) t
WHERE c.state = 'closed';
"""


def seed(size: int) -> float:
    from django.db import connection
    from workspace_pages import seed as seed_cases
    from workspace_pages import vacuum

    from accounts.models import Department, User
    from complaints.models import Category
    from sla.models import SlaPolicy

    seconds = seed_cases(size, days=365)["seed_seconds"]
    first = Department.objects.get(code="dept-0")
    categories = [Category.objects.get(code="quality").pk]
    Category.objects.filter(code="quality").update(name="产品质量", name_en="Product quality")
    for code, name, name_en in CATEGORIES[1:]:
        categories.append(
            Category.objects.create(
                code=code, name=name, name_en=name_en, default_department=first
            ).pk
        )
    params = {
        "categories": categories,
        "category_count": len(categories),
        "agent": User.objects.get(username="agent").pk,
        "policy": SlaPolicy.objects.get(code="default-general").pk,
    }
    seconds += run_seed_sql(YEAR_SQL, params)
    vacuum()
    with connection.cursor() as cursor:
        for table in ("complaints_decision", "complaints_followup", "sla_clock"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return seconds


def plain_static_files() -> None:
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def page(client, url: str, runs: int, *, cold: bool = False, counted: bool = False) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # counted: the figures counted on every request (no cache), the connection and buffers warm.
    cached_seconds = settings.REPORTS_DASHBOARD_CACHE_SECONDS
    if counted:
        settings.REPORTS_DASHBOARD_CACHE_SECONDS = 0

    if not cold:
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        if cold:
            connection.close()
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    settings.REPORTS_DASHBOARD_CACHE_SECONDS = cached_seconds
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": p95(times) * 1000,
        "queries": len(queries),
    }


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def xlsx_worker() -> None:
    """In the subprocess: build last month's XLSX as the worker does; print JSON figures."""
    setup_django(DB_NAME, REDIS_URL=REDIS, MEDIA_ROOT=tempfile.mkdtemp(prefix="bench-reports-"))
    from django.utils import timezone

    from accounts.models import User
    from reports.models import ExportJob
    from reports.services.exports import export_job_build

    manager = User.objects.get(username="manager")
    month_end = timezone.localdate().replace(day=1) - timedelta(days=1)
    job = ExportJob.objects.create(
        requested_by=manager,
        format="xlsx",
        date_from=month_end.replace(day=1),
        date_to=month_end,
        language="zh-hans",
        created_at=timezone.now(),
    )
    before = rss_kib("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
    started = time.perf_counter()
    built = export_job_build(job_id=job.pk)
    seconds = time.perf_counter() - started
    growth = (rss_kib("VmHWM") - before) / 1024
    assert built is not None and built.status == ExportJob.Status.DONE, built and built.error
    print(
        json.dumps(
            {
                "rows": built.rows,
                "seconds": seconds,
                "growth_mb": growth,
                "file_mb": built.file.size / 1024 / 1024,
                "month": str(job.date_from),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    parser.add_argument("--only", default="", help="dashboard, report or xlsx")
    parser.add_argument("--xlsx-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.xlsx_worker:
        xlsx_worker()
        return
    if not args.keep:
        recreate_database(DB_NAME)
    setup_django(DB_NAME, REDIS_URL=REDIS)
    plain_static_files()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User

    cache.clear()
    call_command("migrate", verbosity=0)  # a kept database may predate the newest migrations
    if not args.keep:
        print(f"seeded {args.size:,} complaints over 12 months in {seed(args.size):.0f} s")
    if args.seed_only:
        return

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.cookies["django_language"] = "zh-hans"
        return client

    if args.only in ("", "dashboard"):
        manager, head = client_for("manager"), client_for("head0")
        print(f"{'page':<40} {'median':>10} {'p95':>10} {'queries':>8}")
        for label, client, cold, counted, runs in (
            ("dashboard: manager, warm", manager, False, False, args.runs),
            ("dashboard: manager, cold", manager, True, False, args.cold_runs),
            ("dashboard: manager, counted each time", manager, False, True, args.cold_runs),
            ("dashboard: department head, warm", head, False, False, args.runs),
            ("dashboard: department head, cold", head, True, False, args.cold_runs),
        ):
            result = page(client, "/dashboard/", runs, cold=cold, counted=counted)
            print(
                f"{label:<40} {result['median_ms']:>7.1f} ms {result['p95_ms']:>7.1f} ms "
                f"{result['queries']:>8}"
            )
    if args.only in ("", "report"):
        # The report page of the last complete quarter (three full months of the twelve seeded).
        from django.utils import timezone

        today = timezone.localdate()
        quarter, year = (today.month - 1) // 3, today.year
        if quarter == 0:
            quarter, year = 4, year - 1
        url = f"/reports/?period=quarter&year={year}&quarter={quarter}"
        manager, head = client_for("manager"), client_for("head0")
        from django.conf import settings

        from reports.services.rollup import daily_figures_rebuild

        started = time.perf_counter()
        build = daily_figures_rebuild()
        print(
            f"daily rollup built as the beat job does: {build.rows:,} rows from "
            f"{build.first_day} in {time.perf_counter() - started:.1f} s"
        )
        print(f"{'page (' + url + ')':<40} {'median':>10} {'p95':>10} {'queries':>8}")
        max_age = settings.REPORTS_ROLLUP_MAX_AGE_MINUTES
        for label, client, cold, runs, rollup in (
            (f"report Q{quarter} {year}: manager, warm", manager, False, args.runs, True),
            (f"report Q{quarter} {year}: manager, cold", manager, True, args.cold_runs, True),
            (f"report Q{quarter} {year}: head, cold", head, True, args.cold_runs, True),
            (f"report Q{quarter} {year}: manager, live", manager, True, 3, False),
        ):
            # "live": the rollup taken as too old, so the page counts the cases (as it does
            # for a filtered report).
            settings.REPORTS_ROLLUP_MAX_AGE_MINUTES = max_age if rollup else -1
            result = page(client, url, runs, cold=cold)
            print(
                f"{label:<40} {result['median_ms']:>7.1f} ms {result['p95_ms']:>7.1f} ms "
                f"{result['queries']:>8}"
            )
        settings.REPORTS_ROLLUP_MAX_AGE_MINUTES = max_age
    if args.only in ("", "xlsx"):
        from django.db import connection

        connection.close()
        output = subprocess.run(
            [sys.executable, __file__, "--xlsx-worker"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        print(
            f"XLSX of {figures['month']} (worker subprocess): {figures['rows']:,} rows in "
            f"{figures['seconds']:.1f} s, peak RSS +{figures['growth_mb']:.0f} MB, "
            f"file {figures['file_mb']:.1f} MB"
        )


if __name__ == "__main__":
    main()
