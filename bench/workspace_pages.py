"""Benchmark the staff workspace pages on PostgreSQL at a million complaints.

Seeds N complaints (default 1,000,000) across 10 departments and 200,000 customers: 20 % open, each
open case with four running clocks and its `next_due_at`, every case with its "received" timeline
row; one case gets 50 timeline events (notes), three more 10, 50 and 200 events of mixed kinds. Then,
warm, times server-side rendering (Django's test client in this process: URL routing, middleware,
queries, templates; no network) of:
- queue pages (25 rows, default sort by due time) for a handler, a department head and a manager,
  "Handled by me" included (every seventh case was handled first in the previous department);
- the case page with 50 timeline events, and with 10, 50 and 200: the time each event adds is the
  least-squares slope of the median over those three;
- searching from the queues: a customer's phone number, a customer's name, words of the subject.
Prints median and 95th percentile of `--runs` requests each, and the query count.

Usage: python bench/workspace_pages.py [--size 1000000] [--runs 50] [--keep] [--only case]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432) and Redis on BENCH_REDIS
(default redis://127.0.0.1:6379/4, emptied at the start) for the cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from common import recreate_database, run_seed_sql, setup_django

DB_NAME = "complaints_bench_pages"
DEPARTMENTS = 10

SEED_SQL = """
INSERT INTO complaints_customer (name, phone, email, address, region, note, created_at, updated_at)
SELECT '客户' || g, '+86139' || lpad(g::text, 8, '0'), 'c' || g || '@example.com', '', '上海市', '',
       now(), now()
FROM generate_series(1, %(customers)s) AS g;

INSERT INTO complaints_complaint (
    reference, public_token, state, version, channel, received_at, subject, description,
    product_or_service, order_ref, expected_resolution, remedy_sought, region, severity,
    personal_injury, media_involved, regulator_involved, legal_risk, escalation_level, findings,
    rejection_reason, reopen_count, created_at, updated_at, customer_id, category_id,
    department_id, assignee_id, received_by_id, next_due_at
)
SELECT 'CP-' || (2021 + g %% 6) || '-' || lpad((g / 6)::text, 6, '0'), md5(g::text) || md5((g * 7)::text),
       CASE WHEN g %% 5 = 0 THEN (ARRAY['intake','triage','investigation','decision','reply',
                                       'follow_up'])[1 + (g / 5) %% 6]
            ELSE 'closed' END,
       1, (ARRAY['phone','email','walk_in','social_media','letter'])[1 + g %% 5],
       now() - ((g %% %(days)s) || ' days')::interval - ((g %% 86400) || ' seconds')::interval,
       (ARRAY['空调维修后仍不制冷','快递延误且包装破损','会员积分被无故清零','退款迟迟未到账',
              '售后客服态度恶劣'])[1 + g %% 5],
       '客户反映：购买的商品使用后出现故障，多次联系售后未果，要求尽快处理并给予合理赔偿。',
       '', '', '', '', '上海市', (ARRAY['general','general','general','complex','urgent'])[1 + g %% 5],
       false, false, false, false, CASE WHEN g %% 50 = 0 THEN 1 ELSE 0 END, '', '', 0, now(), now(),
       (SELECT min(id) FROM complaints_customer) + (g %% %(customers)s),
       %(category)s,
       -- (g / 5): open cases (every fifth) spread evenly over the departments too.
       (%(departments)s)[1 + (g / 5) %% %(department_count)s],
       (%(handlers)s)[1 + (g / 5) %% %(department_count)s],
       %(agent)s,
       CASE WHEN g %% 5 = 0 THEN now() + (((g / 5) %% 240 - 40) || ' hours')::interval END
FROM generate_series(1, %(complaints)s) AS g;

INSERT INTO sla_clock (
    complaint_id, stage, round, target_id, amount, unit, reminder_percent, breach_level,
    started_at, due_at, remind_at, met_at, cancelled_at, paused_at, pause_reason, provisional,
    reminded_at, breached_at, escalated_level, next_action_at
)
SELECT c.id, t.stage, 0, t.id, t.amount, t.unit, t.reminder_percent, t.breach_level,
       c.received_at, c.next_due_at + (t.n || ' days')::interval, NULL, NULL, NULL, NULL, '',
       false, NULL, NULL, 0, c.next_due_at
FROM complaints_complaint c
CROSS JOIN (SELECT id, stage, amount, unit, reminder_percent, breach_level,
                   row_number() OVER (ORDER BY id) - 1 AS n
            FROM sla_slatarget WHERE policy_id = %(policy)s AND stage IN
            ('first_response', 'investigation', 'decision', 'resolution')) t
WHERE c.next_due_at IS NOT NULL;

INSERT INTO complaints_caseevent (complaint_id, kind, actor_id, at, from_state, to_state,
                                  transition, comment, customer_visible, data)
SELECT id, 'created', %(agent)s, received_at, '', 'intake', '', '', true, '{}'::jsonb
FROM complaints_complaint;

-- Who worked on each case (complaints.timeline keeps it): the agent who received it, its handler.
INSERT INTO complaints_caseparticipant (complaint_id, user_id)
SELECT id, received_by_id FROM complaints_complaint
UNION ALL SELECT id, assignee_id FROM complaints_complaint;
"""

# Every seventh case (open and closed) was handled first by the handler of the previous
# department, who handed it on and keeps reading it ("Handled by me"); idempotent, so a kept
# database gets it once.
HANDOFFS_SQL = """
INSERT INTO complaints_caseparticipant (complaint_id, user_id)
SELECT c.id, (%(handlers)s)[1 + (array_position(%(departments)s, c.department_id) + %(department_count)s - 2)
                             %% %(department_count)s]
FROM complaints_complaint c
WHERE c.id %% 7 = 0
ON CONFLICT DO NOTHING;
ANALYZE complaints_caseparticipant;
"""

NOTES_SQL = """
INSERT INTO complaints_caseevent (complaint_id, kind, actor_id, at, from_state, to_state,
                                  transition, comment, customer_visible, data)
SELECT %(complaint)s, 'note', %(actor)s, now() - (g || ' minutes')::interval, '', '', '',
       '第' || g || '次跟进：已联系仓库核实发货记录，等待物流公司回复。', false, '{}'::jsonb
FROM generate_series(1, %(count)s) AS g;
"""

# Events of the kinds a real case collects (note, contact, step, triage change, reminder), in turn.
MIXED_EVENTS_SQL = """
INSERT INTO complaints_caseevent (complaint_id, kind, actor_id, at, from_state, to_state,
                                  transition, comment, customer_visible, data)
SELECT %(complaint)s,
       (ARRAY['note', 'contact', 'transition', 'triaged', 'reminder'])[1 + g %% 5],
       %(actor)s, now() - (g || ' minutes')::interval,
       CASE WHEN g %% 5 = 2 THEN 'triage' ELSE '' END,
       CASE WHEN g %% 5 = 2 THEN 'investigation' ELSE '' END,
       CASE WHEN g %% 5 = 2 THEN 'start_investigation' ELSE '' END,
       CASE WHEN g %% 5 IN (0, 1) THEN '第' || g || '次跟进：已联系仓库核实发货记录，等待物流公司回复。'
            ELSE '' END,
       g %% 5 = 1,
       (ARRAY['{}',
              '{"channel": "phone", "direction": "outbound", "purpose": "progress"}',
              '{}',
              '{"changes": {"severity": ["general", "complex"]}}',
              '{"stage": "investigation", "recipient": "handler0", "due_at": "2026-03-02T15:59:59Z"}'
       ])[1 + g %% 5]::jsonb
FROM generate_series(1, %(count)s) AS g;
"""
SLOPE_EVENTS = (10, 50, 200)


def slope_cases() -> list:
    """Three investigation cases with 10, 50 and 200 events (topped up; a kept database is reused)."""
    from django.db import connection

    from complaints.models import Complaint

    cases = list(Complaint.objects.filter(state="investigation").order_by("pk")[1:4])
    for case, wanted in zip(cases, SLOPE_EVENTS, strict=True):
        missing = wanted - case.events.count()
        if missing > 0:
            with connection.cursor() as cursor:
                cursor.execute(
                    MIXED_EVENTS_SQL,
                    {"complaint": case.pk, "actor": case.assignee_id, "count": missing},
                )
    return cases


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of (events, milliseconds)."""
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def plain_static_files() -> None:
    """Templates resolve {% static %} without a collectstatic manifest."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def seed(size: int, *, days: int = 730) -> dict:
    """Seed `size` complaints received over the last `days` days (see the module's note)."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.models import Department, User
    from accounts.roles import Role
    from complaints.models import Category
    from sla.models import SlaPolicy

    call_command("migrate", verbosity=0)
    call_command("refresh_calendars", verbosity=0)

    def user(username: str, role: Role, department=None, limit: int = 0) -> User:
        person = User.objects.create_user(
            username, email=f"{username}@example.com", department=department, approval_limit=limit
        )
        person.groups.add(Group.objects.get(name=role.value))
        return person

    departments, handlers = [], []
    for number in range(DEPARTMENTS):
        department = Department.objects.create(name=f"业务{number}部", code=f"dept-{number}")
        department.head = user(f"head{number}", Role.DEPT_HEAD, department, 20000)
        department.save()
        departments.append(department)
        handlers.append(user(f"handler{number}", Role.HANDLER, department, 2000))
    agent = user("agent", Role.AGENT)
    user("manager", Role.COMPLAINT_MANAGER, limit=50000)
    category = Category.objects.create(
        name="产品质量", code="quality", default_department=departments[0]
    )
    params = {
        "complaints": size,
        "customers": max(size // 5, 1),
        "category": category.pk,
        "departments": [d.pk for d in departments],
        "handlers": [h.pk for h in handlers],
        "department_count": DEPARTMENTS,
        "agent": agent.pk,
        "policy": SlaPolicy.objects.get(code="default-general").pk,
        "days": days,
    }
    seconds = run_seed_sql(SEED_SQL, params)
    vacuum()
    return {"seed_seconds": seconds}


def vacuum() -> None:
    """Set the visibility map as autovacuum would have on a table that has lived for a while: right
    after a bulk load every index-only scan (the capped tab counts) would still read the heap."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_complaint")
        cursor.execute("VACUUM ANALYZE complaints_caseparticipant")


def timed(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: caches, prepared plans, the OS page cache
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times, cpu_times = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.thread_time()
        client.get(url)
        times.append(time.perf_counter() - started)
        cpu_times.append(time.thread_time() - cpu_started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "queries": len(queries),
        # This process's CPU (not PostgreSQL's): steadier than wall time on a shared machine.
        "cpu_median_ms": statistics.median(cpu_times) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database")
    parser.add_argument("--seed-only", action="store_true", help="seed, then stop")
    parser.add_argument("--only", default="", help="run only the pages whose label has this text")
    args = parser.parse_args()
    if not args.keep:
        recreate_database(DB_NAME)
    # The cache on Redis, as in production (README: Production): the queue pages keep the names
    # of departments, categories and people and the filter bar's lists there.
    setup_django(DB_NAME, REDIS_URL=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/4"))
    plain_static_files()
    from django.core.cache import cache

    cache.clear()

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import Department, User
    from complaints.models import Complaint, Customer

    call_command("migrate", verbosity=0)  # a kept database may predate the newest migrations
    if not args.keep:
        print(f"seeded {args.size:,} complaints in {seed(args.size)['seed_seconds']:.0f} s")
    if args.seed_only:
        return
    case = Complaint.objects.filter(state="investigation").order_by("pk").first()
    if not case.events.filter(kind="note").exists():
        with connection.cursor() as cursor:
            cursor.execute(
                NOTES_SQL, {"complaint": case.pk, "actor": case.assignee_id, "count": 49}
            )
    departments = list(
        Department.objects.filter(code__startswith="dept-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    handlers = [User.objects.get(username=f"handler{n}").pk for n in range(len(departments))]
    with connection.cursor() as cursor:
        cursor.execute(
            HANDOFFS_SQL,
            {
                "departments": departments,
                "handlers": handlers,
                "department_count": len(departments),
            },
        )
    mixed = slope_cases()
    customer = Customer.objects.order_by("pk")[min(12345, Customer.objects.count() - 1)]
    phone_national = customer.phone.removeprefix("+86")

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.cookies["django_language"] = "zh-hans"
        return client

    manager, head, handler = client_for("manager"), client_for("head0"), client_for("handler0")
    checks = [
        ("queue: handler, my cases", handler, "/queues/mine/"),
        ("queue: handler, overdue", handler, "/queues/overdue/"),
        ("queue: handler, handled by me", handler, "/queues/handled/"),
        ("queue: head, my department", head, "/queues/department/"),
        ("queue: head, due soon", head, "/queues/due-soon/"),
        ("queue: head, handled by me", head, "/queues/handled/"),
        ("queue: manager, all", manager, "/queues/all/"),
        ("queue: manager, overdue", manager, "/queues/overdue/"),
        # The tabs' counts, which every queue page fetches once loaded (and each minute after).
        ("queue tab counts: handler", handler, "/queue-counts/?current=mine"),
        ("queue tab counts: head", head, "/queue-counts/?current=department"),
        ("queue tab counts: manager", manager, "/queue-counts/?current=all"),
        (f"case page ({case.events.count()} events)", manager, f"/complaints/{case.reference}/"),
        *[
            (f"case page, mixed ({wanted} events)", manager, f"/complaints/{c.reference}/")
            for c, wanted in zip(mixed, SLOPE_EVENTS, strict=True)
        ],
        ("search a customer's phone", manager, f"/queues/all/?search={phone_national}"),
        ("search a customer's name", manager, f"/queues/all/?search={customer.name}"),
        ("search a word, closed cases too", manager, "/queues/all/?search=包装破损&state=closed"),
        ("search a word in a department", head, "/queues/department/?search=积分被无故"),
    ]
    print(f"{'page':<34} {'median':>9} {'p95':>9} {'queries':>8}")
    medians: dict[str, tuple[float, float]] = {}
    for label, client, url in checks:
        if args.only not in label:
            continue
        result = timed(client, url, args.runs)
        medians[label] = (result["median_ms"], result["cpu_median_ms"])
        print(
            f"{label:<34} {result['median_ms']:>6.1f} ms {result['p95_ms']:>6.1f} ms "
            f"{result['queries']:>8}"
        )
    found = [medians.get(f"case page, mixed ({n} events)") for n in SLOPE_EVENTS]
    if all(found):
        wall = slope([(n, ms[0]) for n, ms in zip(SLOPE_EVENTS, found, strict=True)])
        cpu = slope([(n, ms[1]) for n, ms in zip(SLOPE_EVENTS, found, strict=True)])
        print(
            f"case page, time per timeline event: {wall:.3f} ms wall, {cpu:.3f} ms CPU of this "
            "process (least-squares slope of the medians at 10, 50, 200 events)"
        )


if __name__ == "__main__":
    main()
