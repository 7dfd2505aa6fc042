"""Two sweeps at the same moment (beat fired twice, two beat processes, a slow run overlapping the
next): every reminder, escalation, timeline entry, notification and e-mail exists exactly once.

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
from sla.models import BusinessCalendar, Escalation, Reminder
from sla.services import calendar_refresh_from_package, sweep_due_clocks
from tests.sla.china import SHANGHAI

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


def test_two_sweeps_at_once_record_each_reminder_and_escalation_once(
    org, new_complaint, mailoutbox
):
    calendar_refresh_from_package(calendar=BusinessCalendar.objects.get(code="cn"), years=[2025])
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    queued: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            queued.append(sweep_due_clocks())  # eager: the chunk tasks run in this thread
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(NOW, tick=False):
        overdue = [new_complaint(received_at=OVERDUE_RECEIVED) for _ in range(OVERDUE_CASES)]
        reminded = new_complaint(received_at=REMINDER_RECEIVED)

        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in threads), "a sweep hung"
        assert errors == []
        # both saw the same due clocks: every case's four clocks and the one reminder
        assert queued == [OVERDUE_CASES * 4 + 1] * 2

        expected = OVERDUE_CASES * ESCALATIONS_EACH
        assert Escalation.objects.count() == expected
        assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED).count() == expected
        assert Reminder.objects.count() == 1
        assert CaseEvent.objects.filter(kind=CaseEvent.Kind.REMINDER).count() == 1
        assert Notification.objects.filter(kind=Notification.Kind.ESCALATION).count() == expected
        assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 1
        assert len(mail.outbox) == expected + 1
        assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
        levels = dict(Complaint.objects.values_list("pk", "escalation_level"))
        assert {levels[case.pk] for case in overdue} == {3}
        assert levels[reminded.pk] == 0

        # and a third sweep finds nothing left to do
        assert sweep_due_clocks() == 0
