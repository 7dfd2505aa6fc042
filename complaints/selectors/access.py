"""Read queries for complaints. Visibility is decided here, once, for lists and details alike."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from accounts.selectors import department_scope_ids
from complaints.errors import InvalidInput, NotFound
from complaints.models import (
    Complaint,
    Customer,
    Decision,
    DecisionApproval,
    FollowUp,
    Notification,
)


def complaints_visible_to(*, user: User) -> QuerySet[Complaint]:
    """Every complaint `user` may see: all, their department's (a head: the subtree), or their own."""
    complaints = Complaint.objects.all()
    if not user.is_active or not user.is_authenticated:
        return complaints.none()
    if user.has_perm("complaints.view_all_complaints"):
        return complaints
    own = Q(assignee=user) | Q(received_by=user)
    if user.has_perm("complaints.view_department_complaints"):
        own |= Q(department_id__in=department_scope_ids(user=user))
    return complaints.filter(own)


def complaint_is_visible_to(*, user: User, complaint: Complaint) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    if user.has_perm("complaints.view_all_complaints"):
        return True
    if user.pk in (complaint.assignee_id, complaint.received_by_id):
        return True
    return user.has_perm("complaints.view_department_complaints") and (
        complaint.department_id in department_scope_ids(user=user)
    )


def complaint_get_for_user(*, user: User, reference: str) -> Complaint:
    """The complaint with this reference if `user` may see it; otherwise NotFound, never a hint."""
    complaint = (
        complaints_visible_to(user=user)
        .select_related("customer", "category", "department", "assignee", "received_by")
        .filter(reference=reference)
        .first()
    )
    if complaint is None:
        raise NotFound()
    return complaint


@dataclass(frozen=True)
class FollowUpSummary:
    failed_attempts: int
    satisfied: bool
    dissatisfied: bool
    attempts_exhausted: bool


def follow_up_summary(*, complaint: Complaint) -> FollowUpSummary:
    """What the follow-ups of the current handling round say; the latest reached visit counts."""
    follow_ups = list(FollowUp.objects.filter(complaint=complaint, round=complaint.reopen_count))
    reached = [f for f in follow_ups if f.reached]
    latest = reached[-1] if reached else None
    failed = sum(1 for f in follow_ups if not f.reached)
    return FollowUpSummary(
        failed_attempts=failed,
        satisfied=bool(latest and latest.is_satisfied),
        dissatisfied=bool(latest and latest.is_dissatisfied),
        attempts_exhausted=latest is None and failed >= settings.COMPLAINTS_FOLLOW_UP_MAX_ATTEMPTS,
    )


def decisions_with_people() -> QuerySet[Decision]:
    """Decisions with the people on them and their approvals, as the case page and the API show them."""
    return Decision.objects.select_related(
        "proposed_by", "requested_approver", "approved_by"
    ).prefetch_related(
        Prefetch("approvals", queryset=DecisionApproval.objects.select_related("approver"))
    )


def decisions_of_round(*, complaint: Complaint) -> QuerySet[Decision]:
    return Decision.objects.filter(complaint=complaint, round=complaint.reopen_count)


def decision_eligible_approvers(*, decision: Decision) -> QuerySet[User]:
    """People whose limit covers the amount: heads up the department chain, or org-wide approvers."""
    from accounts.selectors import users_with_permission

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


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (served by the partial unread index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


REFERENCE_PATTERN = re.compile(r"^CP-\d{4}-\d{1,6}$", re.IGNORECASE)


def complaint_search(complaints: QuerySet[Complaint], *, text: str) -> QuerySet[Complaint]:
    """Search by reference, customer (name, phone, e-mail), subject and description.

    A reference, a phone number or an e-mail address is matched exactly on an indexed column, so
    looking a caller up stays fast over millions of cases; other words match text anywhere.
    """
    text = (text or "").strip()
    if not text:
        return complaints
    if REFERENCE_PATTERN.match(text):
        return complaints.filter(reference=text.upper())
    contact = customer_contact_lookup(text)
    if contact is not None:
        return complaints.filter(
            **{f"customer__{field}": value for field, value in contact.items()}
        )
    return complaints.filter(
        Q(reference__icontains=text)
        | Q(subject__icontains=text)
        | Q(description__icontains=text)
        | _customer_name_matches(text)
    )


# Up to this many customers matched by name are looked up first and matched by id.
NAME_MATCH_LIMIT = 1000


def _customer_name_matches(text: str) -> Q:
    """Customers whose name contains `text`, as a condition on the complaint's own columns.

    Matching by id keeps every part of the search on indexes of the complaint table (trigram
    indexes on PostgreSQL, see migration 0011), which PostgreSQL combines in one bitmap scan; a
    condition across the join would make it read the whole table. A word so common that more than
    NAME_MATCH_LIMIT customers carry it falls back to the join.
    """
    ids = list(
        Customer.objects.filter(name__icontains=text).values_list("pk", flat=True)[
            : NAME_MATCH_LIMIT + 1
        ]
    )
    if len(ids) > NAME_MATCH_LIMIT:
        return Q(customer__name__icontains=text)
    return Q(customer_id__in=ids)


PHONE_LIKE = re.compile(r"^\+?[\d\s()\-]{7,20}$")


def customer_contact_lookup(text: str) -> dict[str, str] | None:
    """{"email": …} or {"phone": …} when the search text is an address or a phone number, in the
    stored form (both columns are indexed); None for anything else, which is searched as words."""
    from complaints.services.customers import normalize_email, normalize_phone

    if "@" in text:
        return {"email": normalize_email(text)}
    if PHONE_LIKE.match(text):
        try:
            return {"phone": normalize_phone(text)}
        except InvalidInput:
            return None  # digits that are no phone number
    return None
