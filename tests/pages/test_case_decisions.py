"""Proposing a decision and approving or refusing it from the case page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaints.models import Decision, DecisionApproval, State
from complaints.services import decision_approve
from tests.complaints.conftest import snapshot
from tests.pages.conftest_case import case_url, page_fixture, stored  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def proposal(**overrides) -> dict:
    data = {
        "remedy": "compensation",
        "outcome": "partly_upheld",
        "amount": "800.00",
        "rationale": "安装延误属实，补偿部分损失。",
        "root_cause": "排班不足",
        "requested_approver": "",
    }
    data.update(overrides)
    return data


def test_a_decision_within_the_proposers_limit_is_approved_at_once(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)

    response = page.post(org.handler, complaint, "case_decision", proposal())

    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.state, decision.amount, decision.proposed_by) == (
        Decision.Status.APPROVED,
        Decimal("800.00"),
        org.handler,
    )
    follow = page.get(org.handler, complaint)
    assert "approved within your limit" in text(follow)
    assert "decide" in [p.spec.name for p in follow.context["transitions"]]


def test_a_larger_decision_waits_for_the_chosen_approver(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)

    page.post(
        org.handler,
        complaint,
        "case_decision",
        proposal(amount="15000", requested_approver=org.head.pk),
    )

    decision = Decision.objects.get()
    assert decision.state == Decision.Status.PENDING_APPROVAL
    assert decision.requested_approver == org.head
    # the head sees approve and refuse; the handler only that it waits
    head_html = text(page.get(org.head, complaint))
    handler_html = text(page.get(org.handler, complaint))
    assert 'data-testid="approve-decision"' in head_html
    assert 'data-testid="approve-decision"' not in handler_html
    assert 'data-testid="awaiting-approval"' in handler_html


def test_an_approver_whose_limit_is_too_small_is_marked(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)

    response = page.post(
        org.handler,
        complaint,
        "case_decision",
        proposal(amount="30000", requested_approver=org.head.pk),
    )

    assert response.status_code == 422
    form = response.context["decision_form"]
    assert form.errors["requested_approver"] == ["This person cannot approve this amount."]
    assert form["rationale"].value() == "安装延误属实，补偿部分损失。"
    assert not Decision.objects.exists()


def test_a_proposal_without_rationale_or_remedy_keeps_what_was_typed(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)

    response = page.post(
        org.handler, complaint, "case_decision", proposal(remedy="", rationale="", amount="-5")
    )

    assert response.status_code == 422
    form = response.context["decision_form"]
    assert {"remedy", "amount"} <= set(form.errors)
    assert form["root_cause"].value() == "排班不足"
    assert not Decision.objects.exists()


def test_a_proposal_from_a_stale_page_is_a_conflict(page, org, complaint_in, flow):
    complaint = complaint_in(State.DECISION)
    old_version = complaint.version
    flow.propose(complaint, amount=100)  # a colleague proposed meanwhile

    response = page.post(org.handler, complaint, "case_decision", proposal(), version=old_version)

    assert response.status_code == 409
    assert "Someone else changed this case" in text(response)
    assert Decision.objects.count() == 1


def test_an_agent_may_not_propose(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)
    before = snapshot(complaint)

    response = page.post(org.agent, complaint, "case_decision", proposal())

    assert response.status_code == 403
    assert snapshot(complaint) == before
    assert not Decision.objects.exists()


def test_the_head_approves(page, org, complaint_in, flow):
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, amount=15000)

    response = page.post(
        org.head, complaint, "case_decision_approve", {"comment": "同意"}, decision.pk
    )

    assert response.status_code == 302
    decision.refresh_from_db()
    assert (decision.state, decision.approved_by) == (Decision.Status.APPROVED, org.head)
    assert DecisionApproval.objects.get().comment == "同意"


def test_refusing_needs_a_reason(page, org, complaint_in, flow):
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, amount=15000)

    missing = page.post(org.head, complaint, "case_decision_refuse", {"comment": ""}, decision.pk)
    refused = page.post(
        org.head, complaint, "case_decision_refuse", {"comment": "金额过高"}, decision.pk
    )

    assert missing.status_code == 422
    row = next(r for r in missing.context["decisions"] if r.decision.pk == decision.pk)
    assert row.refuse_open
    assert row.refuse_form.errors["comment"] == ["Say why the decision is refused."]
    assert refused.status_code == 302
    decision.refresh_from_db()
    assert decision.state == Decision.Status.REFUSED


def test_an_approval_beyond_ones_limit_is_403(page, org, complaint_in, flow):
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, amount=40000)  # above the head's 20 000

    html = text(page.get(org.head, complaint))
    response = page.post(org.head, complaint, "case_decision_approve", {}, decision.pk)

    assert 'data-testid="approve-decision"' not in html
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.state == Decision.Status.PENDING_APPROVAL


def test_approving_what_someone_else_just_approved_is_a_conflict(page, org, complaint_in, flow):
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, amount=15000)
    decision_approve(decision=decision, actor=org.manager)

    response = page.post(org.head, complaint, "case_decision_approve", {}, decision.pk)

    assert response.status_code == 409
    assert "Someone else changed this case" in text(response)
    assert DecisionApproval.objects.count() == 1


def test_a_decision_of_another_case_is_404(page, org, complaint_in, flow):
    complaint, other = complaint_in(State.DECISION), complaint_in(State.DECISION)
    decision = flow.propose(other, amount=15000)

    response = page.post(org.head, complaint, "case_decision_approve", {}, decision.pk)

    assert response.status_code == 404


def test_the_approver_choices_follow_the_amount(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)
    url = case_url(complaint, "case_decision_approvers")
    client = page.client(org.handler)

    small = client.get(url, {"amount": "100"}, HTTP_HX_REQUEST="true")
    middle = client.get(url, {"amount": "15000"}, HTTP_HX_REQUEST="true")
    large = client.get(url, {"amount": "60000"}, HTTP_HX_REQUEST="true")

    assert "within your limit" in text(small)
    assert f'value="{org.head.pk}"' in text(middle)
    assert f'value="{org.manager.pk}"' in text(middle)
    assert f'value="{org.head.pk}"' not in text(large)
    assert f'value="{org.executive.pk}"' in text(large)
    assert client.get(url, {"amount": "abc"}).status_code == 200
