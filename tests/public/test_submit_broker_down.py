"""The broker goes down while a customer sends a complaint (issue 13 §2): the complaint is saved
all the same, and the acknowledgment goes out exactly once when the broker is back.

A real Redis of the test's own (its own port, nothing saved to disk) is the broker; the test stops
it in the middle of the submission, after the complaint is written and before the commit queues
the e-mail, and starts it again afterwards. The shared Redis on 6379 is never touched.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import timedelta

import pytest
import redis
import time_machine
from celery import current_app
from django.utils import timezone

from complaints.models import Complaint, CustomerEmail
from complaints.services import public_intake
from complaints.services.customer_emails import customer_emails_send
from complaints.tasks import resend_notification_emails_task
from tests.processes import free_port
from tests.public.conftest import SUBMIT_URL, form_data, submitted_path

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
    pytest.mark.django_db(transaction=True),  # real commits: on_commit queues to the real broker
]


class PrivateRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("the test's Redis did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def queue_length(self, queue: str) -> int:
        return redis.Redis.from_url(self.url).llen(queue)


def _reset_producer_pools() -> None:
    # Celery keeps its broker connections; a new broker address needs new ones.
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings, monkeypatch):
    server = PrivateRedis()
    server.start()
    previous = current_app.conf.broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False  # from here on, tasks go to the broker
    # Celery reads a CELERY_BROKER_URL environment variable (CI sets one) before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", server.url)
    current_app.conf.broker_url = server.url
    _reset_producer_pools()
    yield server
    server.stop()
    current_app.conf.broker_url = previous
    _reset_producer_pools()


def test_a_complaint_sent_while_the_broker_goes_down_is_saved_and_acknowledged_once_later(
    client, broker, monkeypatch, mailoutbox
):
    # With the broker up, the acknowledgment is queued on it at the commit (no worker here: the
    # test plays the worker's part).
    submitted_path(
        client.post(SUBMIT_URL, form_data(customer_phone="", customer_email="first@example.com"))
    )
    assert broker.queue_length("notify") == 1
    first = CustomerEmail.objects.get()
    assert customer_emails_send(email_ids=[first.pk]) == (1, [])

    # The broker dies while the next complaint is being recorded.
    real_create = public_intake.complaint_create

    def create_then_lose_the_broker(**kwargs):
        complaint = real_create(**kwargs)
        broker.stop()
        return complaint

    monkeypatch.setattr(public_intake, "complaint_create", create_then_lose_the_broker)
    response = client.post(
        SUBMIT_URL, form_data(customer_phone="", customer_email="second@example.com")
    )

    receipt = submitted_path(response)
    assert client.get(receipt).status_code == 200
    second = Complaint.objects.get(customer__email="second@example.com")
    email = CustomerEmail.objects.get(to="second@example.com")
    assert email.emailed_at is None
    assert [message.to for message in mailoutbox] == [["first@example.com"]]

    # The broker is back (empty: nothing was queued while it was down). Beat queues the resend
    # job every five minutes; the worker runs it.
    broker.start()
    _reset_producer_pools()
    resend_notification_emails_task.apply_async()
    assert broker.queue_length("notify") == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert resend_notification_emails_task() == 1
        assert resend_notification_emails_task() == 0  # a second run changes nothing

    assert [message.to for message in mailoutbox] == [
        ["first@example.com"],
        ["second@example.com"],
    ]
    assert second.reference in mailoutbox[1].subject
    assert "/complaint/track/" in mailoutbox[1].body
    email.refresh_from_db()
    assert email.emailed_at is not None
