"""People's requests about their data (complaints.services.rights): the list, one request, what
its person has with us, and the rows of their export."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.errors import NotFound
from complaints.models import (
    OPEN_STATES,
    Agreement,
    AgreementPayment,
    Complaint,
    Customer,
    CustomerContact,
    Decision,
    EvidenceFile,
    FollowUp,
    InboundEmail,
    RightsRequest,
)

# The list's tabs: open ones (the work, by due date), the answered ones, everything.
LIST_OPEN, LIST_DONE, LIST_ALL = "open", "done", "all"
LIST_FILTERS = (LIST_OPEN, LIST_DONE, LIST_ALL)


def rights_requests_list(*, show: str = LIST_OPEN) -> QuerySet[RightsRequest]:
    """The requests of one tab with the people named on the rows; open ones due first
    (rightsrequest_status_due_idx), the others newest first."""
    requests = RightsRequest.objects.select_related("handled_by__department")
    if show == LIST_OPEN:
        return requests.filter(status=RightsRequest.Status.OPEN).order_by("due_at", "id")
    if show == LIST_DONE:
        requests = requests.exclude(status=RightsRequest.Status.OPEN)
    return requests.order_by("-received_at", "-id")


def rights_requests_open_counts(*, now: datetime | None = None) -> dict[str, int]:
    """How many are open and how many of those overdue (one query)."""
    now = now or timezone.now()
    return RightsRequest.objects.filter(status=RightsRequest.Status.OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now))
    )


def rights_request_get(*, pk: int) -> RightsRequest:
    found = (
        RightsRequest.objects.select_related("recorded_by__department", "handled_by__department")
        .prefetch_related(Prefetch("customers", queryset=Customer.objects.order_by("pk")))
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such request."))
    return found


@dataclass(frozen=True)
class CaseFacts:
    """One complaint of the person, as the request's page and the erasure check need it."""

    pk: int
    reference: str
    state: str
    legal_hold: bool
    anonymised: bool

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def rights_subject_cases(*, customer_ids: list[int]) -> list[CaseFacts]:
    """The complaints of these customer records, oldest first (one query)."""
    rows = (
        Complaint.objects.filter(customer_id__in=customer_ids)
        .order_by("received_at", "pk")
        .values_list("pk", "reference", "state", "legal_hold", "anonymised_at")
    )
    return [
        CaseFacts(pk, reference, state, hold, anonymised_at is not None)
        for pk, reference, state, hold, anonymised_at in rows
    ]


def rights_export_complaints(
    *, customer_ids: list[int], chunk_size: int = 50
) -> Iterator[Complaint]:
    """The person's complaints with what their export shows, read in chunks (memory stays flat
    whatever their number): approved decisions, the agreements they signed with what was paid
    them, contacts with the e-mails sent, follow-ups, evidence and the consent of a complaint sent from the customers' page."""
    complaints: Iterator[Complaint] = (
        Complaint.objects.filter(customer_id__in=customer_ids)
        .select_related("category", "public_submission")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(state=Decision.Status.APPROVED).order_by(
                    "approved_at", "pk"
                ),
            ),
            Prefetch(
                "contacts",
                queryset=CustomerContact.objects.select_related("email").order_by("at", "pk"),
            ),
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("at", "pk")),
            Prefetch("evidence", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk")),
            Prefetch(
                "agreements",
                queryset=Agreement.objects.order_by("signed_on", "pk").prefetch_related(
                    Prefetch(
                        "payments", queryset=AgreementPayment.objects.order_by("paid_on", "pk")
                    )
                ),
            ),
        )
        .order_by("received_at", "pk")
        .iterator(chunk_size=chunk_size)
    )
    return complaints


def rights_export_files(*, customer_ids: list[int]) -> Iterator[tuple[int, str, str, str]]:
    """(evidence id, complaint reference, original name, stored name) of every file the person's
    complaints still hold."""
    return (
        EvidenceFile.objects.filter(complaint__customer_id__in=customer_ids)
        .exclude(file="")
        .order_by("complaint__received_at", "uploaded_at", "pk")
        .values_list("pk", "complaint__reference", "original_name", "file")
        .iterator(chunk_size=500)
    )


def rights_export_received_emails(*, addresses: set[str]) -> QuerySet[InboundEmail]:
    """The e-mails received from these addresses that became no case (ignored, or could not be
    handled), oldest first; those that became a case are in its data already."""
    match = Q(pk__in=[])
    for address in {a.strip() for a in addresses if a and a.strip()}:
        match |= Q(sender__iexact=address)
    return (
        InboundEmail.objects.filter(match, complaint__isnull=True)
        .select_related("mailbox")
        .order_by("received_at", "pk")
    )
