"""Read queries of the case page and the intake desk.

Visibility through complaint_get_for_user and complaints_visible_to, as everywhere; the query shape
belongs to these two pages: the case page loads everything it shows in a fixed number of queries,
however long the case's history.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from accounts.models import User
from complaints.errors import InvalidInput
from complaints.models import (
    CaseEvent,
    Complaint,
    Customer,
    EvidenceFile,
    FollowUp,
    ImprovementActionCase,
    LegalDocument,
    LostProperty,
    OffSaleOrder,
    OutsideBody,
    OutsideBodyDocument,
    SigningText,
)
from complaints.selectors.access import complaint_get_for_user, complaints_visible_to
from complaints.selectors.customers import customer_find
from complaints.selectors.decisions import decisions_with_people
from complaints.selectors.procedures import agreements_with_payments, quality_referrals_with_answers
from sla.models import CaseChecklistStep


def case_for_page(*, user: User, reference: str) -> Complaint:
    """The case with its timeline, evidence, decisions, follow-ups and clocks loaded.

    Raises NotFound for a case outside the user's scope. Timeline newest first.
    """
    complaint = complaint_get_for_user(user=user, reference=reference)
    prefetch_related_objects(
        [complaint],
        Prefetch(
            "events",
            queryset=CaseEvent.objects.select_related("actor__department").order_by("-at", "-id"),
        ),
        Prefetch(
            "evidence", queryset=EvidenceFile.objects.select_related("uploaded_by__department")
        ),
        Prefetch("decisions", queryset=decisions_with_people()),
        Prefetch("follow_ups", queryset=FollowUp.objects.select_related("by__department")),
        "clocks",
        Prefetch(
            "checklist_steps",
            queryset=CaseChecklistStep.objects.select_related("done_by").order_by(
                "template_name", "position", "id"
            ),
        ),
        # Outside bodies with their documents and orders: one query each, none when no body.
        Prefetch("outside_bodies", queryset=outside_bodies_with_records()),
        # Seed 004's agreements and quality referrals: one query each, and one each for their
        # payments and answers when there are any.
        Prefetch("agreements", queryset=agreements_with_payments()),
        Prefetch("quality_referrals", queryset=quality_referrals_with_answers()),
        # The registers' entries about the case (seed 004 §九, §五.3 H): one query each.
        Prefetch(
            "legal_documents",
            queryset=LegalDocument.objects.order_by("-received_at", "-id"),
        ),
        Prefetch("lost_property", queryset=LostProperty.objects.order_by("-lost_at", "-id")),
        # Its improvement actions (issue 18 §1): one query.
        Prefetch(
            "improvement_links",
            queryset=ImprovementActionCase.objects.select_related(
                "action__owner", "action__department"
            ).order_by("linked_at", "id"),
        ),
    )
    return complaint


def signing_texts_active() -> list[SigningText]:
    """The signing texts offered to staff (seed 004 §三.13), in order (one query)."""
    return list(SigningText.objects.filter(is_active=True))


def outside_bodies_with_records() -> QuerySet[OutsideBody]:
    """A case's outside bodies with their people, documents and off-sale orders (3 queries)."""
    return OutsideBody.objects.select_related(
        "contact__department", "signed_by__department", "closed_by__department"
    ).prefetch_related(
        Prefetch("documents", queryset=OutsideBodyDocument.objects.select_related("evidence")),
        Prefetch(
            "off_sale_orders",
            queryset=OffSaleOrder.objects.select_related(
                "done_by__department", "recorded_by__department"
            ),
        ),
    )


def case_for_panel(*, user: User, reference: str) -> Complaint:
    """The case with what deciding which actions it offers needs: its decisions and clocks.

    For one folded action panel of the case page, fetched on its own (not the timeline, evidence
    or follow-ups). Raises NotFound for a case outside the user's scope.
    """
    complaint = complaint_get_for_user(user=user, reference=reference)
    prefetch_related_objects(
        [complaint], Prefetch("decisions", queryset=decisions_with_people()), "clocks"
    )
    return complaint


@dataclass(frozen=True)
class PastComplaint:
    complaint: Complaint
    satisfaction: int | None


@dataclass(frozen=True)
class CustomerHistory:
    customer: Customer
    complaints: list[PastComplaint]
    total: int
    average_satisfaction: float | None


def customer_history(
    *, user: User, phone: str = "", email: str = "", limit: int = 8
) -> CustomerHistory | None:
    """The known customer with this phone (else e-mail) and the complaints `user` may see of theirs.

    Satisfaction is that of the latest follow-up visit that reached the customer. Returns None when
    no customer matches or the phone number is not one.
    """
    try:
        customer = customer_find(phone=phone, email=email)
    except InvalidInput:
        return None
    if customer is None:
        return None
    latest_score = (
        FollowUp.objects.filter(complaint=OuterRef("pk"), reached=True, satisfaction__isnull=False)
        .order_by("-at", "-id")
        .values("satisfaction")[:1]
    )
    visible = complaints_visible_to(user=user).filter(customer=customer)
    rows = list(
        visible.annotate(satisfaction=Subquery(latest_score))
        .select_related("category__parent")
        .order_by("-received_at")[:limit]
    )
    # One pass over the customer's cases, each joined to its visits on followup_complaint_idx
    # (as IN (cases) the planner hashed every follow-up of every customer).
    summary = visible.aggregate(
        total=Count("pk", distinct=True),
        average=Avg(
            "follow_ups__satisfaction",
            filter=Q(follow_ups__reached=True, follow_ups__satisfaction__isnull=False),
        ),
    )
    return CustomerHistory(
        customer=customer,
        complaints=[PastComplaint(row, row.satisfaction) for row in rows],
        total=summary["total"],
        average_satisfaction=summary["average"],
    )
