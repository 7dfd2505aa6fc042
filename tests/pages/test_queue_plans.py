"""The queues' query shapes on PostgreSQL: estimated well, served from indexes (issue 12, §3).

The department queue used to be `department IN (…) AND (assignee = me OR received_by = me OR
department IN (…)) AND open`: PostgreSQL multiplies the two department conditions, expects a tenth
of the rows and plans a bitmap scan, a hash join over every customer and a sort. A branch queue now
asks for its branch alone. These tests read the plans of a few thousand seeded cases.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from complaints.queues import (
    QUEUES_BY_SLUG,
    BranchUnion,
    queue_branches,
    queue_complaints,
    queue_order,
)
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan"),
]

CASES = 30_000
DEPARTMENTS = 10

SEED = """
INSERT INTO complaints_customer (name, phone, email, address, region, note, created_at, updated_at)
SELECT '客户' || g, '+86139' || lpad(g::text, 8, '0'), '', '', '上海市', '', now(), now()
FROM generate_series(1, %(customers)s) AS g;

INSERT INTO complaints_complaint (
    reference, public_token, state, version, channel, received_at, subject, description,
    product_or_service, order_ref, expected_resolution, remedy_sought, region, severity,
    personal_injury, media_involved, regulator_involved, legal_risk, escalation_level, findings,
    rejection_reason, reopen_count, created_at, updated_at, customer_id, department_id,
    assignee_id, received_by_id, next_due_at
)
SELECT 'CP-2020-' || lpad(g::text, 6, '0'), md5(g::text) || md5((g * 7)::text),
       CASE WHEN g %% 5 = 0 THEN 'investigation' ELSE 'closed' END, 1, 'phone',
       now() - (g || ' minutes')::interval, '空调维修后仍不制冷', '多次维修仍不制冷。', '', '', '', '',
       '上海市', 'general', false, false, false, false, 0, '', '', 0, now(), now(),
       (SELECT min(id) FROM complaints_customer) + g %% %(customers)s,
       (%(departments)s)[1 + (g / 5) %% %(department_count)s],
       (%(handlers)s)[1 + (g / 5) %% %(department_count)s],
       %(agent)s,
       CASE WHEN g %% 5 = 0 THEN now() + ((g %% 1000 - 200) || ' minutes')::interval END
FROM generate_series(1, %(cases)s) AS g;

INSERT INTO complaints_caseparticipant (complaint_id, user_id)
SELECT id, assignee_id FROM complaints_complaint WHERE assignee_id IS NOT NULL;
ANALYZE complaints_customer;
ANALYZE complaints_complaint;
ANALYZE complaints_caseparticipant;
"""


@pytest.fixture
def seeded(org):
    departments = [org.service, org.legal] + [
        DepartmentFactory(code=f"dept-{n}") for n in range(DEPARTMENTS - 2)
    ]
    handlers = [org.handler, org.other_handler] + [
        UserFactory(username=f"handler{n}", role=Role.HANDLER, department=department)
        for n, department in enumerate(departments[2:])
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            SEED,
            {
                "customers": CASES // 5,
                "cases": CASES,
                "departments": [d.pk for d in departments],
                "handlers": [h.pk for h in handlers],
                "department_count": DEPARTMENTS,
                "agent": org.agent.pk,
            },
        )
    return org


def plan(queryset, *, analyze: bool = False) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        raw = cursor.fetchone()[0]
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]


def nodes(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def page_query(user, slug: str):
    queue = QUEUES_BY_SLUG[slug]
    cases = queue_complaints(user=user, queue=queue, now=timezone.now())
    return queue_order(cases, ordering=queue.default_ordering)[:25]


@pytest.mark.parametrize(("who", "slug"), [("head", "department"), ("handler", "mine")])
def test_a_branch_queue_is_estimated_within_a_factor_of_two(seeded, who, slug):
    queue = QUEUES_BY_SLUG[slug]
    user = getattr(seeded, who)
    cases = queue_complaints(user=user, queue=queue, now=timezone.now()).values("pk")

    top = plan(cases, analyze=True)

    assert top["Actual Rows"] == CASES // 5 // DEPARTMENTS  # one department's open cases
    assert 0.5 <= top["Plan Rows"] / top["Actual Rows"] <= 2, top


@pytest.mark.parametrize(
    ("who", "slug"),
    [("head", "department"), ("handler", "mine"), ("handler", "handled"), ("handler", "overdue")],
)
def test_a_queue_page_reads_an_index_and_joins_customers_row_by_row(seeded, who, slug):
    top = plan(page_query(getattr(seeded, who), slug))
    every = list(nodes(top))

    on_customers = [n for n in every if n.get("Relation Name") == "complaints_customer"]
    assert on_customers and all(n["Node Type"] == "Index Scan" for n in on_customers), on_customers
    on_complaints = [n for n in every if n.get("Relation Name") == "complaints_complaint"]
    # an index scan, or bitmap scans of indexes (the working queues' OR of the scope's branches)
    assert on_complaints and all(n["Node Type"] != "Seq Scan" for n in on_complaints), on_complaints


def branch_union(user, slug: str):
    queue = QUEUES_BY_SLUG[slug]
    now = timezone.now()
    branches = queue_branches(user=user, queue=queue, now=now)
    assert branches, f"{slug} of {user} should be read branch by branch"
    cases = queue_complaints(user=user, queue=queue, now=now)
    return cases, BranchUnion(branches=branches, ordering=queue.default_ordering)


@pytest.mark.parametrize(
    ("who", "slug"),
    [("head", "due-soon"), ("head", "overdue"), ("handler", "overdue"), ("handler", "due-soon")],
)
def test_a_working_queue_read_by_branches_pages_exactly_as_the_plain_query(seeded, who, slug):
    user = getattr(seeded, who)
    cases, union = branch_union(user, slug)
    plain = queue_order(cases, ordering=QUEUES_BY_SLUG[slug].default_ordering)

    total = plain.count()
    assert total > 75  # three full pages
    for start in (0, 25, 50, total - 10):
        expected = [c.pk for c in plain[start : start + 25]]
        assert [c.pk for c in union[start : start + 25]] == expected
    assert union.count_up_to(2501) == min(total, 2501)
    assert union.count_up_to(10) == 10


@pytest.mark.parametrize(("who", "slug"), [("head", "due-soon"), ("handler", "overdue")])
def test_each_branch_of_a_working_queue_reads_its_own_index_in_deadline_order(seeded, who, slug):
    _cases, union = branch_union(getattr(seeded, who), slug)

    every = list(nodes(plan(union[0:25], analyze=True)))

    on_complaints = [n for n in every if n.get("Relation Name") == "complaints_complaint"]
    assert on_complaints and all(n["Node Type"] != "Seq Scan" for n in on_complaints), every
    # No branch walks other departments' cases to drop them (the OR's plan dropped 7,500 rows
    # for one page at a million complaints; bench/README.md has that plan).
    assert all(n.get("Rows Removed by Filter", 0) <= 100 for n in on_complaints), on_complaints
