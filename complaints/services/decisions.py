"""处理决策: proposing a remedy and approving it within someone's authority limit.

A decision within the proposer's own limit is approved as it is proposed. A larger one waits for a
person whose limit covers it: the head of the owning department or of a department above it, or an
organisation-wide approver (complaint manager, senior management).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import (
    ConditionNotMet,
    Conflict,
    InvalidInput,
    PermissionDenied,
)
from complaints.models import (
    CaseEvent,
    Complaint,
    Decision,
    DecisionApproval,
    Notification,
    Outcome,
    Remedy,
    State,
)
from complaints.selectors import (
    decision_eligible_approvers,
    decisions_of_round,
)
from complaints.selectors.injury import injury_compensation_total
from complaints.services.common import (
    Needs,
    ensure_can_act,
    ensure_workable,
    lock_for_change,
    save_change,
)
from complaints.services.notifications import (
    approval_request_key,
    notifications_settle,
    notify,
)
from complaints.timeline import record_event
from sla.services.escalation import escalate_on_facts


def can_approve(*, user: User, decision: Decision) -> bool:
    """Whether `user` may approve `decision`: the role, a covering limit and a place in the chain."""
    if user.pk == decision.proposed_by_id:
        return False
    return can_approve_amount(user=user, complaint=decision.complaint, amount=decision.amount)


def can_approve_amount(*, user: User, complaint: Complaint, amount: Decimal) -> bool:
    """The approval rule of an amount spent on a case (a decision, an injury's advance): the
    role, a limit that covers it, and a place in the department chain or an org-wide role."""
    if not user.is_active:
        return False
    if not any(user.has_perm(f"complaints.{perm}") for perm in Needs.APPROVE):
        return False
    if user.approval_limit < amount:
        return False
    if user.has_perm("complaints.view_all_complaints"):
        return True
    department = complaint.department
    return department is not None and user.pk in {d.head_id for d in department.chain()}


def _event_data(decision: Decision) -> dict:
    return {
        "decision_id": decision.pk,
        "remedy": decision.remedy,
        "outcome": decision.outcome,
        "amount": decision.amount,
    }


@transaction.atomic
def decision_propose(
    *,
    complaint: Complaint,
    actor: User,
    remedy: str,
    outcome: str,
    amount: Decimal | None,
    rationale: str,
    root_cause: str = "",
    requested_approver: User | None = None,
) -> Decision:
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.PROPOSE)
    locked = lock_for_change(complaint)
    if locked.state != State.DECISION:
        raise ConditionNotMet([_("Decisions are proposed once the investigation is complete.")])
    errors: dict[str, list[str]] = {}
    # A personal injury's amount is its compensation breakdown's total (seed 004 §三.17): set
    # here from the breakdown; an amount that says otherwise is refused, never silently replaced.
    breakdown = injury_compensation_total(complaint=locked)
    if breakdown is not None:
        if amount is not None and amount != breakdown:
            errors["amount"] = [
                _(
                    "On a personal injury the amount is the compensation breakdown's total "
                    "(%(total)s): change the breakdown on the injury record instead."
                )
                % {"total": f"{breakdown:,.2f}"}
            ]
        amount = breakdown
    if remedy not in Remedy.values:
        errors["remedy"] = [_("Choose a remedy from the list.")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose an outcome from the list.")]
    if amount is None or amount < 0:
        errors["amount"] = [_("Enter an amount of zero or more.")]
    if not (rationale or "").strip():
        errors["rationale"] = [_("Explain the reasons for this decision.")]
    if errors or amount is None:
        raise InvalidInput(errors)

    now = timezone.now()
    # A new proposal replaces whatever this round had before, approved or not.
    replaced = decisions_of_round(complaint=locked).filter(
        state__in=[Decision.Status.PENDING_APPROVAL, Decision.Status.APPROVED]
    )
    waiting = [
        pk
        for pk, state in replaced.values_list("pk", "state")
        if state == Decision.Status.PENDING_APPROVAL
    ]
    replaced.update(state=Decision.Status.SUPERSEDED)
    # Their approvers have nothing left to decide.
    notifications_settle(
        keys=map(approval_request_key, waiting),
        reason=Notification.Settled.SUPERSEDED,
        by=actor,
        at=now,
    )
    decision = Decision.objects.create(
        complaint=locked,
        round=locked.reopen_count,
        remedy=remedy,
        outcome=outcome,
        amount=amount,
        rationale=rationale.strip(),
        root_cause=root_cause.strip(),
        state=Decision.Status.PENDING_APPROVAL,
        proposed_by=actor,
        created_at=now,
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.DECISION_PROPOSED,
        actor=actor,
        at=now,
        comment=decision.rationale,
        data=_event_data(decision),
    )
    # Whoever still holds the case as it was before this proposal must reload before acting on it.
    save_change(locked, fields=[])
    if amount <= actor.approval_limit:
        _approve(decision=decision, approver=actor, within_own_limit=True)
    elif requested_approver is not None:
        if not can_approve(user=requested_approver, decision=decision):
            raise InvalidInput(
                {"requested_approver": [_("This person cannot approve this amount.")]}
            )
        decision.requested_approver = requested_approver
        decision.save(update_fields=["requested_approver"])
    if decision.state == Decision.Status.PENDING_APPROVAL:
        _request_approval(decision)
    # An offer at or above the large-complaint threshold goes to senior management at once.
    escalate_on_facts(complaint=locked, at=now)
    return decision


def _request_approval(decision: Decision) -> None:
    """Tell the approver asked for, or else everyone whose limit and position cover the amount."""
    approvers = (
        [decision.requested_approver]
        if decision.requested_approver
        else list(decision_eligible_approvers(decision=decision))
    )
    notify(
        recipients=approvers,
        kind=Notification.Kind.APPROVAL_REQUEST,
        complaint=decision.complaint,
        key=approval_request_key(decision.pk),
        template="approval_request",
        context={"decision": decision},
    )


def _approve(
    *, decision: Decision, approver: User, comment: str = "", within_own_limit: bool = False
) -> None:
    now = timezone.now()
    DecisionApproval.objects.create(
        decision=decision,
        approver=approver,
        verdict=DecisionApproval.Verdict.APPROVED,
        approver_limit=approver.approval_limit,
        comment=comment,
        within_own_limit=within_own_limit,
        at=now,
    )
    decision.state = Decision.Status.APPROVED
    decision.approved_by = approver
    decision.approved_at = now
    decision.save(update_fields=["state", "approved_by", "approved_at"])
    # The automatic approval's reason is a code; the timeline puts it into the reader's words.
    data = _event_data(decision)
    if within_own_limit:
        data["within_own_limit"] = True
    record_event(
        complaint=decision.complaint,
        kind=CaseEvent.Kind.DECISION_APPROVED,
        actor=approver,
        at=now,
        comment=comment,
        data=data,
    )


def _lock_pending(decision: Decision, actor: User) -> Decision:
    ensure_workable(actor=actor, complaint=decision.complaint)
    # Lock order everywhere: the case first, then its decision.
    case = lock_for_change(decision.complaint, must_be_current=False)
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    locked.complaint = case
    if locked.state != Decision.Status.PENDING_APPROVAL:
        if decision.state == Decision.Status.PENDING_APPROVAL:
            # The caller saw it pending: someone else approved or refused it meanwhile.
            raise Conflict()
        raise ConditionNotMet([_("This decision is no longer awaiting approval.")])
    if locked.complaint.state != State.DECISION or locked.round != locked.complaint.reopen_count:
        raise ConditionNotMet([_("The complaint has moved on; this decision no longer applies.")])
    if not can_approve(user=actor, decision=locked):
        raise PermissionDenied(_("Your approval limit or position does not cover this decision."))
    return locked


@transaction.atomic
def decision_approve(*, decision: Decision, actor: User, comment: str = "") -> Decision:
    locked = _lock_pending(decision, actor)
    _approve(decision=locked, approver=actor, comment=comment)
    save_change(locked.complaint, fields=[])
    notifications_settle(
        keys=[approval_request_key(locked.pk)],
        reason=Notification.Settled.APPROVED,
        by=actor,
        at=locked.approved_at,
    )
    return locked


@transaction.atomic
def decision_refuse(*, decision: Decision, actor: User, comment: str) -> Decision:
    if not (comment or "").strip():
        raise InvalidInput({"comment": [_("Say why the decision is refused.")]})
    locked = _lock_pending(decision, actor)
    now = timezone.now()
    DecisionApproval.objects.create(
        decision=locked,
        approver=actor,
        verdict=DecisionApproval.Verdict.REFUSED,
        approver_limit=actor.approval_limit,
        comment=comment.strip(),
        at=now,
    )
    locked.state = Decision.Status.REFUSED
    locked.save(update_fields=["state"])
    save_change(locked.complaint, fields=[])
    notifications_settle(
        keys=[approval_request_key(locked.pk)],
        reason=Notification.Settled.REFUSED,
        by=actor,
        at=now,
    )
    record_event(
        complaint=locked.complaint,
        kind=CaseEvent.Kind.DECISION_REJECTED,
        actor=actor,
        at=now,
        comment=comment.strip(),
        data=_event_data(locked),
    )
    return locked
