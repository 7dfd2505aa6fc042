"""Benchmark the duplicate and repeat look-ups of intake and the case page at a million complaints.

Seeds N complaints (default 1,000,000) with workspace_pages' seeding (two years, 200,000 customers
with five cases each, 20 % open), then: a closing time (three days after receipt) on the closed
cases received in the last 60 days, an order number on three cases in ten, one customer with a
case in every 2,497 (400 cases over two years, 80 of them open), a company switchboard's number
with one case in every 199 (5,024), one order number shared by four recent cases of four
customers, a follow-up visit after every closed case and 10,000 pairs of cases linked as related;
then `VACUUM ANALYZE`. Times, warm, in this process:
- `possible_duplicates` for an agent with the inputs an agent types: the phone of the customer
  with many cases, of an ordinary customer, a phone nobody has, an e-mail, the shared order
  number, an order number nobody has, and two combinations;
- the intake page's look-up (`GET /complaints/new/customer/`, called while the agent types: the
  customer's history and the possible duplicates, rendered) through Django's test client;
- what the case page adds per case: `possible_duplicates_of` (a case at intake) and the repeat
  mark `customer_repeat_standing` (every case page and customer page), for both customers.
Prints median and 95th percentile of `--runs` calls each and the queries per call, then every
statement of each look-up once more under `EXPLAIN (ANALYZE, BUFFERS)`: its time, buffers, and the
indexes it read (`--plans` prints the whole plans).

Usage: python bench/duplicates.py [--size 1000000] [--runs 50] [--keep] [--plans]
Needs: PostgreSQL on BENCH_PG (default postgres://postgres@127.0.0.1:5432) and Redis on BENCH_REDIS
(default redis://127.0.0.1:6379/4, emptied at the start) for the cache.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time
from collections.abc import Callable
from urllib.parse import urlencode

from common import recreate_database, setup_django

DB_NAME = "complaints_bench_dupes"
FREQUENT_PHONE = "+8613700000001"
FREQUENT_EMAIL = "frequent.caller@example.com"
SWITCHBOARD_PHONE = "+862150000000"
SHARED_ORDER = "JD-SHARED-20261201"

# Idempotent: a kept database gets it once (the frequent customer is the marker).
EXTRA_SQL = """
-- The seeding leaves closed cases without their closing time: the recent ones get one (closed
-- three days after receipt), so that closed cases fall inside the duplicate window too.
UPDATE complaints_complaint SET closed_at = received_at + interval '3 days'
WHERE state = 'closed' AND closed_at IS NULL AND received_at > now() - interval '60 days';

-- An order or receipt number on three cases in ten (the others came without one).
UPDATE complaints_complaint SET order_ref = 'JD' || lpad(id::text, 12, '0')
WHERE id %% 10 < 3 AND order_ref = '';

INSERT INTO complaints_customer (name, phone, email, address, region, note, created_at, updated_at)
VALUES ('常来客户', %(phone)s, %(email)s, '', '上海市', '', now(), now());

-- A customer who complains often: one case in every 2,497 (400), over the whole two years, a
-- fifth of them open.
UPDATE complaints_complaint
SET customer_id = (SELECT id FROM complaints_customer WHERE phone = %(phone)s)
WHERE id %% 2497 = 0;

-- One order number on four recent cases of four customers (a parcel several people wrote about).
UPDATE complaints_complaint SET order_ref = %(shared)s
WHERE id IN (SELECT id FROM complaints_complaint
             WHERE received_at > now() - interval '20 days' AND id %% 2497 <> 0
             ORDER BY id LIMIT 4);

-- A follow-up visit after every closed case (nine in ten reached, with a score), as the
-- customer's history and the repeat mark read them.
INSERT INTO complaints_followup (complaint_id, round, method, reached, satisfaction, resolved,
                                 comment, by_id, at, case_department_id, case_assignee_id)
SELECT id, 0, 'phone', id %% 10 <> 0, CASE WHEN id %% 10 <> 0 THEN 1 + id %% 5 END,
       id %% 5 > 1, '', received_by_id, received_at + interval '6 days', department_id, assignee_id
FROM complaints_complaint WHERE state = 'closed';
ANALYZE complaints_followup;
"""

# Idempotent too, with its own marker (the switchboard's number).
SWITCHBOARD_SQL = """
-- A number behind which many people complain (a company's switchboard): one case in 199 (5,024).
INSERT INTO complaints_customer (name, phone, email, address, region, note, created_at, updated_at)
VALUES ('某公司总机', %(phone)s, '', '', '上海市', '', now(), now());
UPDATE complaints_complaint
SET customer_id = (SELECT id FROM complaints_customer WHERE phone = %(phone)s)
WHERE id %% 199 = 7 AND id %% 2497 <> 0 AND order_ref <> %(shared)s;

-- Cases linked as related (one pair in a hundred), so that leaving out the linked cases reads
-- a table of some size.
INSERT INTO complaints_caselink (from_complaint_id, to_complaint_id, kind, by_id, at)
SELECT id, id + 1, 'related', received_by_id, received_at + interval '1 day'
FROM complaints_complaint WHERE id %% 100 = 50;
ANALYZE complaints_caselink;
"""


def seed_extra() -> None:
    from django.db import connection
    from workspace_pages import vacuum

    from complaints.models import Customer

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if not Customer.objects.filter(phone=FREQUENT_PHONE).exists():
            cursor.execute(
                EXTRA_SQL,
                {"phone": FREQUENT_PHONE, "email": FREQUENT_EMAIL, "shared": SHARED_ORDER},
            )
        if not Customer.objects.filter(phone=SWITCHBOARD_PHONE).exists():
            cursor.execute(SWITCHBOARD_SQL, {"phone": SWITCHBOARD_PHONE, "shared": SHARED_ORDER})
        else:
            return
    vacuum()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE complaints_followup")
        cursor.execute("VACUUM ANALYZE complaints_caselink")
    print(
        f"order numbers, customers, follow-ups and links in {time.perf_counter() - started:.0f} s"
    )


def timed(call: Callable[[], object], runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):  # warm: caches, the OS page cache
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        found = call()
    times.sort()
    return {
        "median_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "queries": [query["sql"] for query in queries.captured_queries],
        "found": found,
    }


# Session, user and permission reads of a request: not the look-up's.
FRAMEWORK = re.compile(r'FROM "(django_session|accounts_user|auth_|django_content_type)')


def outer_table(sql: str) -> str:
    """The table the statement reads at its top level (not in a sub-select); "… ∪" for the
    branches of a UNION."""
    if sql.startswith("("):
        return outer_table(sql[1:]) + " ∪"
    for match in re.finditer(r'FROM "(\w+)"', sql):
        before = sql[: match.start()]
        if before.count("(") == before.count(")"):
            return match.group(1)
    return "?"


def explain(sqls: list[str], *, plans: bool) -> list[str]:
    """One line per statement of the look-up: its time, buffers and the indexes it read."""
    from django.db import connection

    lines = []
    with connection.cursor() as cursor:
        for sql in sqls:
            # A UNION ALL of branches starts with its first branch's parenthesis.
            if FRAMEWORK.search(sql) or not sql.lstrip("( ").upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            took = re.search(r"Execution Time: ([\d.]+) ms", plan)
            buffers = re.search(r"Buffers: (shared [^\n]*)", plan)
            names = sorted(
                {
                    a or b
                    for a, b in re.findall(
                        r"Scan(?: Backward)? using (\w+)|Index Scan on (\w+)", plan
                    )
                }
            )
            table = outer_table(sql)
            seq = " SEQ SCAN" if "Seq Scan" in plan else ""
            lines.append(
                f"    {table:<28} {float(took.group(1)) if took else 0:7.2f} ms"
                f"  {buffers.group(1) if buffers else '':<28} {', '.join(names)}{seq}"
            )
            if plans:
                lines.append("      " + plan.replace("\n", "\n      "))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="reuse the seeded database")
    parser.add_argument("--plans", action="store_true", help="print every statement's whole plan")
    parser.add_argument("--only", default="", help="run only the lines whose label has this text")
    args = parser.parse_args()
    if not args.keep:
        recreate_database(DB_NAME)
    setup_django(DB_NAME, REDIS_URL=os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/4"))
    from workspace_pages import plain_static_files, seed

    plain_static_files()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from complaints.models import Complaint, Customer
    from complaints.selectors.duplicates import (
        customer_repeat_standing,
        possible_duplicates,
        possible_duplicates_of,
    )

    cache.clear()
    call_command("migrate", verbosity=0)  # a kept database may predate the newest migrations
    if not args.keep:
        print(f"seeded {args.size:,} complaints in {seed(args.size)['seed_seconds']:.0f} s")
    seed_extra()

    agent = User.objects.get(username="agent")
    handler = User.objects.get(username="handler0")
    frequent = Customer.objects.get(phone=FREQUENT_PHONE)
    ordinary = Customer.objects.order_by("pk")[12345]
    switchboard = Customer.objects.get(phone=SWITCHBOARD_PHONE)
    intake_case = (
        Complaint.objects.filter(customer=frequent, state__in=["intake", "triage"])
        .order_by("-received_at")
        .first()
    )
    ordinary_case = Complaint.objects.filter(customer=ordinary).order_by("-received_at").first()
    switchboard_case = (
        Complaint.objects.filter(customer=switchboard, state__in=["intake", "triage"])
        .order_by("-received_at")
        .first()
    )
    client = Client()
    client.force_login(agent)
    client.cookies["django_language"] = "zh-hans"

    def lookup(**typed: str) -> Callable[[], object]:
        url = "/complaints/new/customer/?" + urlencode(
            {"customer_phone": "", "customer_email": "", "order_ref": "", **typed}
        )

        def get() -> object:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return get

    def dupes(user: User = agent, **typed: str) -> Callable[[], object]:
        return lambda: possible_duplicates(user=user, **typed)

    national = {"frequent": FREQUENT_PHONE.removeprefix("+86"), "ordinary": ordinary.phone[3:]}
    inputs: list[tuple[str, dict[str, str]]] = [
        ("phone, customer with 400 cases", {"phone": national["frequent"]}),
        ("phone, customer with 4 cases", {"phone": national["ordinary"]}),
        ("phone, switchboard with 5,024 cases", {"phone": SWITCHBOARD_PHONE}),
        ("phone nobody has", {"phone": "13000000000"}),
        ("e-mail (typed in capitals)", {"email": ordinary.email.upper()}),
        ("order number of 4 cases", {"order_ref": SHARED_ORDER.lower()}),
        ("order number nobody has", {"order_ref": "JD-NO-SUCH-0001"}),
        (
            "400-case phone + e-mail + order number",
            {"phone": national["frequent"], "email": FREQUENT_EMAIL, "order_ref": SHARED_ORDER},
        ),
        (
            "4-case phone + e-mail + unknown order",
            {"phone": national["ordinary"], "email": ordinary.email, "order_ref": "JD-0000000"},
        ),
    ]
    field = {"phone": "customer_phone", "email": "customer_email", "order_ref": "order_ref"}
    checks: list[tuple[str, Callable[[], object]]] = []
    for label, typed in inputs:
        checks.append((f"possible_duplicates: {label}", dupes(**typed)))
    checks.append(
        ("possible_duplicates, handler: 400-case phone", dupes(handler, phone=national["frequent"]))
    )
    checks.append(
        ("possible_duplicates, handler: switchboard", dupes(handler, phone=SWITCHBOARD_PHONE))
    )
    for label, typed in inputs:
        checks.append(
            (f"intake look-up: {label}", lookup(**{field[k]: v for k, v in typed.items()}))
        )
    checks += [
        (
            "case page: possible_duplicates_of (400-case customer)",
            lambda: possible_duplicates_of(user=agent, complaint=intake_case),
        ),
        (
            "case page: repeat mark, 400-case customer",
            lambda: customer_repeat_standing(customer_id=frequent.pk),
        ),
        (
            "case page: repeat mark, 4-case customer",
            lambda: customer_repeat_standing(customer_id=ordinary.pk),
        ),
        (
            "case page: possible_duplicates_of (switchboard)",
            lambda: possible_duplicates_of(user=agent, complaint=switchboard_case),
        ),
        (
            "case page: repeat mark, switchboard",
            lambda: customer_repeat_standing(customer_id=switchboard.pk),
        ),
        (
            "case page: possible_duplicates_of (4-case customer)",
            lambda: possible_duplicates_of(user=agent, complaint=ordinary_case),
        ),
    ]
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    print(f"{'look-up':<58} {'median':>9} {'p95':>9} {'queries':>8} {'found':>6}")
    for label, call in checks:
        if args.only not in label:
            continue
        result = timed(call, args.runs)
        found = result["found"]
        count = len(found) if isinstance(found, list) else "-"
        if hasattr(found, "complaints") and isinstance(found.complaints, int):
            count = found.complaints
        print(
            f"{label:<58} {result['median_ms']:>6.2f} ms {result['p95_ms']:>6.2f} ms "
            f"{len(result['queries']):>8} {count:>6}",
            flush=True,
        )
        for line in explain(result["queries"], plans=args.plans):
            print(line)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
