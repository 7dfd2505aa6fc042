"""The broker goes down while a customer sends a complaint (issue 13 §2): the complaint is saved
all the same, and the acknowledgment goes out exactly once when the broker is back.

A real Redis of the test's own (its own port, nothing saved to disk) is the broker; the test stops
it in the middle of the submission, after the complaint is written and before the commit queues
the e-mail, and starts it again afterwards. The shared Redis on 6379 is never touched.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from celery import current_app
from django.utils import timezone

from complaints.models import Complaint, CustomerEmail
from complaints.services import public_intake
from complaints.services.customer_emails import customer_emails_send
from complaints.tasks import resend_notification_emails_task
from health.models import DeferredTask
from tests.processes import REDIS_SERVER, broker_connections_reset
from tests.public.conftest import SUBMIT_URL, form_data, submitted_path

pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
    pytest.mark.django_db(transaction=True),  # real commits: on_commit queues to the real broker
]


def test_a_complaint_sent_while_the_broker_goes_down_is_saved_and_acknowledged_once_later(
    client, private_broker, monkeypatch, mailoutbox
):
    broker = private_broker
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
    broker_connections_reset()
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


def test_a_broker_that_hangs_holds_up_one_request_briefly_and_none_after_it(
    client, private_broker, request
):
    # A broker that takes connections and never answers (a failover, a firewall dropping
    # packets): kombu would wait for ever. Here its socket timeout is half a second.
    previous = current_app.conf.broker_transport_options
    current_app.conf.broker_transport_options = {
        "socket_timeout": 0.5,
        "socket_connect_timeout": 0.5,
    }
    request.addfinalizer(lambda: setattr(current_app.conf, "broker_transport_options", previous))
    broker_connections_reset()
    private_broker.pause()

    started = time.monotonic()
    first = client.post(SUBMIT_URL, form_data(customer_phone="", customer_email="a@example.com"))
    first_seconds = time.monotonic() - started
    started = time.monotonic()
    second = client.post(SUBMIT_URL, form_data(customer_phone="", customer_email="b@example.com"))
    second_seconds = time.monotonic() - started

    # Both are saved and answered; the first waited for the timeout (a try and one retry), the
    # second not at all: the process counts the broker down for a while and keeps the task.
    submitted_path(first)
    submitted_path(second)
    assert first_seconds < 2.5
    assert second_seconds < 0.5
    assert Complaint.objects.count() == 2
    assert sorted(args for (args,) in DeferredTask.objects.values_list("args")) == sorted(
        [[email.pk]] for email in CustomerEmail.objects.all()
    )
