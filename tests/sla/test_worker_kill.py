"""A worker killed (SIGKILL) in the middle of a chunk: the next sweep after the lease completes the
chunk, and every escalation, timeline entry, notification and e-mail exists once, none missing
(the e-mails counted in the workers' mailbox, tests.mailbox).

The chunk's cases are done in two steps: those it can lock at once (committed), then, waiting for
their lock, those someone else holds. The test holds one case's lock, lets the worker commit the
others and block on that one, kills the worker there, and counts the rows after the next sweep.

Needs PostgreSQL and a Redis broker, as tests/sla/test_worker_e2e.py; skipped elsewhere.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from copy import copy

from django.db import connection, connections, transaction
from django.utils import timezone

from complaints.models import CaseEvent, Complaint, Notification
from complaints.services.notifications import outbox_message_id
from sla import tasks
from sla.models import LIVE, BusinessCalendar, Clock, Escalation, EscalationSettings
from sla.selectors import due_clocks, working_calendar
from sla.services import calendar_refresh_from_package, default_years, sweep_due_clocks
from sla.services.escalation_batch import Steps, clock_advance
from sla.services.sweep import LEASE
from tests.mailbox import message_ids
from tests.processes import REAL_WORKER_MARKS, mailbox_env, start_worker, stop
from tests.sla.escalation_checks import assert_once_per_case_and_level
from tests.sla.test_worker_e2e import wait_for, working_days_ago

pytestmark = REAL_WORKER_MARKS

CASES = 6


def due_now(complaints: list[Complaint]) -> dict[int, Steps]:
    """Per live clock, what is due by now, worked out on copies by the pure step function."""
    calendar = working_calendar()
    step = EscalationSettings.current().level_step_working_days
    now = timezone.now()
    return {
        clock.pk: clock_advance(
            copy(clock), calendar=calendar, level_step_working_days=step, now=now
        )
        for clock in Clock.objects.filter(LIVE, complaint__in=complaints)
    }


def hold_lock(complaint_id: int, held: threading.Event, release: threading.Event) -> None:
    """In a connection of its own: lock the case's row until told to let go."""
    try:
        with transaction.atomic():
            Complaint.objects.select_for_update().get(pk=complaint_id)
            held.set()
            release.wait(timeout=120)
    finally:
        connections.close_all()


def worker_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            # Only the worker can be waiting: the lock holder is idle in its transaction.
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def test_a_chunk_whose_worker_is_killed_is_completed_by_the_next_sweep(
    org, new_complaint, settings, tmp_path
):
    # given overdue cases (received 6 working days ago) and what is due on each clock by now
    calendar_refresh_from_package(
        calendar=BusinessCalendar.objects.get(code="cn"), years=default_years()
    )
    cases = [new_complaint(received_at=working_days_ago(6)) for _ in range(CASES)]
    steps = due_now(cases)
    levels = {pk: found.levels for pk, found in steps.items()}
    clocks = dict(Clock.objects.filter(pk__in=levels).values_list("pk", "complaint_id"))
    blocked = cases[-1]
    expected = sum(len(found) for found in levels.values())
    expected_blocked = sum(len(v) for pk, v in levels.items() if clocks[pk] == blocked.pk)
    assert 0 < expected_blocked < expected

    # and someone holding one case's row lock
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_lock, args=(blocked.pk, held, release))
    holder.start()
    assert held.wait(timeout=10)

    settings.CELERY_TASK_ALWAYS_EAGER = False  # from here on, tasks go to the broker
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    mailbox = mailbox_env(tmp_path / "mail")
    worker = start_worker(first_log, **mailbox)
    try:
        # when the sweep queues the due clocks (one chunk) and the worker commits the cases it
        # could lock, then waits for the held one
        queued = sweep_due_clocks(enqueue=tasks._queue_chunk)
        assert queued == sum(1 for found in steps.values() if found.done())
        others = Escalation.objects.exclude(complaint=blocked)
        wait_for(
            lambda: others.count() == expected - expected_blocked and worker_waits_for_a_lock(),
            worker=worker,
            log=first_log,
        )
        # and is killed there
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        stop(worker)
        release.set()
        holder.join(timeout=30)

    # then the killed transaction left nothing of the held case, and its clocks stay leased
    assert not Escalation.objects.filter(complaint=blocked).exists()
    assert not due_clocks(now=timezone.now()).exists()

    # when the next sweep after the lease queues them again, to a new worker
    worker = start_worker(second_log, **mailbox)
    try:
        requeued = sweep_due_clocks(enqueue=tasks._queue_chunk, now=timezone.now() + LEASE)
        assert requeued >= sum(1 for pk, found in steps.items() if clocks[pk] == blocked.pk)
        wait_for(
            lambda: (
                Escalation.objects.count() >= expected
                and CaseEvent.objects.filter(
                    complaint=blocked, kind=CaseEvent.Kind.ESCALATED
                ).exists()
                and not Notification.objects.filter(
                    email_due=True, emailed_at__isnull=True
                ).exists()
            ),
            worker=worker,
            log=second_log,
        )
        time.sleep(1)  # anything written twice would show up here
    finally:
        stop(worker)

    # then every escalation is there once, with its one timeline entry and its notifications
    escalations = list(Escalation.objects.select_related("complaint"))
    assert len(escalations) == expected
    assert len({escalation.key for escalation in escalations}) == expected
    assert sorted((e.clock_id, e.level) for e in escalations) == sorted(
        (pk, level) for pk, found in levels.items() for level in found
    )
    assert_once_per_case_and_level()
    # and nothing is due any more: every clock has its true next time back
    assert not due_clocks(now=timezone.now()).exists()
    assert Complaint.objects.get(pk=blocked.pk).escalation_level == max(
        level for pk, found in levels.items() if clocks[pk] == blocked.pk for level in found
    )
    # and every notification's e-mail went once: those the killed worker's committed part queued
    # (taken by the new worker) and those of the held case
    emailed = Notification.objects.filter(email_due=True)
    assert emailed.exists()
    assert message_ids(tmp_path / "mail") == {outbox_message_id(n): 1 for n in emailed}
