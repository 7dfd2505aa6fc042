"""Two sweeps at the same moment (beat fired twice, two beat processes, a slow run overlapping the
next), or two workers on the same chunk (a redelivered message, a chunk outliving its lease): every
reminder, escalation, timeline entry, notification and e-mail exists exactly once.

PostgreSQL only: each thread has its own connection and really contends for the case row locks;
SQLite serialises whole-database writes, which would prove nothing.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections

from complaints.models import CaseEvent, Complaint, Notification
from sla import tasks
from sla.models import BusinessCalendar, Clock, Escalation, Reminder
from sla.services import calendar_refresh_from_package
from tests.sla.china import SHANGHAI
from tests.sla.escalation_checks import assert_once_per_case_and_level

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

NOW = datetime(2025, 10, 13, 12, tzinfo=SHANGHAI)
# Received Fri 9/26 10:00 (general policy), seen first at NOW: first response levels 1-3,
# investigation levels 1-3 (due 9/30; National Day off; 10/9, 10/10), decision levels 1-2 (due
# 10/10; Sat 10/11 is a make-up working day; level 3 only at the end of Mon 10/13), settlement
# level 3. No reminder: each deadline had passed before the sweep first saw it.
OVERDUE_RECEIVED = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
ESCALATIONS_EACH = 3 + 3 + 2 + 1
# Received Sun 10/12 14:00: only the first response's reminder (18 of 24 hours) is due at NOW.
REMINDER_RECEIVED = datetime(2025, 10, 12, 14, tzinfo=SHANGHAI)
OVERDUE_CASES = 6


def run_twice_at_once(work) -> list:
    """`work()` in two threads released together; their results, once both are done."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    results: list = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work())  # eager: the chunk tasks run in this thread
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a run hung"
    assert errors == []
    return results


@pytest.fixture
def due_cases(org, new_complaint):
    calendar_refresh_from_package(calendar=BusinessCalendar.objects.get(code="cn"), years=[2025])
    with time_machine.travel(NOW, tick=False):
        overdue = [new_complaint(received_at=OVERDUE_RECEIVED) for _ in range(OVERDUE_CASES)]
        reminded = new_complaint(received_at=REMINDER_RECEIVED)
    return overdue, reminded


def test_two_sweeps_at_once_record_each_reminder_and_escalation_once(due_cases, mailoutbox):
    overdue, reminded = due_cases
    with time_machine.travel(NOW, tick=False):
        queued = run_twice_at_once(lambda: tasks.sweep_clocks_task.apply().result)
        # together they queued each due clock once (every case's four clocks and the one
        # reminder): the first to pick a clock leases it, the other skips it
        assert sum(queued) == OVERDUE_CASES * 4 + 1
        assert_each_once(overdue, reminded)

        # and a third sweep finds nothing left to do
        assert tasks.sweep_clocks_task.apply().result == 0


def test_two_workers_on_the_same_chunk_record_everything_once(due_cases, mailoutbox):
    overdue, reminded = due_cases
    ids = list(Clock.objects.filter(next_action_at__lte=NOW).values_list("pk", flat=True))
    assert len(ids) == OVERDUE_CASES * 4 + 1

    with time_machine.travel(NOW, tick=False):
        acted = run_twice_at_once(lambda: tasks.process_clocks_task.apply(args=[ids]).result)

    # the cases were shared out (SKIP LOCKED), or one waited and found nothing left: never both
    assert sum(acted) == len(ids)
    assert_each_once(overdue, reminded)


def assert_each_once(overdue: list[Complaint], reminded: Complaint) -> None:
    """Every reminder, escalation, timeline entry, notification and e-mail exactly once."""
    expected = OVERDUE_CASES * ESCALATIONS_EACH
    assert Escalation.objects.count() == expected
    assert_once_per_case_and_level()
    assert Reminder.objects.count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REMINDER).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 1
    assert len(mail.outbox) == Notification.objects.count()
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    levels = dict(Complaint.objects.values_list("pk", "escalation_level"))
    assert {levels[case.pk] for case in overdue} == {3}
    assert levels[reminded.pk] == 0
