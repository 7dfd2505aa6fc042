"""Benchmark the complaint list of the API at realistic volume on PostgreSQL.

Seeds N complaints (default 100,000) in a database of its own: ~30 % as many customers, a year of
receipts, 20 % of the cases open across the stages (some overdue, some escalated), the rest closed,
rejected or withdrawn; four deadline clocks per case (met for finished cases, running for open
ones, with the denormalised next_due_at kept in step), several departments, handlers and
categories. Then times `GET /api/v1/complaints/?page_size=100` through Django's test client with
token authentication, warm (one unmeasured call first), RUNS times each, for the default ordering
and with filters and searches, and prints median / p95 and the number of SQL queries per request.

Usage: python bench/api_list.py [--size 100000] [--runs 20]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432). The database
`complaints_bench_api` is dropped and recreated.
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import recreate_database, run_seed_sql, setup_django

DB_NAME = "complaints_bench_api"


SEED_SQL = """
INSERT INTO complaints_customer (name, phone, email, address, region, note, created_at, updated_at)
SELECT (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴'])[1 + g %% 10]
         || (ARRAY['先生','女士','伟','芳','娜','敏','静','磊'])[1 + (g / 10) %% 8],
       '+86139' || lpad(g::text, 8, '0'),
       CASE WHEN g %% 3 = 0 THEN 'customer' || g || '@example.com' ELSE '' END,
       '', (ARRAY['上海市','北京市','广东省','浙江省','江苏省'])[1 + g %% 5], '', now(), now()
FROM generate_series(1, %(customers)s) AS g;

-- Case g: received g %% 365 days (and some seconds) ago; every fifth case is still open.
WITH facts AS (
    SELECT g,
           now() - ((g %% 365) || ' days')::interval - (((g * 37) %% 86400) || ' seconds')::interval
             AS received_at,
           CASE WHEN g %% 5 = 0
                THEN (ARRAY['intake','triage','investigation','investigation','decision',
                            'reply','follow_up'])[1 + (g / 5) %% 7]
                ELSE (ARRAY['closed','closed','closed','closed','closed','closed','rejected',
                            'withdrawn'])[1 + g %% 8]
           END AS state,
           (g / 7) %% array_length(%(categories)s::int[], 1) AS category_slot
    FROM generate_series(1, %(complaints)s) AS g
)
INSERT INTO complaints_complaint (
    reference, public_token, state, version, channel, received_at, subject, description,
    product_or_service, order_ref, expected_resolution, remedy_sought, region, severity,
    personal_injury, media_involved, regulator_involved, legal_risk, escalation_level, findings,
    rejection_reason, reopen_count, created_at, updated_at, customer_id, category_id,
    department_id, assignee_id, received_by_id, next_due_at
)
SELECT 'CP-' || extract(year FROM received_at AT TIME ZONE 'Asia/Shanghai') || '-'
         || lpad(g::text, 6, '0'), md5(g::text) || md5((g * 7)::text), state, 1,
       (ARRAY['phone','email','walk_in','social_media','web','api','regulator_12315'])[1 + g %% 7],
       received_at,
       (ARRAY['空调维修后仍不制冷','冰箱送货延误','沙发面料开裂','退款迟迟未到账','安装师傅态度差',
              '发票开具错误','配件价格不合理','宣传与实物不符'])[1 + g %% 8],
       '客户反映：' || (ARRAY['购买的商品使用一周后出现故障。','多次联系客服未得到答复。',
              '要求退货退款并赔偿损失。','维修后问题依旧，要求更换新品。'])[1 + g %% 4],
       (ARRAY['空调','冰箱','沙发','洗衣机','热水器'])[1 + g %% 5], 'ORD' || g, '', '',
       '上海市',
       (ARRAY['general','general','general','complex','urgent','major'])[1 + g %% 6],
       g %% 97 = 0, g %% 89 = 0, g %% 83 = 0, g %% 53 = 0,
       CASE WHEN state IN ('closed','rejected','withdrawn') THEN 0 ELSE g %% 4 END,
       '', CASE WHEN state = 'rejected' THEN 'duplicate' ELSE '' END, 0, received_at, received_at,
       (SELECT min(id) FROM complaints_customer) + (g %% %(customers)s),
       (%(categories)s::int[])[1 + category_slot],
       (%(departments)s::int[])[1 + category_slot %% array_length(%(departments)s::int[], 1)],
       (%(handlers)s::int[])[1 + g %% array_length(%(handlers)s::int[], 1)],
       %(agent)s,
       CASE WHEN state IN ('closed','rejected','withdrawn') THEN NULL
            ELSE now() + (((g %% 11) - 3) || ' days')::interval END
FROM facts;

-- Four clocks per case, as the intake service plans them: met for finished cases, running for
-- open ones with the earliest due time equal to next_due_at.
INSERT INTO sla_clock (
    complaint_id, stage, round, target_id, amount, unit, reminder_percent, breach_level,
    started_at, due_at, remind_at, met_at, cancelled_at, paused_at, pause_reason, provisional,
    reminded_at, breached_at, escalated_level, next_action_at
)
SELECT c.id, t.stage, 0, t.id, t.amount, t.unit, t.reminder_percent, t.breach_level,
       c.received_at,
       COALESCE(c.next_due_at, c.received_at + interval '3 days') + (t.rank || ' days')::interval,
       NULL,
       CASE WHEN c.next_due_at IS NULL THEN c.received_at + interval '1 day' END,
       NULL, NULL, '', false, NULL, NULL, 0,
       CASE WHEN c.next_due_at IS NULL THEN NULL
            ELSE COALESCE(c.next_due_at, now()) + (t.rank || ' days')::interval END
FROM complaints_complaint c
CROSS JOIN (SELECT id, stage, amount, unit, reminder_percent, breach_level,
                   row_number() OVER (ORDER BY id) - 1 AS rank
            FROM sla_slatarget WHERE policy_id = %(policy)s AND stage IN
            ('first_response', 'investigation', 'decision', 'resolution')) t;
"""


def seed(size: int) -> dict:
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import Department, User
    from accounts.roles import Role
    from complaints.models import Category
    from sla.models import SlaPolicy

    call_command("migrate", verbosity=0)
    call_command("refresh_calendars", verbosity=0)

    def user(username: str, role: Role, department: Department | None = None) -> User:
        person = User.objects.create_user(
            username, email=f"{username}@example.com", department=department
        )
        person.groups.add(Group.objects.get(name=role))
        return person

    management = Department.objects.create(name="总经理办公室", code="management")
    departments = [
        Department.objects.create(name=name, code=code, parent=management)
        for name, code in [("服务部", "service"), ("销售部", "sales"), ("物流部", "logistics")]
    ]
    handlers = [
        user(f"handler{n}", Role.HANDLER, departments[n % len(departments)]) for n in range(9)
    ]
    head = user("head", Role.DEPT_HEAD, departments[0])
    departments[0].head = head
    departments[0].save()
    agent = user("agent", Role.AGENT)
    manager = user("manager", Role.COMPLAINT_MANAGER)
    categories = [
        Category.objects.create(name=name, code=code, default_department=departments[n % 3])
        for n, (name, code) in enumerate(
            [
                ("维修质量", "repair-quality"),
                ("销售价格", "sales-price"),
                ("送货安装", "delivery"),
                ("产品质量", "product-quality"),
                ("服务态度", "attitude"),
                ("其他", "other"),
            ]
        )
    ]
    params = {
        "complaints": size,
        "customers": max(size * 3 // 10, 1),
        # Category slot n goes to department n % 3, matching the categories' defaults.
        "categories": [category.pk for category in categories],
        "departments": [department.pk for department in departments],
        "handlers": [handler.pk for handler in handlers],
        "agent": agent.pk,
        "policy": SlaPolicy.objects.get(code="default-general").pk,
    }
    seed_seconds = run_seed_sql(SEED_SQL, params)
    tokens = {
        person.username: Token.objects.create(user=person).key
        for person in (manager, agent, head, handlers[0])
    }
    return {"seed_seconds": seed_seconds, "tokens": tokens}


SCENARIOS: list[tuple[str, str, dict]] = [
    ("default ordering (newest first)", "manager", {}),
    ("state=investigation", "manager", {"state": "investigation"}),
    ("overdue=true&ordering=due", "manager", {"overdue": "true", "ordering": "due"}),
    ("severity=urgent&channel=phone", "manager", {"severity": "urgent", "channel": "phone"}),
    ("category=repair-quality", "manager", {"category": "repair-quality"}),
    ("received_at range (30 days)", "manager", {"received_at_after": "30d"}),
    ("search=<phone number>", "manager", {"search": "139 0000 1234"}),
    ("search=<reference>", "manager", {"search": "<reference>"}),
    ("search=<text> (空调)", "manager", {"search": "空调"}),
    ("a deep page (a fifth of the way in)", "manager", {"page": "<deep>"}),
    ("as a department head (subtree)", "head", {}),
    ("as a handler (own department)", "handler0", {}),
    ("as an agent (contacts masked)", "agent", {}),
]


def measure(size: int, runs: int) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from rest_framework.test import APIClient

    from complaints.models import Complaint

    info = seed(size)
    print(f"seeded {size:,} complaints in {info['seed_seconds']:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sla_clock")
        print(f"clocks: {cursor.fetchone()[0]:,}")
    print(
        f"\n{'GET /api/v1/complaints/?page_size=100 &…':<42} {'rows':>6} {'count':>7} "
        f"{'median':>9} {'p95':>9} {'queries':>8}"
    )
    for label, username, params in SCENARIOS:
        client = APIClient(HTTP_AUTHORIZATION=f"Token {info['tokens'][username]}")
        query = {"page_size": "100", **params}
        if query.get("received_at_after") == "30d":
            query["received_at_after"] = (timezone.now() - timedelta(days=30)).isoformat()
        if query.get("search") == "<reference>":
            query["search"] = Complaint.objects.order_by("pk")[size // 2].reference
        if query.get("page") == "<deep>":
            query["page"] = str(max(1, size // 100 // 5))
        response = client.get("/api/v1/complaints/", query)  # warm-up, unmeasured
        assert response.status_code == 200, response.content[:500]
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get("/api/v1/complaints/", query)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/api/v1/complaints/", query).json()
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:<42} {len(body['results']):>6} {body['count']:>7,} "
            f"{statistics.median(times) * 1000:>6.1f} ms {p95 * 1000:>6.1f} ms "
            f"{len(captured):>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    recreate_database(DB_NAME)
    setup_django(DB_NAME, CELERY_TASK_ALWAYS_EAGER="true")
    measure(args.size, args.runs)


if __name__ == "__main__":
    main()
