"""Outbound webhooks (issue 17 §3) against a real HTTP receiver on this machine: what is sent,
its Standard Webhooks signature, retries with back-off, an endpoint switched off after failures,
nothing for a change that rolled back, and targets on private addresses refused."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema
import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from complaints.models import (
    CaseEvent,
    Complaint,
    Notification,
    State,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    webhook_types,
)
from complaints.services import complaint_assign
from complaints.services.webhooks import (
    target_problem,
    webhook_deliver,
    webhook_deliveries_due,
    webhook_endpoint_enable,
    webhooks_fan_out,
)
from complaints.tasks import send_due_webhooks_task
from complaints.timeline import record_event
from tests.api.conftest import NEW_COMPLAINT
from tests.complaints.conftest import Flow

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP server on 127.0.0.1 that records each request and answers the next status of
    `statuses` (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses = [200]
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"broken")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/complaints?source=test"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _headers, body in self.requests]


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True  # the receiver is on loopback
    server = Receiver()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def endpoint(receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        url=receiver.url,
        description="CRM",
        events=[WebhookEvent.CREATED, WebhookEvent.TRANSITIONED, WebhookEvent.CLOSED],
    )


def test_a_new_complaint_is_delivered_signed_after_the_commit(
    org, api_for, endpoint, receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reference = api_for(org.agent).post("complaints/", NEW_COMPLAINT).json()["reference"]

    [(headers, body)] = receiver.requests
    # The receiver's check, with the reference implementation: raises if the signature is wrong.
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "complaint.created"
    assert payload["data"]["reference"] == reference and payload["data"]["state"] == "intake"
    assert "customer" not in payload["data"]  # codes and ids only: no personal data
    delivery = WebhookDelivery.objects.get()
    assert headers["webhook-id"] == delivery.message_id
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1
    assert delivery.last_status_code == 200
    with pytest.raises(WebhookVerificationError):  # a body changed in transit fails the check
        Webhook(endpoint.secret).verify(body.replace(b"intake", b"closed"), headers)


def test_a_change_that_rolls_back_tells_nobody(
    org, complaint_in, endpoint, receiver, django_capture_on_commit_callbacks
):
    complaint = complaint_in(State.TRIAGE)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                record_event(
                    complaint=complaint,
                    kind=CaseEvent.Kind.TRANSITION,
                    actor=org.handler,
                    transition="start_investigation",
                    from_state=State.TRIAGE,
                    to_state=State.INVESTIGATION,
                )
                raise RuntimeError("the change fails after its timeline entry")
        except RuntimeError:
            pass

    assert receiver.requests == [] and not WebhookDelivery.objects.exists()


def test_a_failed_delivery_is_tried_again_after_its_back_off(
    org, complaint_in, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 200]
    complaint = complaint_in(State.FOLLOW_UP)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        record_event(
            complaint=complaint,
            kind=CaseEvent.Kind.TRANSITION,
            actor=org.handler,
            transition="close",
            from_state=State.FOLLOW_UP,
            to_state=State.CLOSED,
        )

    # Two event types for the one entry: transitioned and closed; the first attempt got a 500.
    deliveries = {d.event_type: d for d in WebhookDelivery.objects.all()}
    assert set(deliveries) == {"complaint.transitioned", "complaint.closed"}
    failed = [d for d in deliveries.values() if d.status == WebhookDelivery.Status.FAILED]
    [first] = failed
    assert first.last_status_code == 500 and "HTTP 500" in first.last_error
    assert timedelta(seconds=29) < first.next_attempt_at - timezone.now() <= timedelta(seconds=30)
    assert first.pk not in webhook_deliveries_due()  # not before its back-off

    later = timezone.now() + timedelta(seconds=31)
    assert webhook_deliveries_due(now=later) == [first.pk]
    assert webhook_deliver(delivery_id=first.pk, now=later) == WebhookDelivery.Status.DELIVERED
    first.refresh_from_db()
    assert first.attempts == 2 and first.delivered_at == later
    sent = [body for body in receiver.bodies() if body["type"] == first.event_type]
    assert len(sent) == 2 and sent[0] == sent[1]  # the same body, the same id, signed afresh
    assert endpoint.__class__.objects.get().consecutive_failures == 0


def test_an_endpoint_failing_again_and_again_is_switched_off_and_the_admins_told_once(
    org, complaint_in, endpoint, receiver, settings
):
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    receiver.statuses = [503]
    complaints = [complaint_in(State.INTAKE) for _ in range(4)]
    events = [
        record_event(complaint=complaint, kind=CaseEvent.Kind.CREATED, actor=org.agent)
        for complaint in complaints
    ]
    made = webhooks_fan_out(event_ids=[event.pk for event in events])
    assert len(made) == 4

    statuses = [webhook_deliver(delivery_id=pk) for pk in made]

    endpoint.refresh_from_db()
    assert statuses == ["failed", "failed", "failed", "pending"]
    assert len(receiver.requests) == 3  # the fourth is not sent: the endpoint is off
    assert not endpoint.is_active and endpoint.disabled_at is not None
    told = Notification.objects.filter(kind=Notification.Kind.WEBHOOK)
    assert {n.recipient for n in told} >= {org.manager} and told.count() == len(
        {n.recipient_id for n in told}
    )
    assert endpoint.url in told.first().body
    assert webhook_deliveries_due(now=timezone.now() + timedelta(days=1)) == []

    receiver.statuses = [200]
    webhook_endpoint_enable(endpoint=endpoint)
    assert send_due_webhooks_task() == 4
    assert WebhookDelivery.objects.filter(status="delivered").count() == 4


def test_a_delivery_is_made_once_however_often_the_fan_out_runs(org, complaint_in, endpoint):
    event = record_event(
        complaint=complaint_in(State.INTAKE), kind=CaseEvent.Kind.CREATED, actor=None
    )

    first = webhooks_fan_out(event_ids=[event.pk])
    again = webhooks_fan_out(event_ids=[event.pk])

    assert len(first) == 1 and again == [] and WebhookDelivery.objects.count() == 1


def test_only_the_subscribed_events_are_delivered(org, complaint_in, endpoint):
    event = record_event(
        complaint=complaint_in(State.TRIAGE),
        kind=CaseEvent.Kind.ESCALATED,
        actor=None,
        data={"level": 1},
    )
    assert webhook_types(event) == [WebhookEvent.ESCALATED]
    assert webhooks_fan_out(event_ids=[event.pk]) == []


@pytest.mark.parametrize(
    ("kind", "fields", "types"),
    [
        (
            "transition",
            {"transition": "send_reply", "to_state": "follow_up"},
            ["complaint.transitioned", "complaint.replied"],
        ),
        (
            "transition",
            {"transition": "reopen", "to_state": "investigation"},
            ["complaint.transitioned", "complaint.reopened"],
        ),
        ("assigned", {}, ["complaint.assigned"]),
        ("handoff", {}, ["complaint.assigned"]),
        ("triaged", {"data": {"changes": {"assignee": ["", "handler"]}}}, ["complaint.assigned"]),
        ("triaged", {"data": {"changes": {"severity": ["general", "major"]}}}, []),
        ("decision_approved", {}, ["decision.approved"]),
        ("note", {}, []),
    ],
)
def test_which_timeline_entries_are_webhook_events(kind, fields, types):
    assert webhook_types(CaseEvent(kind=kind, **fields)) == types


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "http://[::1]/hook",
        "ftp://example.com/hook",
        "https:///nohost",
    ],
)
def test_private_loopback_and_odd_targets_are_refused(url, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    assert target_problem(url)


def test_a_private_target_is_not_even_connected_to_when_sending(
    org, complaint_in, receiver, settings
):
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=[WebhookEvent.CREATED])
    event = record_event(
        complaint=complaint_in(State.INTAKE), kind=CaseEvent.Kind.CREATED, actor=None
    )
    [pk] = webhooks_fan_out(event_ids=[event.pk])
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False

    assert webhook_deliver(delivery_id=pk) == WebhookDelivery.Status.FAILED

    delivery = WebhookDelivery.objects.get()
    assert "private, loopback or reserved" in delivery.last_error and receiver.requests == []
    assert endpoint.deliveries.count() == 1


def test_the_admin_refuses_a_private_target(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    response = admin_client.post(
        "/admin/complaints/webhookendpoint/add/",
        {
            "url": "http://127.0.0.1:9/hook",
            "events": ["complaint.created"],
            "is_active": "on",
            "secret": "whsec_" + "A" * 43,
        },
    )
    errors = response.context["adminform"].form.errors
    assert response.status_code == 200 and list(errors) == ["url"]
    assert "127.0.0.1" in errors["url"][0]
    assert not WebhookEndpoint.objects.exists()


def _documented_body(schema: dict, event_type: str) -> dict:
    """The request body schema the OpenAPI description gives webhook `event_type`, with the
    document's components so its references resolve."""
    operation = schema["webhooks"][event_type]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    return {**body, "components": schema["components"]}


def _properties(schema: dict, name: str) -> set[str]:
    return set(schema["components"]["schemas"][name]["properties"])


def test_every_delivered_body_is_the_documented_one(
    org, api_for, client, receiver, django_capture_on_commit_callbacks
):
    # Given an endpoint subscribed to everything, and a case that goes through every event type
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=list(WebhookEvent.values))
    flow = Flow(org)
    with django_capture_on_commit_callbacks(execute=True):
        # an urgent fact escalates the new case at once
        created = {**NEW_COMPLAINT, "flags": {"personal_injury": True}}
        reference = api_for(org.agent).post("complaints/", created).json()["reference"]
    complaint = Complaint.objects.get(reference=reference)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = flow.advance(complaint, State.FOLLOW_UP)  # decided (approved) and replied
    with django_capture_on_commit_callbacks(execute=True):
        complaint = flow.run(flow.prepare(complaint, "reopen"), "reopen")
    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_assign(complaint=complaint, actor=org.head, assignee=org.head)
    with django_capture_on_commit_callbacks(execute=True):
        for name in ["complete_investigation", "decide", "send_reply", "close"]:
            complaint = flow.run(flow.prepare(complaint, name), name)

    # When the OpenAPI description is read
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    # Then each body received validates against its webhook's documented body, field for field
    bodies = receiver.bodies()
    assert {body["type"] for body in bodies} == set(WebhookEvent.values)
    assert set(schema["webhooks"]) == set(WebhookEvent.values)
    for (headers, _raw), body in zip(receiver.requests, bodies, strict=True):
        Webhook(endpoint.secret).verify(_raw, headers)
        documented = _documented_body(schema, body["type"])
        jsonschema.Draft202012Validator(
            documented, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        ).validate(body)
        name = documented["$ref"].rpartition("/")[2]
        assert set(body) == _properties(schema, name)  # nothing sent that is not documented
        data = schema["components"]["schemas"][name]["properties"]["data"]["allOf"][0]["$ref"]
        assert set(body["data"]) == _properties(schema, data.rpartition("/")[2])
    webhook = schema["webhooks"]["complaint.closed"]["post"]
    assert [p["name"] for p in webhook["parameters"]] == [
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    ]


def test_a_body_the_schema_refuses_is_refused(client):
    # The check above has teeth: a body missing a field or with a wrong code fails it.
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    documented = _documented_body(schema, "complaint.escalated")
    validator = jsonschema.Draft202012Validator(documented)
    good = {
        "type": "complaint.escalated",
        "timestamp": "2026-12-05T12:00:00+08:00",
        "data": {
            "reference": "CP-2026-000001",
            "state": "triage",
            "department": None,
            "assignee": "handler",
            "escalation_level": 2,
            "reopen_count": 0,
            "timeline_entry": 7,
            "at": "2026-12-05T12:00:00+08:00",
            "level": 2,
        },
    }
    validator.validate(good)
    for bad in (
        {**good, "type": "complaint.created"},
        {**good, "data": {**good["data"], "level": 9}},
        {**good, "data": {key: v for key, v in good["data"].items() if key != "reference"}},
        {**good, "data": {**good["data"], "state": "lost"}},
    ):
        assert not validator.is_valid(bad)
