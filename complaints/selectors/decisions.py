"""Read queries about decisions and who may approve them."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.selectors import users_with_permission
from complaints.models import Complaint, Decision, DecisionApproval


def decisions_with_people() -> QuerySet[Decision]:
    """Decisions with the people on them and their approvals, as the case page and the API show them."""
    return Decision.objects.select_related(
        "proposed_by__department", "requested_approver__department", "approved_by__department"
    ).prefetch_related(
        Prefetch(
            "approvals", queryset=DecisionApproval.objects.select_related("approver__department")
        )
    )


def decisions_of_round(*, complaint: Complaint) -> QuerySet[Decision]:
    return Decision.objects.filter(complaint=complaint, round=complaint.reopen_count)


def decision_eligible_approvers(*, decision: Decision) -> QuerySet[User]:
    """People whose limit covers the amount: heads up the department chain, or org-wide approvers."""
    chain_heads = [
        dept.head_id
        for dept in (decision.complaint.department.chain() if decision.complaint.department else [])
        if dept.head_id
    ]
    org_wide = users_with_permission(perm="complaints.view_all_complaints").values("pk")
    return (
        users_with_permission(perm="complaints.approve_decision")
        .filter(approval_limit__gte=decision.amount)
        .filter(Q(pk__in=chain_heads) | Q(pk__in=org_wide))
        .exclude(pk=decision.proposed_by_id)
        .order_by("approval_limit", "username")
    )
