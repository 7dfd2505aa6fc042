"""/readyz reports the tasks kept while the broker was down (health.DeferredTask): how many wait and
how old the oldest is, in one query on the primary key's index; a few recent ones are no failure,
past HEALTH_DEFERRED_TASKS_MAX_WAITING or HEALTH_DEFERRED_TASKS_MAX_AGE_SECONDS readiness fails."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from health.models import DeferredTask
from health.selectors import deferred_task_backlog, deferred_tasks_check
from health.tasks import beat_heartbeat_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def beating():
    beat_heartbeat_task.delay()  # eager in tests: what the sla worker does every minute


def keep(count: int, *, age: timedelta) -> None:
    """`count` deferred tasks, the first (oldest, lowest id) kept `age` ago, one second apart."""
    start = timezone.now() - age
    DeferredTask.objects.bulk_create(
        DeferredTask(
            task_name="complaints.tasks.send_notification_email_task",
            args=[n],
            created_at=start + timedelta(seconds=n),
        )
        for n in range(count)
    )


def backlog_of(response) -> dict:
    return response.json()["checks"]["deferred_tasks"]


def test_no_backlog_is_ready_and_says_so(client, org, beating):
    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert backlog_of(response) | {"ms": 0} == {
        "ok": True,
        "ms": 0,
        "waiting": 0,
        "oldest_age_seconds": None,
        "max_waiting": 1000,
        "max_age_seconds": 600,
    }


def test_a_small_recent_backlog_is_reported_not_failed(client, org, beating):
    keep(3, age=timedelta(seconds=40))

    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"
    backlog = backlog_of(response)
    assert backlog["ok"] is True and "error" not in backlog
    assert backlog["waiting"] == 3
    assert 40 <= backlog["oldest_age_seconds"] <= 60


def test_a_task_waiting_past_the_limit_is_503_with_its_age(client, org, beating, settings):
    settings.HEALTH_DEFERRED_TASKS_MAX_AGE_SECONDS = 300
    keep(2, age=timedelta(minutes=10))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "not_ready"
    failed = {name for name, check in response.json()["checks"].items() if not check["ok"]}
    assert failed == {"deferred_tasks"}
    backlog = backlog_of(response)
    assert backlog["error"] == "stale"
    assert 600 <= backlog["oldest_age_seconds"] <= 660
    assert backlog["max_age_seconds"] == 300


def test_more_tasks_than_the_limit_is_503_counted_one_past_the_limit(
    client, org, beating, settings
):
    settings.HEALTH_DEFERRED_TASKS_MAX_WAITING = 5
    keep(40, age=timedelta(seconds=30))

    response = client.get("/readyz")

    assert response.status_code == 503
    backlog = backlog_of(response)
    assert (backlog["error"], backlog["waiting"], backlog["max_waiting"]) == ("backlog", 6, 5)
    # The oldest is the first kept, whatever the count stopped at.
    assert 30 <= backlog["oldest_age_seconds"] <= 50


def test_the_check_is_one_query(django_assert_num_queries):
    keep(3, age=timedelta(seconds=5))

    with django_assert_num_queries(1):
        check = deferred_tasks_check()

    assert check.ok and check.details["waiting"] == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_the_query_reads_the_primary_key_index_up_to_its_limit_however_long_the_backlog():
    keep(20_000, age=timedelta(hours=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE health_deferredtask")
    with CaptureQueriesContext(connection) as captured:
        backlog = deferred_task_backlog(count_up_to=1001)
    (query,) = captured.captured_queries

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {query['sql']}")
        plan = json.dumps(cursor.fetchone()[0])

    assert backlog.waiting == 1001
    assert '"Node Type": "Limit"' in plan
    assert '"Index Name": "health_deferredtask_pkey"' in plan
    assert "Seq Scan" not in plan and "Sort" not in plan
