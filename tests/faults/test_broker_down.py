"""The broker is down while complaints come in by every door (issue 15 §4): the staff intake page,
the API and the public form each save the complaint and answer at once; when the broker is back,
every acknowledgment, every staff notification and every deadline action goes out exactly once.

A real redis-server of the test's own is the broker (tests.processes.RedisServer): stopped before
the three submissions, started again after them; a real Celery worker (another process, on the
test database) then does what the broker was kept from, and the test plays beat's part by queuing
its every-minute jobs, twice. E-mails are counted in the worker's mailbox (tests.mailbox), rows in
the database.

PostgreSQL only (the worker is another process: it must see the test's committed rows).
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from complaints.models import CaseEvent, Complaint, CustomerEmail, Notification
from complaints.tasks import resend_notification_emails_task
from health.models import DeferredTask
from health.tasks import requeue_deferred_tasks_task
from sla.models import BusinessCalendar, Clock, Escalation, Stage
from sla.services import calendar_refresh_from_package, default_years
from sla.tasks import sweep_clocks_task
from tests.api.conftest import NEW_COMPLAINT, Api
from tests.mailbox import message_ids
from tests.processes import (
    REDIS_SERVER,
    broker_connections_reset,
    mailbox_env,
    start_worker,
    stop,
    wait_until,
)
from tests.public.conftest import SUBMIT_URL, form_data, submitted_path
from tests.sla.escalation_checks import assert_once_per_case_and_level

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or REDIS_SERVER is None,
        reason="PostgreSQL and redis-server only: a real worker reads the test's committed rows",
    ),
    pytest.mark.django_db(transaction=True),
]

# However many doors send while the broker is away, none waits for it longer than this.
ANSWER_SECONDS = 3.0
QUEUES = ("celery", "notify", "sla", "reports", "hooks")


def timed(send):
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def escalation_rows() -> tuple[int, int, int]:
    return (
        Escalation.objects.count(),
        CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED).count(),
        Notification.objects.count(),
    )


def intake_form(org, **overrides) -> dict:
    received = timezone.localtime() - timedelta(days=2)  # its 24-hour first response is overdue
    return {
        "channel": "phone",
        "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "customer_name": "李女士",
        "customer_phone": "139 0000 1111",
        "customer_email": "li@example.com",
        "subject": "冰箱送货时外壳凹陷",
        "description": "送货师傅搬运时磕到门框，冰箱右侧外壳凹陷。",
        "remedy_sought": "exchange",
        "category": org.category.pk,
        "severity": "",
        "evidence_kind": "photo",
        **overrides,
    }


def test_complaints_by_every_door_are_saved_answered_and_followed_up_once_the_broker_is_back(
    org, client_for, client, private_broker, tmp_path
):
    broker = private_broker
    calendar_refresh_from_package(
        calendar=BusinessCalendar.objects.get(code="cn"), years=default_years()
    )
    mailbox = tmp_path / "mail"

    # given the broker is down
    broker.stop()

    # when a complaint comes by the staff intake page (an injury: senior management at once)
    page, page_seconds = timed(
        lambda: client_for(org.agent).post(
            "/complaints/new/", intake_form(org, personal_injury="on")
        )
    )
    # and one by the API, and one by the public form
    api, api_seconds = timed(
        lambda: Api(org.agent).post(
            "complaints/",
            {
                **NEW_COMPLAINT,
                "customer": {**NEW_COMPLAINT["customer"], "email": "wang@example.com"},
            },
        )
    )
    portal, portal_seconds = timed(
        lambda: client.post(SUBMIT_URL, form_data(customer_email="zhao@example.com"))
    )

    # then each is saved and answered as usual, without waiting for the broker
    assert page.status_code == 302 and "/complaints/CP-" in page["Location"]
    assert api.status_code == 201, api.json()
    submitted_path(portal)
    assert max(page_seconds, api_seconds, portal_seconds) < ANSWER_SECONDS
    cases = list(Complaint.objects.order_by("pk"))
    assert len(cases) == 3
    # with its deadlines running (kept in the database, not in the broker)
    for case in cases:
        stages = set(Clock.objects.filter(complaint=case).values_list("stage", flat=True))
        assert {Stage.FIRST_RESPONSE, Stage.DECISION} <= stages
    # and what could not be queued is kept: three acknowledgments, the escalation's e-mails
    acknowledgments = CustomerEmail.objects.all()
    notices = Notification.objects.filter(email_due=True)
    assert acknowledgments.count() == 3 and notices.exists()
    assert not acknowledgments.filter(emailed_at__isnull=False).exists()
    assert not notices.filter(emailed_at__isnull=False).exists()
    assert DeferredTask.objects.exists()
    assert not Escalation.objects.filter(reason="breach").exists()

    # when the broker is back, with a worker, and beat sends its every-minute jobs
    broker.start()
    broker_connections_reset()
    log = tmp_path / "worker.log"
    worker = start_worker(log, **mailbox_env(mailbox))
    processes, logs = {"worker": worker}, {"worker": log}
    try:
        requeue_deferred_tasks_task.delay()
        sweep_clocks_task.delay()
        resend_notification_emails_task.delay()
        breached = Escalation.objects.filter(reason="breach")
        wait_until(
            lambda: (
                not CustomerEmail.objects.filter(emailed_at__isnull=True).exists()
                and breached.exists()
                and not Notification.objects.filter(
                    email_due=True, emailed_at__isnull=True
                ).exists()
                and not DeferredTask.objects.exists()
            ),
            what="the acknowledgments, the notifications and the overdue clock's escalation",
            processes=processes,
            logs=logs,
        )
        first_round = escalation_rows()
        # and beat's jobs run again (and the resend job finds every e-mail of the outage old
        # enough to look at)
        for outbox in (CustomerEmail, Notification):
            outbox.objects.update(created_at=timezone.now() - timedelta(minutes=3))
        requeue_deferred_tasks_task.delay()
        sweep_clocks_task.delay()
        resend_notification_emails_task.delay()
        wait_until(
            lambda: sum(broker.queue_length(queue) for queue in QUEUES) == 0,
            what="the second round to be taken",
            processes=processes,
            logs=logs,
        )
        time.sleep(1)  # anything sent twice would arrive here
    finally:
        stop(worker)

    # then every acknowledgment and every notification went exactly once, under its own ID
    sent = message_ids(mailbox)
    rows = [*CustomerEmail.objects.all(), *Notification.objects.filter(email_due=True)]
    assert len(rows) == sum(sent.values()) == len(sent)
    assert set(sent.values()) == {1}
    assert sorted({email.to for email in CustomerEmail.objects.all()}) == [
        "li@example.com",
        "wang@example.com",
        "zhao@example.com",
    ]
    # and the overdue clocks (of the case received two days ago) escalated once per clock and
    # level, each with its one timeline entry and its people told once; the second round added
    # nothing
    assert {escalation.complaint_id for escalation in breached} == {cases[0].pk}
    assert len({(e.clock_id, e.level) for e in breached}) == breached.count()
    assert_once_per_case_and_level()
    assert escalation_rows() == first_round
    assert not DeferredTask.objects.exists()
