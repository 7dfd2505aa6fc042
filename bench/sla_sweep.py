"""Benchmark the SLA sweep and escalation processing at realistic volumes on PostgreSQL.

Seeds N complaints (20 % of them open, each open case with four live clocks; every closed case with
its clocks met), makes the same number of clocks due in the sweep window at every size (default
2,000: 1 % of the 200,000 open cases at 1 M), so the figures show what the table size costs; times:
- the sweep itself: the index scan for due clocks plus enqueueing the per-chunk tasks to Redis;
- processing those due clocks (breach, level-1 escalation, timeline entry, notification) in this
  process, chunk by chunk through the chunk task's own body, with queries and time per clock;
- at the largest size, a burst (default 20,000 due clocks) end to end: the sweep sent through Redis
  as beat sends it, then real worker processes (`celery -A config worker --concurrency=2`, as the
  Procfile) until every clock is escalated and notified; beat's minute is simulated meanwhile.
Each measurement is repeated after putting the due clocks back as they were (the sweep alone
`--sweeps` times, processing `--runs` times); medians are printed.

Usage: python bench/sla_sweep.py [--sizes 100000,1000000] [--runs 3] [--burst 20000]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432) and Redis on BENCH_REDIS
(default database 9, flushed by the bench).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from common import PG, ROOT, recreate_database, run_seed_sql, setup_django

REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9")
DB_NAME = "complaints_bench"
BEAT_SECONDS = 60
BURST_TIMEOUT_SECONDS = 900


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


def flush_broker() -> None:
    import redis

    redis.Redis.from_url(REDIS).flushdb()


class QueryMeter:
    """Counts the statements this process sends (by first word) and the time spent in them."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.kinds[sql.split(None, 1)[0].upper()] += 1


def chunk_size() -> int:
    from sla.services import escalation

    # Older code had the size only as the sweep's default argument (100).
    return getattr(escalation, "CHUNK_SIZE", 100)


def measure(size: int, runs: int, due: int, sweeps: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from sla.selectors import due_clocks
    from sla.tasks import process_clocks_task, sweep_clocks_task

    info = seed(size)
    sweep_times, process_times, sweep_queries = [], [], []
    meters: list[QueryMeter] = []
    size_of_chunk = chunk_size()
    for _ in range(sweeps):
        # The sweep alone: scan (and lease, where the code does) the due clocks, queue the chunks.
        make_due(due)
        flush_broker()
        sweep_meter = QueryMeter()
        started = time.perf_counter()
        with connection.execute_wrapper(sweep_meter):
            enqueued = sweep_clocks_task.run()
        sweep_times.append(time.perf_counter() - started)
        sweep_queries.append(sum(sweep_meter.kinds.values()))
        assert enqueued == due, (enqueued, due)
    for _ in range(runs):
        make_due(due)
        ids = list(due_clocks(now=timezone.now()).values_list("pk", flat=True))
        assert len(ids) == due, (len(ids), due)
        sweep_clocks_task.run()
        flush_broker()  # this process does the work below; nothing is left for a worker
        meter = QueryMeter()
        started = time.perf_counter()
        with connection.execute_wrapper(meter):
            for start in range(0, len(ids), size_of_chunk):
                process_clocks_task.run(ids[start : start + size_of_chunk])
        process_times.append(time.perf_counter() - started)
        meters.append(meter)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sla_escalation")
        escalations = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM complaints_notification")
        notifications = cursor.fetchone()[0]
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM sla_clock WHERE met_at IS NULL AND "
            "cancelled_at IS NULL AND paused_at IS NULL AND next_action_at <= now() "
            "ORDER BY next_action_at"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM sla_clock")
        clocks = cursor.fetchone()[0]
    median_run = sorted(range(runs), key=lambda run: process_times[run])[runs // 2]
    meter = meters[median_run]
    return {
        "size": size,
        "open": info["open"],
        "clocks": clocks,
        "due": due,
        "chunk": size_of_chunk,
        "seed_s": info["seed_seconds"],
        "sweep_median_s": statistics.median(sweep_times),
        "sweep_max_s": max(sweep_times),
        "sweep_queries": statistics.median(sweep_queries),
        "process_median_s": process_times[median_run],
        "process_db_s": meter.seconds,
        "process_queries": dict(meter.kinds),
        # Of the last run: one level-1 escalation and one notification (to the head) per clock.
        "escalations": escalations,
        "notifications": notifications,
        "plan": plan,
    }


def start_workers(concurrency: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "CELERY_BROKER_URL": REDIS,
        # Sending mail is the notify queue's business and not what is measured here.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    command = [
        sys.executable,
        *("-m", "celery", "-A", "config", "worker", "--loglevel=WARNING"),
        *("--concurrency", str(concurrency), "--without-gossip", "--without-mingle"),
        *("-n", f"bench-{os.getpid()}@%h"),
    ]
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_ready(app, worker: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with {worker.returncode}")
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the worker did not answer a ping")


def burst(count: int, concurrency: int) -> dict:
    """Make `count` clocks due; beat's sweep through Redis; workers until all are escalated."""
    from django.db import connection

    from config.celery import app
    from sla.tasks import sweep_clocks_task

    make_due(count)
    flush_broker()
    log = ROOT / "var" / "bench-sla-burst-worker.log"
    log.parent.mkdir(exist_ok=True)
    worker = start_workers(concurrency, log)
    try:
        wait_until_ready(app, worker)
        started = time.monotonic()
        sweeps = 0
        next_beat = started
        done_at = None
        samples = []
        while time.monotonic() - started < BURST_TIMEOUT_SECONDS:
            now = time.monotonic()
            if now >= next_beat:
                sweep_clocks_task.delay()  # what beat sends every minute
                sweeps += 1
                next_beat += BEAT_SECONDS
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT (SELECT count(*) FROM sla_escalation),"
                    " (SELECT count(*) FROM complaints_notification)"
                )
                escalations, notifications = cursor.fetchone()
            samples.append((round(now - started, 1), escalations))
            if escalations >= count and notifications >= count:
                done_at = time.monotonic()
                break
            time.sleep(0.25)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT key) FROM sla_escalation")
        escalations, distinct = cursor.fetchone()
    return {
        "burst": count,
        "concurrency": concurrency,
        "burst_s": (done_at - started) if done_at else None,
        "burst_sweeps": sweeps,
        "burst_escalations": escalations,
        "burst_distinct": distinct,
        "burst_progress": samples[:: max(1, len(samples) // 12)],
    }


def per_clock(result: dict) -> str:
    due = result["due"]
    kinds = result["process_queries"]
    total = sum(kinds.values())
    ms = result["process_median_s"] / due * 1000
    db_ms = result["process_db_s"] / due * 1000
    by_kind = ", ".join(f"{kind} {count / due:.2f}" for kind, count in sorted(kinds.items()))
    return (
        f"{result['size']:>11,}: {due / result['process_median_s']:>6.0f} clocks/s, "
        f"{ms:.2f} ms/clock ({db_ms:.2f} ms in the database, {ms - db_ms:.2f} ms in Python), "
        f"{total / due:.2f} queries/clock ({by_kind}); chunk {result['chunk']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=3, help="processing runs")
    parser.add_argument("--sweeps", type=int, default=7, help="sweep-only runs")
    parser.add_argument("--due", type=int, default=2000, help="clocks due per sweep")
    parser.add_argument(
        "--burst", type=int, default=20000, help="burst at the largest size (0: none)"
    )
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes in the burst")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        # One size per process: a fresh database and fresh Django caches for each.
        recreate_database(DB_NAME)
        setup_django(DB_NAME, CELERY_BROKER_URL=REDIS)
        result = measure(args.one, args.runs, args.due, args.sweeps)
        if args.burst:
            result.update(burst(args.burst, args.concurrency))
        print(json.dumps(result))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    results = []
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size), "--runs", str(args.runs)]
        command += ["--sweeps", str(args.sweeps)]
        command += ["--due", str(args.due), "--concurrency", str(args.concurrency)]
        command += ["--burst", str(args.burst if size == sizes[-1] else 0)]
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    print(
        f"{'complaints':>11} {'open':>8} {'clocks':>10} {'due':>6} {'sweep median':>13} "
        f"{'sweep max':>10} {'sweep queries':>14} {'process all due':>16} {'per clock':>10}"
    )
    for r in results:
        print(
            f"{r['size']:>11,} {r['open']:>8,} {r['clocks']:>10,} {r['due']:>6,} "
            f"{r['sweep_median_s'] * 1000:>10.1f} ms {r['sweep_max_s'] * 1000:>7.1f} ms "
            f"{r['sweep_queries']:>14.0f} "
            f"{r['process_median_s']:>14.2f} s {r['process_median_s'] / r['due'] * 1000:>7.2f} ms"
        )
    if len(results) >= 2:
        ratio = results[-1]["sweep_median_s"] / results[0]["sweep_median_s"]
        print(f"sweep time ratio {results[-1]['size']:,} / {results[0]['size']:,}: {ratio:.2f}")
    print("\nProcessing, per clock (one process, median run):")
    for r in results:
        print(per_clock(r))
        print(
            f"{'':>13}rows after the last run: {r['escalations']:,} escalations, "
            f"{r['notifications']:,} notifications"
        )
    last = results[-1]
    if last.get("burst"):
        took = f"{last['burst_s']:.1f} s" if last["burst_s"] else "not done (timeout)"
        print(
            f"\nBurst at {last['size']:,}: {last['burst']:,} due clocks, "
            f"{last['concurrency']} worker processes through Redis: {took}; "
            f"{last['burst_sweeps']} beat sweeps sent; {last['burst_escalations']:,} escalations "
            f"({last['burst_distinct']:,} distinct keys)"
        )
        print("progress (s, escalations):", last["burst_progress"])
    print("\nQuery plan of the sweep's scan at the largest size:\n" + last["plan"])


if __name__ == "__main__":
    main()
