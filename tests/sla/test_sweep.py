"""The beat side: the sweep's query and fan-out, the per-chunk task, the schedule, the calendar alert."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerDown

from complaints.models import Notification
from sla import tasks
from sla.models import Clock, Escalation
from sla.selectors import due_clocks
from sla.services import (
    calendar_confirm_year,
    calendars_alert_provisional_years,
    clocks_pause,
    sweep_due_clocks,
)
from sla.services import escalation as escalation_module
from tests.factories import UserFactory
from tests.sla.china import PROVISIONAL_YEAR, SHANGHAI

pytestmark = pytest.mark.django_db

RECEIVED = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
# By then a general case received on RECEIVED has two clocks due: its first response (24 hours,
# levels 1 and 2 passed) and its settlement (72 hours, level 3); the others are not due yet.
LATER = datetime(2025, 9, 29, 12, tzinfo=SHANGHAI)


@pytest.fixture
def overdue_cases(china, now_is, new_complaint):
    """Three general cases received Fri 9/26 10:00: first response and settlement overdue by Mon."""
    now_is(RECEIVED)
    cases = [new_complaint() for _ in range(3)]
    now_is(LATER)
    return cases


def queued(apply_async: mock.Mock) -> list[list[int]]:
    return [call.kwargs["args"][0] for call in apply_async.call_args_list]


def test_the_sweep_queues_the_due_clocks_in_chunks_oldest_first(overdue_cases, org, now_is):
    # a paused case and a met clock are not due
    clocks_pause(complaint=overdue_cases[2], actor=org.handler, reason="insurer", note="")
    expected = list(
        Clock.objects.filter(complaint__in=overdue_cases[:2], next_action_at__lte=LATER)
        .order_by("next_action_at")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 4  # first response and settlement of each

    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        assert sweep_due_clocks(chunk_size=3) == 4

    assert queued(apply_async) == [expected[:3], expected[3:]]
    expires = {call.kwargs["expires"] for call in apply_async.call_args_list}
    assert expires == {escalation_module.CHUNK_EXPIRES_SECONDS}
    # queuing writes nothing: the work is done by the chunk tasks
    assert not Escalation.objects.exists()


def test_the_sweep_queues_nothing_when_nothing_is_due(china, now_is, new_complaint):
    now_is(RECEIVED)
    new_complaint()

    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        assert sweep_due_clocks() == 0
    apply_async.assert_not_called()


def test_the_sweep_takes_at_most_its_limit_per_run(overdue_cases):
    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        assert sweep_due_clocks(limit=5, chunk_size=100) == 5
    [chunk] = queued(apply_async)
    assert len(chunk) == 5


def test_a_sweep_whose_broker_is_down_fails_loudly_and_the_next_one_catches_up(
    overdue_cases, caplog, django_capture_on_commit_callbacks
):
    due_before = list(due_clocks(now=LATER).values_list("pk", "next_action_at"))

    with (
        mock.patch.object(
            tasks.process_clocks_task, "apply_async", side_effect=BrokerDown("connection refused")
        ),
        caplog.at_level(logging.ERROR, logger="sla.services.escalation"),
        pytest.raises(BrokerDown),
    ):
        tasks.sweep_clocks_task.apply()

    assert "next sweep retries them" in caplog.text
    # nothing was lost: the same clocks are still due, nothing was recorded
    assert list(due_clocks(now=LATER).values_list("pk", "next_action_at")) == due_before
    assert not Escalation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_clocks_task.apply()
    # each case: first response levels 1 and 2, settlement level 3
    assert Escalation.objects.filter(complaint__in=overdue_cases).count() == 3 * 3


def test_one_failing_clock_does_not_hold_up_the_others(overdue_cases, caplog):
    ids = list(due_clocks(now=LATER).values_list("pk", flat=True))
    real = escalation_module.clock_process

    def flaky(*, clock_id, now=None):
        if clock_id == ids[0]:
            raise ValueError("broken clock")
        return real(clock_id=clock_id, now=now)

    with mock.patch.object(tasks, "clock_process", side_effect=flaky):
        assert tasks.process_clocks_task.apply(args=[ids]).get() == len(ids) - 1

    assert "broken clock" in caplog.text
    assert list(due_clocks(now=LATER).values_list("pk", flat=True)) == [ids[0]]


def test_a_database_error_retries_the_chunk_and_the_retry_redoes_only_what_is_left(
    overdue_cases,
):
    ids = list(due_clocks(now=LATER).values_list("pk", flat=True))
    real = escalation_module.clock_process
    calls: list[int] = []

    def deadlock_once(*, clock_id, now=None):
        calls.append(clock_id)
        if clock_id == ids[1] and calls.count(clock_id) == 1:
            raise OperationalError("deadlock detected")
        return real(clock_id=clock_id, now=now)

    with mock.patch.object(tasks, "clock_process", side_effect=deadlock_once):
        # throw=False: let apply() run the retry in-process as a worker would
        tasks.process_clocks_task.apply(args=[ids], throw=False)

    assert calls == ids + ids  # the first run, then one retry of the chunk
    assert not due_clocks(now=LATER).exists()
    # each clock's escalation once, though the retry went over the processed ones again
    assert Escalation.objects.count() == len(set(Escalation.objects.values_list("key", flat=True)))


def test_the_tasks_survive_a_worker_crash_and_give_up_in_the_end():
    for task in (tasks.process_clocks_task, tasks.sweep_clocks_task):
        assert task.acks_late is True
    assert tasks.process_clocks_task.max_retries == 5
    assert tasks.process_clocks_task.autoretry_for == (OperationalError,)


def test_the_beat_schedule_is_stored_in_the_database():
    sweep = PeriodicTask.objects.get(task="sla.tasks.sweep_clocks_task")
    assert (sweep.interval.every, sweep.interval.period, sweep.enabled) == (60, "seconds", True)
    assert sweep.expire_seconds == 60
    alert = PeriodicTask.objects.get(task="sla.tasks.alert_provisional_calendar_years_task")
    assert (alert.crontab.hour, alert.crontab.minute, alert.enabled) == ("8", "30", True)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")
def test_the_sweep_query_can_use_the_partial_index_of_live_clocks():
    with connection.cursor() as cursor:
        # A test table is tiny, where a sequential scan is always cheapest; forbid it to see
        # whether the planner *can* answer from the partial index (its predicate must match).
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = due_clocks(now=datetime(2025, 9, 29, tzinfo=SHANGHAI)).values("pk").explain()

    assert "clock_live_next_action_idx" in plan, plan


# --- the calendar alert ---------------------------------------------------------------------


def test_unconfirmed_calendar_years_ahead_are_reported_once_per_calendar_and_year(
    china, org, django_capture_on_commit_callbacks, mailoutbox
):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    today = date(PROVISIONAL_YEAR - 1, 11, 1)  # 90 days on reaches into the provisional year

    with django_capture_on_commit_callbacks(execute=True):
        created = calendars_alert_provisional_years(today=today)

    assert sorted(n.recipient.username for n in created) == ["manager", "root"]
    assert {(n.kind, n.key, n.complaint) for n in created} == {
        (Notification.Kind.CALENDAR, f"calendar:{china.pk}:{PROVISIONAL_YEAR}", None)
    }
    assert sorted(m.to[0] for m in mailoutbox) == ["manager@example.com", "root@example.com"]

    # the next day's run says nothing new; confirming the year ends the alerts
    assert calendars_alert_provisional_years(today=today + timedelta(days=1)) == []
    calendar_confirm_year(calendar=china, year=PROVISIONAL_YEAR, actor=admin)
    assert Notification.objects.filter(kind=Notification.Kind.CALENDAR).count() == 2


def test_the_daily_alert_task_counts_what_it_sent(china, now_is):
    now_is(datetime(PROVISIONAL_YEAR - 1, 12, 1, 9, tzinfo=SHANGHAI))
    UserFactory(username="root", is_superuser=True, is_staff=True)

    assert tasks.alert_provisional_calendar_years_task.apply().get() == 1
    assert tasks.alert_provisional_calendar_years_task.apply().get() == 0


def test_no_alert_while_every_year_ahead_is_confirmed(china):
    assert calendars_alert_provisional_years(today=date(2025, 3, 1)) == []
