"""Read queries in the shape the API renders them: scoped by complaints_visible_to, no N+1."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.errors import NotFound
from complaints.models import (
    CaseEvent,
    Complaint,
    Customer,
    Decision,
    EvidenceFile,
)
from complaints.selectors import (
    complaints_visible_to,
    customer_contact_lookup,
    decisions_with_people,
)
from sla.models import Clock

# What the complaint representation reads besides the row itself.
COMPLAINT_RELATED = ("customer", "category", "department", "assignee")


def with_details(complaints: QuerySet[Complaint]) -> QuerySet[Complaint]:
    """Join the related rows and prefetch the clocks the complaint representation renders."""
    # Only the clock columns a deadline shows (complaint_deadlines); a page holds ~4 per case.
    clocks = Clock.objects.order_by().only(
        "complaint_id",
        "stage",
        "round",
        "due_at",
        "met_at",
        "paused_at",
        "cancelled_at",
        "breached_at",
        "provisional",
        "calendar_id",
    )
    return complaints.select_related(*COMPLAINT_RELATED).prefetch_related(
        Prefetch("clocks", queryset=clocks)
    )


def complaints_for_list(*, user: User | AnonymousUser) -> QuerySet[Complaint]:
    # The id breaks ties between cases received in the same second, so pages never overlap.
    return with_details(complaints_visible_to(user=user)).order_by("-received_at", "-id")


def complaint_for_response(*, complaint: Complaint) -> Complaint:
    """The case as just changed by its actor, for the answer; unscoped on purpose: a handoff or a
    new owning department may take it out of the actor's scope by the very change they made."""
    return with_details(Complaint.objects.filter(pk=complaint.pk)).get()


def complaint_detail_for_user(*, user: User, reference: str) -> Complaint:
    complaint = with_details(complaints_visible_to(user=user)).filter(reference=reference).first()
    if complaint is None:
        raise NotFound()
    return complaint


def complaint_events(*, complaint: Complaint) -> QuerySet[CaseEvent]:
    return (
        CaseEvent.objects.filter(complaint=complaint).select_related("actor").order_by("at", "id")
    )


def complaint_evidence(*, complaint: Complaint) -> QuerySet[EvidenceFile]:
    return EvidenceFile.objects.filter(complaint=complaint).select_related("uploaded_by")


def complaint_evidence_get(*, complaint: Complaint, evidence_id: int) -> EvidenceFile:
    evidence = complaint_evidence(complaint=complaint).filter(pk=evidence_id).first()
    if evidence is None:
        raise NotFound(_("No such evidence file on this complaint."))
    return evidence


def complaint_decisions(*, complaint: Complaint) -> QuerySet[Decision]:
    """Every decision of the case, all handling rounds, with their approvals."""
    return decisions_with_people().filter(complaint=complaint)


def complaint_decision_get(*, complaint: Complaint, decision_id: int) -> Decision:
    decision = complaint_decisions(complaint=complaint).filter(pk=decision_id).first()
    if decision is None:
        raise NotFound(_("No such decision on this complaint."))
    # The services read the case from the decision; give them the copy the caller checked.
    decision.complaint = complaint
    return decision


def customers_visible_to(*, user: User | AnonymousUser) -> QuerySet[Customer]:
    """Customers of complaints the user can see (everyone's for organisation-wide roles)."""
    if not isinstance(user, User) or not user.is_active:
        return Customer.objects.none()
    if user.has_perm("complaints.view_all_complaints"):
        return Customer.objects.all()
    visible = complaints_visible_to(user=user).filter(customer=OuterRef("pk"))
    return Customer.objects.filter(Exists(visible))


def customer_search(customers: QuerySet[Customer], *, text: str) -> QuerySet[Customer]:
    """A phone number or e-mail address matches exactly (indexed); other text matches the name."""
    text = (text or "").strip()
    if not text:
        return customers
    contact = customer_contact_lookup(text)
    if contact is not None:
        return customers.filter(**contact)
    return customers.filter(name__icontains=text)
