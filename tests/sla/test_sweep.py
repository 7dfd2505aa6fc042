"""The beat side: the sweep's query and fan-out, the per-chunk task, the schedule, the calendar alert."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.utils import timezone
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
    escalation_batch,
    sweep_due_clocks,
)
from sla.services import sweep as sweep_module
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


def sweep(**options) -> int:
    """The sweep as beat's task runs it, with the sizes given."""
    return sweep_due_clocks(enqueue=tasks._queue_chunk, **options)


def test_the_sweep_queues_the_due_clocks_in_chunks_oldest_first(overdue_cases, org, now_is):
    # a paused clock is not due: the insurer wait stops the third case's handling clocks, while
    # its first response and 72-hour settlement alert run on (README "Pauses")
    clocks_pause(complaint=overdue_cases[2], actor=org.handler, reason="insurer", note="")
    expected = list(
        Clock.objects.filter(complaint__in=overdue_cases, next_action_at__lte=LATER)
        .order_by("next_action_at")
        .values_list("pk", flat=True)
    )
    assert len(expected) == 6  # first response and settlement of each
    assert not Clock.objects.filter(pk__in=expected, paused_at__isnull=False).exists()

    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        assert sweep(chunk_size=3) == 6

    assert queued(apply_async) == [expected[:3], expected[3:]]
    expires = {call.kwargs["expires"] for call in apply_async.call_args_list}
    assert expires == {sweep_module.CHUNK_EXPIRES_SECONDS}
    # queuing writes nothing but the leases: the work is done by the chunk tasks
    assert not Escalation.objects.exists()
    leased = Clock.objects.filter(pk__in=expected).values_list("next_action_at", flat=True)
    assert set(leased) == {LATER + sweep_module.LEASE}


def test_a_clock_queued_is_not_queued_again_while_its_lease_runs(overdue_cases, now_is):
    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        first = sweep()
        # beat's next minutes, while the chunks still wait in the queue
        now_is(LATER + timedelta(minutes=1))
        assert sweep() == 0
        now_is(LATER + sweep_module.LEASE - timedelta(seconds=1))
        assert sweep() == 0
        # the chunk never ran (its worker died): after the lease the next sweep takes them up
        now_is(LATER + sweep_module.LEASE)
        again = sweep()

    assert first == again == 6
    assert sorted(queued(apply_async)[0]) == sorted(queued(apply_async)[1])


def test_a_chunk_gives_its_clocks_their_true_next_time_back(
    overdue_cases, django_capture_on_commit_callbacks
):
    [case, *_others] = overdue_cases
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == 6  # the chunk runs at once (eager)

    for clock in Clock.objects.filter(complaint=case, next_action_at__isnull=False):
        assert clock.next_action_at != LATER + sweep_module.LEASE
    assert not due_clocks(now=LATER + sweep_module.LEASE).filter(complaint=case).exists()


def test_the_sweep_queues_nothing_when_nothing_is_due(china, now_is, new_complaint):
    now_is(RECEIVED)
    new_complaint()

    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        assert sweep() == 0
    apply_async.assert_not_called()


def test_the_sweep_takes_at_most_its_limit_per_run(overdue_cases):
    with mock.patch.object(tasks.process_clocks_task, "apply_async") as apply_async:
        assert sweep(limit=5, chunk_size=100) == 5
    [chunk] = queued(apply_async)
    assert len(chunk) == 5


def test_a_full_sweep_queues_the_next_one_behind_its_chunks(overdue_cases):
    with (
        mock.patch.object(tasks, "SWEEP_LIMIT", 4),
        mock.patch.object(tasks.process_clocks_task, "apply_async") as chunks,
        mock.patch.object(tasks.sweep_clocks_task, "apply_async") as follow_up,
    ):
        assert tasks.sweep_clocks_task.apply().get() == 4
        follow_up.assert_called_once_with(expires=sweep_module.CHUNK_EXPIRES_SECONDS)
        assert [len(chunk) for chunk in queued(chunks)] == [4]

        # the follow-up takes the rest, and being short of the limit stops there
        assert tasks.sweep_clocks_task.apply().get() == 2
        follow_up.assert_called_once()


def test_a_sweep_whose_broker_is_down_fails_loudly_and_the_next_one_catches_up(
    overdue_cases, caplog, django_capture_on_commit_callbacks
):
    due_before = list(due_clocks(now=LATER).values_list("pk", "next_action_at"))

    with (
        mock.patch.object(
            tasks.process_clocks_task, "apply_async", side_effect=BrokerDown("connection refused")
        ),
        caplog.at_level(logging.ERROR, logger="sla.services.sweep"),
        pytest.raises(BrokerDown),
    ):
        tasks.sweep_clocks_task.apply()

    assert "next sweep retries them" in caplog.text
    # nothing was lost: the same clocks are still due (their leases given back), nothing recorded
    assert list(due_clocks(now=LATER).values_list("pk", "next_action_at")) == due_before
    assert not Escalation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.sweep_clocks_task.apply()
    # each case: first response levels 1 and 2, settlement level 3
    assert Escalation.objects.filter(complaint__in=overdue_cases).count() == 3 * 3


def test_a_broker_failure_halfway_gives_back_only_the_clocks_not_queued(overdue_cases):
    due_before = dict(due_clocks(now=LATER).values_list("pk", "next_action_at"))
    calls: list[list[int]] = []

    def second_fails(clock_ids: list[int]) -> None:
        calls.append(clock_ids)
        if len(calls) == 2:
            raise BrokerDown("connection lost")

    with pytest.raises(BrokerDown):
        sweep_due_clocks(enqueue=second_fails, chunk_size=4)

    first, second = calls
    now_due = dict(due_clocks(now=LATER).values_list("pk", "next_action_at"))
    assert now_due == {pk: due_before[pk] for pk in second}
    assert not set(first) & set(now_due)


def test_one_failing_clock_does_not_hold_up_the_others(overdue_cases, caplog):
    ids = list(due_clocks(now=LATER).values_list("pk", flat=True))
    real = escalation_batch.clock_advance

    def flaky(clock, **kwargs):
        if clock.pk == ids[0]:
            raise ValueError("broken clock")
        return real(clock, **kwargs)

    with mock.patch.object(escalation_batch, "clock_advance", side_effect=flaky):
        assert tasks.process_clocks_task.apply(args=[ids]).get() == len(ids) - 1

    assert "broken clock" in caplog.text
    assert list(due_clocks(now=LATER).values_list("pk", flat=True)) == [ids[0]]


def test_a_database_error_retries_the_chunk_and_the_retry_redoes_only_what_is_left(
    overdue_cases,
):
    ids = list(due_clocks(now=LATER).values_list("pk", flat=True))
    real = escalation_batch.escalations_record
    calls: list[int] = []

    def deadlock_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("deadlock detected")
        return real(**kwargs)

    with mock.patch.object(escalation_batch, "escalations_record", side_effect=deadlock_once):
        # throw=False: let apply() run the retry in-process as a worker would
        tasks.process_clocks_task.apply(args=[ids], throw=False)

    assert len(calls) == 2  # the first run, rolled back whole, then one retry of the chunk
    assert not due_clocks(now=LATER).exists()
    # each clock's escalations once: first response levels 1 and 2, settlement level 3
    assert Escalation.objects.count() == 3 * 3
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
        # No sort either: with the statistics of a table that earlier tests filled and emptied,
        # the planner may otherwise prefer the sibling partial index on due_at plus a sort.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
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
    # ... and marks the alerts done, for both readers, by whoever confirmed it
    assert set(
        Notification.objects.filter(kind=Notification.Kind.CALENDAR).values_list(
            "settled_reason", "settled_by"
        )
    ) == {(Notification.Settled.YEAR_CONFIRMED, admin.pk)}


def test_the_daily_alert_task_counts_what_it_sent(china, now_is):
    now_is(datetime(PROVISIONAL_YEAR - 1, 12, 1, 9, tzinfo=SHANGHAI))
    UserFactory(username="root", is_superuser=True, is_staff=True)

    assert tasks.alert_provisional_calendar_years_task.apply().get() == 1
    assert tasks.alert_provisional_calendar_years_task.apply().get() == 0


def test_no_alert_while_every_year_ahead_is_confirmed(china):
    assert calendars_alert_provisional_years(today=date(2025, 3, 1)) == []


def test_the_package_confirming_a_year_marks_its_alerts_done(cn, org):
    from sla.models import CalendarYear
    from sla.services import calendar_refresh_from_package

    # 2026 was loaded before the package had its notice, and the alert went out
    CalendarYear.objects.create(calendar=cn, year=2026, status=CalendarYear.Status.PROVISIONAL)
    alert = Notification.objects.create(
        recipient=org.manager,
        kind=Notification.Kind.CALENDAR,
        subject="s",
        body="b",
        key=f"calendar:{cn.pk}:2026",
        created_at=timezone.now(),
    )

    calendar_refresh_from_package(calendar=cn, years=[2026])

    alert.refresh_from_db()
    assert alert.settled_reason == Notification.Settled.YEAR_CONFIRMED
    assert alert.settled_by is None and alert.settled_at is not None
