"""Agreements and payments (issue 16 §3) and the quality loop (§7) through the API: the same
services as the case page, the same refusals, in the documented shapes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from complaints.models import AgreementPayment, Notification, State
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments(org):
    DepartmentFactory(name="财务部", code="finance", kind="functional")
    quality = DepartmentFactory(name="品控部", code="quality", kind="functional")
    quality.head = UserFactory(username="qc_head", role=Role.DEPT_HEAD, department=quality)
    quality.save()
    purchasing = DepartmentFactory(name="采购部", code="purchasing")
    purchasing.head = UserFactory(username="buyer", role=Role.DEPT_HEAD, department=purchasing)
    purchasing.save()


def test_an_agreement_is_signed_handed_over_and_paid_within_the_approval(
    departments, org, flow, complaint_in, api_for, case_url
):
    case = complaint_in(State.DECISION)
    decision = flow.propose(case, 1500)
    today = timezone.localdate().isoformat()
    handler, manager = api_for(org.handler), api_for(org.manager)

    made = handler.post(
        case_url(case, "agreements"),
        {"decision_id": decision.pk, "amount": "1500.00", "signed_on": today},
    )
    assert made.status_code == 201, made.content
    agreement = made.json()
    assert agreement["status"] == "signed"
    assert agreement["approved_amount"] == "1500.00"
    assert agreement["collected_by"] == "handler"

    early = manager.post(
        case_url(case, "agreements", agreement["id"], "payments"),
        {"amount": "100.00", "paid_on": today, "method": "cash"},
    )
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "condition_not_met"

    kept = handler.post(
        case_url(case, "agreements", agreement["id"], "hand-over"),
        {"received_by_name": "出纳 彭娜"},
    )
    assert kept.status_code == 200, kept.content
    assert kept.json()["status"] == "held_by_finance"
    assert kept.json()["holder"] == "finance"

    not_theirs = handler.post(
        case_url(case, "agreements", agreement["id"], "payments"),
        {"amount": "100.00", "paid_on": today, "method": "cash"},
    )
    assert not_theirs.status_code == 403

    paid = manager.post(
        case_url(case, "agreements", agreement["id"], "payments"),
        {"amount": "1000.00", "paid_on": today, "method": "bank_transfer", "reference": "TX-88"},
    )
    assert paid.status_code == 201, paid.content
    assert paid.json()["paid_total"] == "1000.00"
    assert [p["amount"] for p in paid.json()["payments"]] == ["1000.00"]

    above = manager.post(
        case_url(case, "agreements", agreement["id"], "payments"),
        {"amount": "600.00", "paid_on": today, "method": "cash"},
    )
    assert above.status_code == 409
    error = above.json()["error"]
    assert error["code"] == "payment_not_approved"
    assert "1,500.00" in error["reasons"][0]
    assert AgreementPayment.objects.count() == 1

    listed = api_for(org.auditor).get(case_url(case, "agreements"))
    assert listed.status_code == 200
    assert [a["paid_total"] for a in listed.json()] == ["1000.00"]


def test_no_agreement_for_a_decision_awaiting_approval(
    departments, org, flow, complaint_in, api_for, case_url
):
    case = complaint_in(State.DECISION)
    pending = flow.propose(case, 5000)
    refused = api_for(org.handler).post(
        case_url(case, "agreements"),
        {"decision_id": pending.pk, "amount": "5000.00", "signed_on": timezone.localdate()},
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "condition_not_met"


def test_a_quality_referral_is_answered_and_shows_what_is_pending(
    departments, org, complaint_in, api_for, case_url
):
    case = complaint_in(State.INVESTIGATION)
    agent = api_for(org.agent)
    made = agent.post(
        case_url(case, "quality-referrals"),
        {"product": "实木餐桌", "supplier": "南康家具有限公司", "problem": "桌面开裂"},
    )
    assert made.status_code == 201, made.content
    referral = made.json()
    assert referral["pending"] == ["quality_control", "purchasing"]
    assert Notification.objects.filter(kind="quality").count() == 2

    answered = agent.post(
        case_url(case, "quality-referrals", referral["id"], "answers"),
        {
            "department": "purchasing",
            "answered_on": timezone.localdate().isoformat(),
            "supplier_contacted": True,
            "taken_off_sale": True,
            "notes": "已下架",
        },
    )
    assert answered.status_code == 201, answered.content
    assert answered.json()["pending"] == ["quality_control"]
    assert answered.json()["answers"][0]["taken_off_sale"] is True

    future = agent.post(
        case_url(case, "quality-referrals", referral["id"], "answers"),
        {
            "department": "quality_control",
            "answered_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "finding": "defect_confirmed",
        },
    )
    assert future.status_code == 400
    assert "answered_on" in future.json()["error"]["fields"]

    assert api_for(org.auditor).get(case_url(case, "quality-referrals")).status_code == 200
    refused = api_for(org.auditor).post(
        case_url(case, "quality-referrals"),
        {"product": "x", "supplier": "y", "problem": "z"},
    )
    assert refused.status_code == 403
    missing = agent.post(
        case_url(case, "quality-referrals", 999999, "answers"),
        {"department": "purchasing", "answered_on": timezone.localdate().isoformat(), "notes": "x"},
    )
    assert missing.status_code == 404
