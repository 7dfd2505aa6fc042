"""A complaint's whole life through the API alone, as a partner system and the staff would drive
it: create → triage → investigation (evidence, note) → a decision above the handler's limit,
approved by the head → reply → a dissatisfied follow-up → reopen → second handling → a satisfied
follow-up → closed."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints.models import Complaint
from tests.api.conftest import NEW_COMPLAINT
from tests.complaints.test_evidence import png_bytes

pytestmark = pytest.mark.django_db


def test_from_create_to_closed_through_the_api(org, api_for, case_url):
    agent, handler, head = api_for(org.agent), api_for(org.handler), api_for(org.head)

    # Intake: a call-centre system records the complaint (and could safely retry).
    created = agent.post("complaints/", NEW_COMPLAINT, **{"Idempotency-Key": str(uuid.uuid4())})
    assert created.status_code == 201
    case = created.json()["reference"]

    def move(api, name: str, expect: int = 200, **data) -> dict:
        response = api.post(case_url(case, "transitions", name), data)
        assert response.status_code == expect, (name, response.json())
        return response.json()

    contact = agent.post(
        case_url(case, "contacts"),
        {"channel": "phone", "direction": "outbound", "summary": "已回电确认诉求"},
    )
    assert contact.status_code == 201

    # Triage: route and assign, then send to investigation.
    assert move(agent, "start_triage")["state"] == "triage"
    triaged = agent.patch(case_url(case), {"assignee": "handler", "severity": "complex"})
    assert triaged.json()["assignee"] == "handler"
    assert move(agent, "start_investigation")["state"] == "investigation"

    # Investigation by the assigned handler.
    evidence = handler.upload(
        case_url(case, "evidence"),
        {"kind": "photo", "file": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
    )
    assert evidence.status_code == 201
    assert handler.post(case_url(case, "notes"), {"text": "压缩机接线松动"}).status_code == 201
    assert move(handler, "complete_investigation", findings="维修质量问题")["state"] == "decision"

    # A decision above the handler's 2,000 limit waits for the head.
    proposed = handler.post(
        case_url(case, "decisions"),
        {"remedy": "compensation", "outcome": "upheld", "amount": "5000", "rationale": "赔偿"},
    )
    assert proposed.json()["state"] == "pending_approval"
    decision = proposed.json()["id"]
    refused = handler.post(case_url(case, "decisions", decision, "approve"), {})
    assert refused.status_code == 403
    not_yet = move(handler, "decide", expect=409)
    assert not_yet["error"]["code"] == "condition_not_met"
    approved = head.post(case_url(case, "decisions", decision, "approve"), {"comment": "同意"})
    assert approved.json()["state"] == "approved"

    # Reply, then a follow-up in which the customer is not satisfied.
    assert move(handler, "decide")["state"] == "reply"
    replied = move(handler, "send_reply", channel="phone", content="赔偿 5000 元并免费返修")
    assert replied["state"] == "follow_up"
    visit = agent.post(
        case_url(case, "follow-ups"),
        {"method": "phone", "reached": True, "satisfaction": 1, "resolved": False},
    )
    assert visit.status_code == 201
    cannot_close = move(agent, "close", expect=409)
    assert cannot_close["error"]["code"] == "condition_not_met"

    # Second handling (二次处理): reopen, decide within the handler's own limit, reply again.
    reopened = move(agent, "reopen", comment="客户不满意，要求上门检测")
    assert reopened["state"] == "investigation"
    move(handler, "complete_investigation", findings="上门检测后更换压缩机")
    second = handler.post(
        case_url(case, "decisions"),
        {"remedy": "replacement", "outcome": "upheld", "amount": "1000", "rationale": "更换"},
    )
    assert second.json()["state"] == "approved"
    assert second.json()["round"] == 1
    move(handler, "decide")
    move(handler, "send_reply", channel="phone", content="已更换压缩机")

    # The customer is satisfied now: close.
    satisfied = agent.post(
        case_url(case, "follow-ups"),
        {"method": "phone", "reached": True, "satisfaction": 5, "resolved": True},
    )
    assert satisfied.json()["round"] == 1
    closed = move(agent, "close")
    assert closed["state"] == "closed"
    assert move(agent, "withdraw", expect=409)["error"]["allowed"] == []

    # The record tells the whole story.
    transitions = [
        event["transition"]
        for event in agent.get(case_url(case, "events")).json()
        if event["kind"] == "transition"
    ]
    assert transitions == [
        "start_triage",
        "start_investigation",
        "complete_investigation",
        "decide",
        "send_reply",
        "reopen",
        "complete_investigation",
        "decide",
        "send_reply",
        "close",
    ]
    decisions = agent.get(case_url(case, "decisions")).json()
    assert [(d["round"], d["state"], d["approved_by"]) for d in decisions] == [
        (0, "approved", "head"),
        (1, "approved", "handler"),
    ]
    stored = Complaint.objects.get(reference=case)
    assert (stored.state, stored.reopen_count) == ("closed", 1)
    customer = api_for(org.manager).get(f"customers/{stored.customer_id}/").json()
    assert customer["complaints"][0]["outcome"] == "upheld"
    assert customer["complaints"][0]["satisfaction"] == 5
