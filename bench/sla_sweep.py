"""Benchmark the SLA sweep at realistic volumes on PostgreSQL.

Seeds N complaints (20 % of them open, each open case with four live clocks; every closed case with
its clocks met), makes the same number of clocks due in the sweep window at every size (default
2,000: 1 % of the 200,000 open cases at 1 M), so the figures show what the table size costs; times:
- the sweep itself: the index scan for due clocks plus enqueueing the per-chunk tasks to Redis;
- processing those due clocks (reminders, breaches, escalations, notifications) in this process.
Each measurement is repeated after putting the due clocks back as they were.

Usage: python bench/sla_sweep.py [--sizes 100000,1000000] [--runs 5]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432) and Redis on BENCH_REDIS.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import recreate_database, run_seed_sql, setup_django

REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
DB_NAME = "complaints_bench"


SEED_SQL = """
INSERT INTO complaints_customer (name, phone, email, address, region, note, created_at, updated_at)
SELECT '客户' || g, '+86139' || lpad(g::text, 8, '0'), '', '', '上海市', '', now(), now()
FROM generate_series(1, %(customers)s) AS g;

INSERT INTO complaints_complaint (
    reference, public_token, state, version, channel, received_at, subject, description,
    product_or_service, order_ref, expected_resolution, remedy_sought, region, severity,
    personal_injury, media_involved, regulator_involved, legal_risk, escalation_level, findings,
    rejection_reason, reopen_count, created_at, updated_at, customer_id, category_id,
    department_id, assignee_id
)
SELECT 'CP-' || (2021 + g %% 6) || '-' || lpad((g / 6)::text, 6, '0'), md5(g::text) || md5((g * 7)::text),
       CASE WHEN g <= %(open)s THEN 'investigation' ELSE 'closed' END, 1, 'phone',
       now() - ((g %% 365) || ' days')::interval, '产品质量问题', '购买的商品使用后出现故障。',
       '', '', '', '', '上海市', 'general', false, false, false, false, 0, '', '', 0, now(), now(),
       (SELECT min(id) FROM complaints_customer) + (g %% %(customers)s),
       %(category)s, %(department)s, %(assignee)s
FROM generate_series(1, %(complaints)s) AS g;

-- Four clocks per case: live ones for open cases (due 1-30 days ahead), met ones for closed cases.
INSERT INTO sla_clock (
    complaint_id, stage, round, target_id, amount, unit, reminder_percent, breach_level,
    started_at, due_at, remind_at, met_at, cancelled_at, paused_at, pause_reason, provisional,
    reminded_at, breached_at, escalated_level, next_action_at
)
SELECT c.id, t.stage, 0, t.id, t.amount, t.unit, t.reminder_percent, t.breach_level,
       c.received_at,
       now() + ((1 + c.id %% 30) || ' days')::interval,
       now() + ((1 + c.id %% 30) || ' days')::interval - interval '12 hours',
       CASE WHEN c.state = 'closed' THEN c.received_at + interval '1 day' END,
       NULL, NULL, '', false, NULL, NULL, 0,
       CASE WHEN c.state = 'closed' THEN NULL
            ELSE now() + ((1 + c.id %% 30) || ' days')::interval - interval '12 hours' END
FROM complaints_complaint c
CROSS JOIN (SELECT id, stage, amount, unit, reminder_percent, breach_level FROM sla_slatarget
            WHERE policy_id = %(policy)s AND stage IN
            ('first_response', 'investigation', 'decision', 'resolution')) t;
"""

# `due` open cases: their investigation clock ran out a minute ago.
MAKE_DUE_SQL = """
UPDATE sla_clock SET due_at = now() - interval '1 minute', remind_at = NULL, reminded_at = NULL,
       breached_at = NULL, escalated_level = 0, next_action_at = now() - interval '1 minute'
WHERE stage = 'investigation' AND complaint_id IN (
    SELECT id FROM complaints_complaint WHERE state = 'investigation' ORDER BY id LIMIT %(due)s
);
DELETE FROM complaints_notification;
DELETE FROM sla_reminder;
DELETE FROM sla_escalation;
UPDATE complaints_complaint SET escalation_level = 0 WHERE escalation_level <> 0;
"""


def seed(size: int) -> dict:
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import Department, User
    from accounts.roles import Role
    from complaints.models import Category
    from sla.models import SlaPolicy

    call_command("migrate", verbosity=0)
    call_command("refresh_calendars", verbosity=0)
    department = Department.objects.create(name="服务部", code="service")
    head = User.objects.create_user("head", approval_limit=20000, department=department)
    head.groups.add(Group.objects.get(name=Role.DEPT_HEAD))
    department.head = head
    department.save()
    handler = User.objects.create_user("handler", email="h@example.com", department=department)
    handler.groups.add(Group.objects.get(name=Role.HANDLER))
    manager = User.objects.create_user("manager", email="m@example.com")
    manager.groups.add(Group.objects.get(name=Role.COMPLAINT_MANAGER))
    category = Category.objects.create(
        name="产品质量", code="quality", default_department=department
    )
    policy = SlaPolicy.objects.get(code="default-general")
    params = {
        "complaints": size,
        "open": size // 5,
        "customers": max(size // 5, 1),
        "category": category.pk,
        "department": department.pk,
        "assignee": handler.pk,
        "policy": policy.pk,
    }
    return {**params, "seed_seconds": run_seed_sql(SEED_SQL, params)}


def make_due(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(MAKE_DUE_SQL, {"due": count})


def measure(size: int, runs: int, due: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from sla.models import LIVE, Clock
    from sla.services.escalation import clock_process, sweep_due_clocks

    info = seed(size)
    sweep_times, process_times = [], []
    for _ in range(runs):
        make_due(due)
        started = time.perf_counter()
        enqueued = sweep_due_clocks()
        sweep_times.append(time.perf_counter() - started)
        assert enqueued == due, (enqueued, due)
        ids = list(
            Clock.objects.filter(LIVE, next_action_at__lte=timezone.now()).values_list(
                "pk", flat=True
            )
        )
        started = time.perf_counter()
        for clock_id in ids:
            clock_process(clock_id=clock_id)
        process_times.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM sla_clock WHERE met_at IS NULL AND "
            "cancelled_at IS NULL AND paused_at IS NULL AND next_action_at <= now() "
            "ORDER BY next_action_at"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM sla_clock")
        clocks = cursor.fetchone()[0]
    return {
        "size": size,
        "open": info["open"],
        "clocks": clocks,
        "due": due,
        "seed_s": info["seed_seconds"],
        "sweep_median_s": statistics.median(sweep_times),
        "sweep_max_s": max(sweep_times),
        "process_median_s": statistics.median(process_times),
        "plan": plan,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--due", type=int, default=2000, help="clocks due per sweep")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        # One size per process: a fresh database and fresh Django caches for each.
        recreate_database(DB_NAME)
        setup_django(DB_NAME, CELERY_BROKER_URL=REDIS)
        print(json.dumps(measure(args.one, args.runs, args.due)))
        return
    results = []
    for size in (int(size) for size in args.sizes.split(",")):
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--runs",
                str(args.runs),
                "--due",
                str(args.due),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(
        f"{'complaints':>11} {'open':>8} {'clocks':>10} {'due':>6} {'sweep median':>13} "
        f"{'sweep max':>10} {'process all due':>16} {'per clock':>10}"
    )
    for r in results:
        print(
            f"{r['size']:>11,} {r['open']:>8,} {r['clocks']:>10,} {r['due']:>6,} "
            f"{r['sweep_median_s'] * 1000:>10.1f} ms {r['sweep_max_s'] * 1000:>7.1f} ms "
            f"{r['process_median_s']:>14.2f} s {r['process_median_s'] / r['due'] * 1000:>7.1f} ms"
        )
    if len(results) >= 2:
        ratio = results[-1]["sweep_median_s"] / results[0]["sweep_median_s"]
        print(f"sweep time ratio {results[-1]['size']:,} / {results[0]['size']:,}: {ratio:.2f}")
    print("\nQuery plan of the sweep's scan at the largest size:\n" + results[-1]["plan"])


if __name__ == "__main__":
    main()
