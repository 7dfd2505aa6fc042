"""The case page's agreement (协议书) and quality-loop cards (issue 16 §3, §7): recorded through
the page's forms, refusals said on the page, and a fixed number of queries however many records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from complaints.models import AgreementPayment, Decision, State
from complaints.services.agreements import (
    agreement_hand_over,
    agreement_payment_record,
    agreement_record,
)
from complaints.services.quality import quality_answer_record, quality_refer
from tests.factories import DepartmentFactory, UserFactory
from tests.pages.conftest_case import case_url, page_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def departments(org):
    DepartmentFactory(name="财务部", code="finance", kind="functional")
    quality = DepartmentFactory(name="品控部", code="quality", kind="functional")
    quality.head = UserFactory(username="qc_head", role=Role.DEPT_HEAD, department=quality)
    quality.save()


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def approved(flow, complaint_in):
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, 1500)
    assert decision.state == Decision.Status.APPROVED
    complaint.refresh_from_db()
    return complaint, decision


def test_an_agreement_is_signed_kept_and_paid_through_the_page(page, org, approved):
    complaint, decision = approved
    today = timezone.localdate().isoformat()
    before = text(page.get(org.handler, complaint))
    assert 'data-testid="agreement-form"' in before
    assert 'data-testid="agreement"' not in before

    signed = page.post(
        org.handler,
        complaint,
        "case_agreement",
        {"decision": decision.pk, "amount": "1500.00", "signed_on": today},
    )
    assert signed.status_code == 302, text(signed)
    agreement = complaint.agreements.get()
    shown = text(page.get(org.handler, complaint))
    assert 'data-status="signed"' in shown
    assert 'data-testid="hand-over-form"' in shown
    assert 'data-testid="agreement-form"' not in shown  # signed once
    assert 'data-testid="payment-form"' not in text(page.get(org.manager, complaint))

    kept = page.post(
        org.handler,
        complaint,
        "case_agreement_hand_over",
        {"agreement": agreement.pk, "received_by_name": "出纳 彭娜"},
    )
    assert kept.status_code == 302, text(kept)
    assert 'data-testid="payment-form"' not in text(page.get(org.handler, complaint))
    manager_page = text(page.get(org.manager, complaint))
    assert 'data-status="held_by_finance"' in manager_page
    assert 'data-testid="payment-form"' in manager_page

    above = page.post(
        org.manager,
        complaint,
        "case_agreement_payment",
        {"agreement": agreement.pk, "amount": "1600.00", "paid_on": today, "method": "cash"},
    )
    assert above.status_code == 422
    assert "1,500.00" in text(above)
    assert not AgreementPayment.objects.exists()
    refused = page.post(
        org.handler,
        complaint,
        "case_agreement_payment",
        {"agreement": agreement.pk, "amount": "100.00", "paid_on": today, "method": "cash"},
    )
    assert refused.status_code == 403

    paid = page.post(
        org.manager,
        complaint,
        "case_agreement_payment",
        {"agreement": agreement.pk, "amount": "1500.00", "paid_on": today, "method": "cash"},
    )
    assert paid.status_code == 302, text(paid)
    final = text(page.get(org.manager, complaint))
    assert final.count('data-testid="payment"') == 1
    assert 'data-testid="payment-form"' not in final  # nothing left to pay


def test_a_quality_referral_and_its_answer_through_the_page(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION, product_or_service="实木餐桌")
    assert 'data-testid="quality-form"' in text(page.get(org.agent, complaint))
    assert 'data-testid="quality"' not in text(page.get(org.auditor, complaint))

    refused = page.post(org.agent, complaint, "case_quality_refer", {"product": "实木餐桌"})
    assert refused.status_code == 422
    passed = page.post(
        org.agent,
        complaint,
        "case_quality_refer",
        {"product": "实木餐桌", "supplier": "南康家具", "problem": "桌面开裂"},
    )
    assert passed.status_code == 302, text(passed)
    referral = complaint.quality_referrals.get()
    shown = text(page.get(org.manager, complaint))
    assert 'data-testid="quality-pending"' in shown
    assert "Quality control" in shown or "品控部" in shown

    answered = page.post(
        org.manager,
        complaint,
        "case_quality_answer",
        {
            "referral": referral.pk,
            "department": "quality_control",
            "finding": "defect_confirmed",
            "answered_on": timezone.localdate().isoformat(),
        },
    )
    assert answered.status_code == 302, text(answered)
    assert text(page.get(org.auditor, complaint)).count('data-testid="quality-answer"') == 1


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_cards_cost_the_same_queries_however_many_records(page, org, flow, approved):
    complaint, decision = approved
    today = timezone.localdate()

    def kept_agreement(decision: Decision, payments: list[int]) -> None:
        agreement = agreement_record(
            complaint=complaint,
            actor=org.handler,
            decision_id=decision.pk,
            amount=decision.amount,
            signed_on=today,
        )
        agreement_hand_over(
            complaint=complaint, agreement_id=agreement.pk, actor=org.handler, received_by_name="x"
        )
        for amount in payments:
            agreement_payment_record(
                complaint=complaint,
                agreement_id=agreement.pk,
                actor=org.manager,
                amount=Decimal(amount),
                paid_on=today,
                method="cash",
            )

    def referral(answers: int) -> None:
        made = quality_refer(
            complaint=complaint, actor=org.agent, product="餐桌", supplier="南康", problem="开裂"
        )
        for _ in range(answers):
            quality_answer_record(
                complaint=complaint,
                referral_id=made.pk,
                actor=org.handler,
                department="purchasing",
                answered_on=today,
                notes="已联系",
            )

    client, url = page.client(org.manager), case_url(complaint)
    kept_agreement(decision, [500])
    referral(1)
    one_each = _queries(client, url)

    complaint.refresh_from_db()
    kept_agreement(flow.propose(complaint, 1200), [300, 400])
    referral(2)
    referral(0)
    assert _queries(client, url) == one_each
