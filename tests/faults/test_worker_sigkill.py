"""A worker killed with SIGKILL in the middle of a notification batch (issue 15 §4): nothing lost,
nothing twice, counted in the database and in the mail server's mailbox.

Real Celery workers (other processes) on the test database and a Redis broker of the test's own;
their mail goes to a folder (tests.mailbox) that stops the worker at a chosen message, where the
test kills it. The killed worker's message is not redelivered until the broker's visibility
timeout (an hour); the resend job (beat, every five minutes) sends what it left, and the late
redelivery then finds nothing to send. (The sweep's counterpart, a worker killed in the middle of
a chunk of clocks, is tests/sla/test_worker_kill.py.)

PostgreSQL and redis-server only.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from complaints.models import Notification
from complaints.services.notifications import notify, outbox_message_id
from complaints.tasks import resend_notification_emails_task, send_notification_emails_task
from tests.mailbox import message_ids, messages_in
from tests.processes import (
    REDIS_SERVER,
    mailbox_env,
    start_worker,
    stop,
    wait_until,
)

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or REDIS_SERVER is None,
        reason="PostgreSQL and redis-server only: real workers read the test's committed rows",
    ),
    pytest.mark.django_db(transaction=True),
]

QUEUES = ("celery", "notify", "sla", "reports", "hooks")


def a_batch_of_six(org, new_complaint) -> list[Notification]:
    """Six people told of one assignment: one e-mail task for six e-mails, queued at the commit."""
    complaint = new_complaint()
    people = [org.agent, org.handler, org.head, org.manager, org.executive, org.other_handler]
    with transaction.atomic():
        created = notify(
            recipients=people,
            kind=Notification.Kind.ASSIGNMENT,
            complaint=complaint,
            key="fault-test:batch",
            template="assignment",
            context={"actor": org.manager},
        )
    assert len(created) == 6 and all(n.email_due for n in created)
    return created


def kill(worker) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def recover(*, broker, mailbox: Path, log: Path, notifications: list[Notification]) -> None:
    """A new worker; beat's resend job five minutes on; then the killed worker's message
    redelivered, as the broker does once its visibility timeout has passed."""
    worker = start_worker(log, **mailbox_env(mailbox))
    processes, logs = {"worker": worker}, {"worker": log}
    try:
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
        resend_notification_emails_task.delay()
        wait_until(
            lambda: not Notification.objects.filter(emailed_at__isnull=True).exists(),
            what="the resend job to send what the killed worker left",
            processes=processes,
            logs=logs,
        )
        send_notification_emails_task.delay([n.pk for n in notifications])
        wait_until(
            lambda: sum(broker.queue_length(queue) for queue in QUEUES) == 0,
            what="the redelivered batch to be taken",
            processes=processes,
            logs=logs,
        )
        time.sleep(1)  # anything sent twice would arrive here
    finally:
        stop(worker)


def run_until_held(*, mailbox: Path, hold: str, log: Path):
    """A worker that sends the batch until the mailbox holds it; returns it, still running."""
    mailbox.mkdir()
    (mailbox / "hold").write_text(hold)
    worker = start_worker(log, **mailbox_env(mailbox))
    wait_until(
        lambda: (mailbox / "holding").exists(),
        what="the worker to reach the held message",
        processes={"worker": worker},
        logs={"worker": log},
    )
    return worker


def test_killed_before_the_mail_server_took_a_message_each_goes_once(
    org, new_complaint, private_broker, tmp_path
):
    notifications = a_batch_of_six(org, new_complaint)
    mailbox = tmp_path / "mail"

    # given a worker that sent three of the six and waits on the mail server for the fourth
    worker = run_until_held(mailbox=mailbox, hold="before 3", log=tmp_path / "first.log")
    # when it is killed there
    try:
        kill(worker)
    finally:
        stop(worker)
        (mailbox / "hold").unlink()

    # then three went and are marked; the fourth, locked when the worker died, is free again
    assert len(messages_in(mailbox)) == 3
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 3

    # when a new worker and beat's resend job take over, and the old message comes back late
    recover(
        broker=private_broker,
        mailbox=mailbox,
        log=tmp_path / "second.log",
        notifications=notifications,
    )

    # then each of the six went exactly once, under its own Message-ID
    sent = message_ids(mailbox)
    assert sent == {outbox_message_id(n): 1 for n in Notification.objects.all()}
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_killed_after_the_mail_server_took_a_message_it_goes_again_under_the_same_id(
    org, new_complaint, private_broker, tmp_path
):
    # The one window left (documented in complaints.services.notifications): the server has the
    # message, the worker dies before it marks it sent. At-least-once: the message goes again,
    # under the same Message-ID, which mail servers and clients show as one message.
    notifications = a_batch_of_six(org, new_complaint)
    mailbox = tmp_path / "mail"

    worker = run_until_held(mailbox=mailbox, hold="after 3", log=tmp_path / "first.log")
    try:
        kill(worker)
    finally:
        stop(worker)
        (mailbox / "hold").unlink()
    assert len(messages_in(mailbox)) == 3
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2

    recover(
        broker=private_broker,
        mailbox=mailbox,
        log=tmp_path / "second.log",
        notifications=notifications,
    )

    sent = message_ids(mailbox)
    assert set(sent) == {outbox_message_id(n) for n in Notification.objects.all()}
    assert sorted(sent.values()) == [1, 1, 1, 1, 1, 2]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
