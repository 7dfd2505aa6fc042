"""A triage and a sweep on one case at the same moment, both seeing its urgent fact: the fact is
escalated once and senior management gets one escalation message (issue 12 §1.2, §1.3).

PostgreSQL only, like tests/sla/test_escalation_race.py: each thread has its own connection and
really contends for the case's row lock.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import time_machine
from django.db import connection, connections

from complaints.models import Complaint, Notification, Severity
from complaints.services import complaint_triage
from sla.models import BusinessCalendar, Clock, Escalation
from sla.services import calendar_refresh_from_package, clocks_process
from tests.sla.china import SHANGHAI
from tests.sla.escalation_checks import assert_once_per_case_and_level

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

# Received Fri 9/26 10:00; by Mon 10/13 every clock is late, the 72-hour one at level 3.
RECEIVED = datetime(2025, 9, 26, 10, tzinfo=SHANGHAI)
NOW = datetime(2025, 10, 13, 12, tzinfo=SHANGHAI)


def at_once(*works) -> None:
    barrier = threading.Barrier(len(works))
    errors: list[BaseException] = []

    def run(work) -> None:
        try:
            barrier.wait(timeout=10)
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []


@pytest.mark.parametrize("attempt", range(3))
def test_a_triage_and_a_sweep_at_once_escalate_the_fact_once(org, new_complaint, attempt):
    calendar_refresh_from_package(calendar=BusinessCalendar.objects.get(code="cn"), years=[2025])
    with time_machine.travel(NOW, tick=False):
        complaint = new_complaint(received_at=RECEIVED)
        # a fact that reached the case without the services (an import): both will see it
        Complaint.objects.filter(pk=complaint.pk).update(media_involved=True)
        clocks = list(Clock.objects.filter(complaint=complaint).values_list("pk", flat=True))

        at_once(
            lambda: complaint_triage(
                complaint=Complaint.objects.get(pk=complaint.pk),
                actor=org.manager,
                severity=Severity.MAJOR,
                comment="记者已来电",
            ),
            lambda: clocks_process(clock_ids=clocks),
        )

    assert Escalation.objects.filter(complaint=complaint, reason="media").count() == 1
    assert Escalation.objects.filter(complaint=complaint, reason="breach", level=3).exists()
    assert_once_per_case_and_level()
    to_the_top = Notification.objects.filter(recipient=org.executive, complaint=complaint)
    # one escalation message; a short one more only if the sweep came second with its breach
    assert to_the_top.exclude(key__contains=":+").count() == 1
    assert to_the_top.count() in (1, 2)
