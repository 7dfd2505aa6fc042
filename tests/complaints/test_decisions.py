"""Decisions and approval limits up the department chain (complaints/services/decisions.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.roles import Role
from complaints.errors import ConditionNotMet, Conflict, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, Decision, DecisionApproval, State
from complaints.selectors import decision_eligible_approvers
from complaints.services import (
    can_approve,
    decision_approve,
    decision_propose,
    decision_refuse,
)
from tests.factories import UserFactory


@pytest.fixture
def case(complaint_in) -> Complaint:
    """A 服务部 complaint whose investigation is complete, awaiting a decision."""
    return complaint_in(State.DECISION)


@pytest.fixture
def general_manager(org):
    """Head of 总经理办公室, the department above 服务部 in the chain."""
    user = UserFactory(
        username="gm", role=Role.DEPT_HEAD, department=org.management, approval_limit=100000
    )
    org.management.head = user
    org.management.save()
    return user


@pytest.fixture
def legal_head(org):
    """Head of 法务部: a department head, but not on 服务部's chain."""
    user = UserFactory(
        username="legal_head", role=Role.DEPT_HEAD, department=org.legal, approval_limit=100000
    )
    org.legal.head = user
    org.legal.save()
    return user


def propose(complaint, actor, amount) -> Decision:
    decision = decision_propose(
        complaint=complaint,
        actor=actor,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal(amount),
        rationale="维修不当造成二次故障，赔偿损失。",
    )
    # A proposal changes the case; like a page after a submit, go on with the fresh copy.
    complaint.refresh_from_db()
    return decision


def event_kinds(complaint) -> list[str]:
    return list(complaint.events.values_list("kind", flat=True))


# --- proposing --------------------------------------------------------------------------------


def test_a_decision_within_the_proposers_limit_is_approved_at_once(org, case):
    # when the handler proposes exactly their own limit
    decision = propose(case, org.handler, 2000)

    # then it is approved by them, with a record of the limit they had
    assert decision.state == Decision.Status.APPROVED
    assert decision.approved_by == org.handler
    assert decision.approved_at is not None
    approval = decision.approvals.get()
    assert (approval.approver, approval.verdict) == (org.handler, DecisionApproval.Verdict.APPROVED)
    assert approval.approver_limit == Decimal(2000)
    assert case.current_decision() == decision
    assert event_kinds(case)[-2:] == [
        CaseEvent.Kind.DECISION_PROPOSED,
        CaseEvent.Kind.DECISION_APPROVED,
    ]


def test_a_decision_above_the_proposers_limit_waits_for_approval(org, case):
    # when the handler proposes one cent above their limit
    decision = propose(case, org.handler, "2000.01")

    # then it waits, unapproved, and the case cannot be decided yet
    assert decision.state == Decision.Status.PENDING_APPROVAL
    assert decision.approved_by is None
    assert not decision.approvals.exists()
    assert case.current_decision() is None
    assert event_kinds(case)[-1] == CaseEvent.Kind.DECISION_PROPOSED
    event = case.events.get(kind=CaseEvent.Kind.DECISION_PROPOSED)
    assert event.actor == org.handler
    assert Decimal(event.data["amount"]) == Decimal("2000.01")


def test_proposing_needs_the_role_the_stage_and_complete_input(org, case, complaint_in):
    with pytest.raises(PermissionDenied):
        propose(case, org.agent, 100)
    with pytest.raises(NotFound):
        propose(case, org.other_handler, 100)
    with pytest.raises(ConditionNotMet):
        propose(complaint_in(State.INVESTIGATION), org.handler, 100)
    with pytest.raises(InvalidInput) as refused:
        decision_propose(
            complaint=case,
            actor=org.handler,
            remedy="free_holiday",
            outcome="maybe",
            amount=Decimal(-1),
            rationale=" ",
        )
    assert set(refused.value.fields) == {"remedy", "outcome", "amount", "rationale"}
    assert not case.decisions.exists()


def test_a_requested_approver_must_be_able_to_approve(org, case):
    # when the handler asks the head to approve 5000, then it is noted on the decision
    decision = decision_propose(
        complaint=case,
        actor=org.handler,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal(5000),
        rationale="赔偿损失。",
        requested_approver=org.head,
    )
    assert decision.requested_approver == org.head
    case.refresh_from_db()

    # when they ask the head for 30000, beyond the head's limit, then nothing is proposed
    with pytest.raises(InvalidInput) as refused:
        decision_propose(
            complaint=case,
            actor=org.handler,
            remedy="compensation",
            outcome="upheld",
            amount=Decimal(30000),
            rationale="赔偿损失。",
            requested_approver=org.head,
        )
    assert "requested_approver" in refused.value.fields
    assert list(case.decisions.values_list("pk", flat=True)) == [decision.pk]
    assert Decision.objects.get(pk=decision.pk).state == Decision.Status.PENDING_APPROVAL


def test_a_new_proposal_supersedes_the_previous_one(org, case):
    # given an approved decision, then a second proposal awaiting approval
    first = propose(case, org.handler, 1000)
    second = propose(case, org.handler, 5000)

    # then the first no longer counts, and the case waits for the second
    first.refresh_from_db()
    assert first.state == Decision.Status.SUPERSEDED
    assert second.state == Decision.Status.PENDING_APPROVAL
    assert case.current_decision() is None

    # when a third replaces the pending one, then the pending one cannot be approved any more
    third = propose(case, org.handler, 1500)
    second.refresh_from_db()
    assert second.state == Decision.Status.SUPERSEDED
    with pytest.raises(ConditionNotMet):
        decision_approve(decision=second, actor=org.head)
    assert case.current_decision() == third
    # and the earlier approval is kept for the record
    assert first.approvals.count() == 1


# --- approving up the chain -------------------------------------------------------------------


@pytest.fixture
def pending_5000(org, case) -> Decision:
    return propose(case, org.handler, 5000)


def test_the_department_head_approves_within_their_limit(org, case, pending_5000):
    # when the head of 服务部 approves
    decision = decision_approve(decision=pending_5000, actor=org.head, comment="同意。")

    # then it is approved by the head, recorded on the timeline, and the case can be decided
    assert decision.state == Decision.Status.APPROVED
    assert decision.approved_by == org.head
    approval = decision.approvals.get()
    assert (approval.approver, approval.approver_limit, approval.comment) == (
        org.head,
        Decimal(20000),
        "同意。",
    )
    event = case.events.filter(kind=CaseEvent.Kind.DECISION_APPROVED).get()
    assert event.actor == org.head
    assert case.current_decision() == decision


def test_a_handler_cannot_approve(org, case, pending_5000):
    # given a second handler of 服务部, whose limit is below the amount and who has no approval role
    colleague = UserFactory(
        username="handler2", role=Role.HANDLER, department=org.service, approval_limit=2000
    )

    for person in (colleague, org.handler):
        assert not can_approve(user=person, decision=pending_5000)
        with pytest.raises(PermissionDenied):
            decision_approve(decision=pending_5000, actor=person)
    assert not pending_5000.approvals.exists()
    assert Decision.objects.get(pk=pending_5000.pk).state == Decision.Status.PENDING_APPROVAL


def test_an_amount_above_the_heads_limit_goes_to_the_complaint_manager(org, case):
    # given a decision of 30000, above the head's 20000
    decision = propose(case, org.handler, 30000)

    # when the head tries, then it is refused for lack of authority
    with pytest.raises(PermissionDenied):
        decision_approve(decision=decision, actor=org.head)
    assert Decision.objects.get(pk=decision.pk).state == Decision.Status.PENDING_APPROVAL

    # when the organisation-wide complaint manager (limit 50000) approves, then it stands
    assert decision_approve(decision=decision, actor=org.manager).approved_by == org.manager


def test_an_amount_above_the_managers_limit_goes_to_senior_management(org, case):
    decision = propose(case, org.handler, 100000)

    with pytest.raises(PermissionDenied):
        decision_approve(decision=decision, actor=org.head)
    with pytest.raises(PermissionDenied):
        decision_approve(decision=decision, actor=org.manager)
    approved = decision_approve(decision=decision, actor=org.executive)

    assert approved.approved_by == org.executive
    assert list(approved.approvals.values_list("approver__username", flat=True)) == ["executive"]


def test_the_head_of_a_department_up_the_chain_can_approve(org, case, general_manager):
    # given 30000, beyond the 服务部 head, and the head of 总经理办公室 above it
    decision = propose(case, org.handler, 30000)
    assert can_approve(user=general_manager, decision=decision)

    # when they approve, then it stands
    assert decision_approve(decision=decision, actor=general_manager).approved_by == general_manager


def test_the_head_of_an_unrelated_department_cannot_approve(org, case, legal_head):
    # given 30000 on a 服务部 case, and the head of 法务部 with a large enough limit
    decision = propose(case, org.handler, 30000)

    # then they are not on the chain: not eligible, and the case is not even theirs to see
    assert not can_approve(user=legal_head, decision=decision)
    with pytest.raises(NotFound):
        decision_approve(decision=decision, actor=legal_head)
    assert not decision.approvals.exists()


def test_the_proposer_cannot_approve_their_own_decision(org, case):
    # given the head proposes 25000, beyond their limit, and their limit is raised afterwards
    decision = propose(case, org.head, 25000)
    assert decision.state == Decision.Status.PENDING_APPROVAL
    org.head.approval_limit = Decimal(30000)
    org.head.save()

    # then they still cannot approve it themselves
    assert not can_approve(user=org.head, decision=decision)
    with pytest.raises(PermissionDenied):
        decision_approve(decision=decision, actor=org.head)
    assert org.head not in decision_eligible_approvers(decision=decision)


def test_the_approvers_limit_is_recorded_as_it_was(org, pending_5000):
    approved = decision_approve(decision=pending_5000, actor=org.head)
    org.head.approval_limit = Decimal(1)
    org.head.save()

    assert approved.approvals.get().approver_limit == Decimal(20000)


def test_a_decision_can_be_approved_only_once(org, pending_5000):
    seen_pending_by_manager = Decision.objects.get(pk=pending_5000.pk)
    decision_approve(decision=pending_5000, actor=org.head)

    # the manager's copy still says pending: someone else decided meanwhile
    with pytest.raises(Conflict):
        decision_approve(decision=seen_pending_by_manager, actor=org.manager)
    # a fresh copy says it is approved already
    with pytest.raises(ConditionNotMet):
        decision_approve(decision=Decision.objects.get(pk=pending_5000.pk), actor=org.manager)
    assert pending_5000.approvals.count() == 1
    assert Decision.objects.get(pk=pending_5000.pk).approved_by == org.head


def test_a_decision_of_a_case_that_moved_on_cannot_be_approved(flow, org, case, pending_5000):
    flow.run(case, "withdraw")

    with pytest.raises(ConditionNotMet):
        decision_approve(decision=pending_5000, actor=org.head)
    assert not pending_5000.approvals.exists()


# --- refusing ---------------------------------------------------------------------------------


def test_refusing_needs_a_reason(org, case, pending_5000):
    # when the head refuses without saying why, then nothing is recorded
    with pytest.raises(InvalidInput) as refused:
        decision_refuse(decision=pending_5000, actor=org.head, comment="  ")
    assert "comment" in refused.value.fields
    assert not pending_5000.approvals.exists()

    # when they give the reason, then the refusal is recorded and the case still cannot be decided
    decision = decision_refuse(
        decision=pending_5000, actor=org.head, comment="金额过高，请重新核算。"
    )
    assert decision.state == Decision.Status.REFUSED
    approval = decision.approvals.get()
    assert (approval.verdict, approval.comment) == (
        DecisionApproval.Verdict.REFUSED,
        "金额过高，请重新核算。",
    )
    event = case.events.get(kind=CaseEvent.Kind.DECISION_REJECTED)
    assert (event.actor, event.comment) == (org.head, "金额过高，请重新核算。")
    assert case.current_decision() is None
    with pytest.raises(ConditionNotMet):
        decision_approve(decision=decision, actor=org.manager)


def test_refusing_needs_the_same_authority_as_approving(org, pending_5000):
    with pytest.raises(PermissionDenied):
        decision_refuse(decision=pending_5000, actor=org.handler, comment="不同意")
    assert Decision.objects.get(pk=pending_5000.pk).state == Decision.Status.PENDING_APPROVAL


# --- who may approve --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (5000, ["head", "manager", "gm", "executive"]),
        (20000, ["head", "manager", "gm", "executive"]),
        (30000, ["manager", "gm", "executive"]),
        (60000, ["gm", "executive"]),
        (200000, ["executive"]),
        (2000000, []),
    ],
)
def test_eligible_approvers_are_those_whose_limit_covers_it(
    org, case, general_manager, legal_head, amount, expected
):
    # given heads up the chain, an unrelated head, and org-wide approvers, all with limits
    decision = propose(case, org.handler, amount)

    # then the eligible ones are listed, smallest sufficient limit first
    eligible = decision_eligible_approvers(decision=decision)
    assert [user.username for user in eligible] == expected
    assert all(can_approve(user=user, decision=decision) for user in eligible)
    assert not can_approve(user=legal_head, decision=decision)


def test_inactive_people_are_not_eligible(org, pending_5000):
    org.head.is_active = False
    org.head.save()

    assert org.head not in decision_eligible_approvers(decision=pending_5000)
    assert not can_approve(user=org.head, decision=pending_5000)


def test_the_case_is_decided_once_the_decision_is_approved(flow, org, case, pending_5000):
    # given the pending decision blocks the decision step
    with pytest.raises(ConditionNotMet):
        flow.run(case, "decide")

    # when the head approves, then the handler moves the case to the reply
    decision_approve(decision=pending_5000, actor=org.head)
    case.refresh_from_db()
    result = flow.run(case, "decide", org.handler)
    assert result.state == State.REPLY
    assert result.current_decision() == pending_5000
