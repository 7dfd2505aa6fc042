"""Repeat and duplicate complaints (issue 18 §4): the cases a new complaint may repeat, the cases
linked to one, and whether a customer is a repeat complainant.

Possible duplicates are the cases of the same customer (the phone in its E.164 form, the e-mail
in lower case: the forms every door stores) or with the same order or receipt number (any letter
case) that are open, or ended at most COMPLAINTS_DUPLICATE_WINDOW_DAYS days ago. Cases already
merged into another are left out: their survivor is what to link to. Each branch reads its own
index (customer_unique_phone / customer_email_idx, then each customer's cases newest first on
complaint_customer_recv_idx; complaint_order_ref_idx) and stops after the page, the branches
joined by UNION ALL: tested with EXPLAIN on PostgreSQL, measured by bench/duplicates.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, Q, Value
from django.utils import timezone

from accounts.models import User
from complaints.domain.contact_details import normalize_email
from complaints.domain.contact_details import normalize_phone as _normalize_phone
from complaints.errors import InvalidInput
from complaints.models import (
    OPEN_STATES,
    CaseLink,
    Complaint,
    Customer,
    RejectionReason,
    State,
)
from complaints.selectors.access import complaints_visible_to


def duplicate_window_start(now: datetime | None = None) -> datetime:
    """The earliest end of a case that still counts as recent (open cases always count)."""
    return (now or timezone.now()) - timedelta(days=settings.COMPLAINTS_DUPLICATE_WINDOW_DAYS)


def recent_or_open() -> Q:
    """Open, or ended within the duplicate window (a Q on Complaint)."""
    since = duplicate_window_start()
    return (
        Q(state__in=OPEN_STATES)
        | Q(state=State.CLOSED, closed_at__gte=since)
        | Q(state=State.WITHDRAWN, withdrawn_at__gte=since)
        | Q(state=State.REJECTED, rejected_at__gte=since)
    )


def normalize_order_ref(raw: str) -> str:
    """As complaint_create stores it: without the spaces around it."""
    return (raw or "").strip()


def _phone(raw: str) -> str:
    try:
        return _normalize_phone(raw)
    except InvalidInput:  # half-typed or not a number: it matches nobody
        return ""


def possible_duplicates(
    *,
    user: User,
    phone: str = "",
    email: str = "",
    order_ref: str = "",
    exclude: Complaint | None = None,
    limit: int = 10,
) -> list[Complaint]:
    """The cases `user` may read that a complaint from this phone / e-mail / order number may
    repeat (see the module's note), newest first, at most `limit`.

    Each carries `same_order` (True: the order number matched; else the customer did) and its
    customer. `exclude`: the case asked about, and the cases already linked to it, are left out.
    Two queries (the customers by phone / e-mail, then the cases); one with an order number only.
    """
    phone = _phone(phone)
    email = normalize_email(email)
    order_ref = normalize_order_ref(order_ref)
    branches: list[Q] = []
    if phone or email:
        people = Q(phone=phone) if phone else Q(pk__in=[])
        if email:
            people |= Q(email=email)
        # Read first, apart: as a sub-select inside the cases' query it would be a filter over
        # every case; by id, each customer's cases are read newest first on their index.
        customer_ids = list(Customer.objects.filter(people).values_list("pk", flat=True))
        branches += [Q(customer_id=pk) for pk in customer_ids]
    if order_ref:
        branches.append(Q(order_ref__iexact=order_ref))
    if not branches:
        return []
    found = (
        complaints_visible_to(user=user)
        .filter(recent_or_open())
        .exclude(state=State.REJECTED, rejection_reason=RejectionReason.DUPLICATE)
    )
    if exclude is not None:
        found = (
            found.exclude(pk=exclude.pk)
            .exclude(pk__in=CaseLink.objects.filter(from_complaint=exclude).values("to_complaint"))
            .exclude(pk__in=CaseLink.objects.filter(to_complaint=exclude).values("from_complaint"))
        )
    same_order = (
        ExpressionWrapper(Q(order_ref__iexact=order_ref), output_field=BooleanField())
        if order_ref
        else Value(False)
    )
    newest = [
        found.filter(branch)
        .annotate(same_order=same_order)
        .select_related("customer")
        .order_by("-received_at", "-pk")[:limit]
        for branch in branches
    ]
    if len(newest) == 1:
        return list(newest[0])
    # Each branch newest first, stopping after `limit` (an OR of them read every case of the
    # customer: thousands behind a switchboard's number), then the newest of all; a case found
    # both ways comes twice and is kept once.
    unique: dict[int, Complaint] = {}
    for row in newest[0].union(*newest[1:], all=True).order_by("-received_at", "-pk"):
        unique.setdefault(row.pk, row)
    return list(unique.values())[:limit]


def possible_duplicates_of(*, user: User, complaint: Complaint, limit: int = 10) -> list[Complaint]:
    """The possible duplicates of an existing case: by its customer's phone and e-mail and its
    order number, itself and the cases already linked to it left out."""
    customer = complaint.customer
    return possible_duplicates(
        user=user,
        phone=customer.phone,
        email=customer.email,
        order_ref=complaint.order_ref,
        exclude=complaint,
        limit=limit,
    )


@dataclass(frozen=True)
class LinkedCase:
    """A case linked to the one being read: how (CaseLink.Kind), and which way a merge went."""

    complaint: Complaint
    kind: str
    # duplicate links only: True when the other case was merged into this one.
    merged_here: bool
    at: datetime


def linked_cases(*, user: User, complaint: Complaint) -> list[LinkedCase]:
    """The cases linked to `complaint` that `user` may read, oldest link first; two queries."""
    links = list(
        CaseLink.objects.filter(Q(from_complaint=complaint) | Q(to_complaint=complaint)).order_by(
            "at", "id"
        )
    )
    if not links:
        return []
    others = {
        link.to_complaint_id if link.from_complaint_id == complaint.pk else link.from_complaint_id
        for link in links
    }
    visible = {c.pk: c for c in complaints_visible_to(user=user).filter(pk__in=others)}
    found: list[LinkedCase] = []
    for link in links:
        other_id = (
            link.to_complaint_id
            if link.from_complaint_id == complaint.pk
            else link.from_complaint_id
        )
        if other_id in visible:
            found.append(
                LinkedCase(
                    complaint=visible[other_id],
                    kind=link.kind,
                    merged_here=link.kind == CaseLink.Kind.DUPLICATE
                    and link.to_complaint_id == complaint.pk,
                    at=link.at,
                )
            )
    return found


def merged_into(complaint: Complaint) -> Complaint | None:
    """The case this one was merged into, if it was."""
    link = (
        CaseLink.objects.filter(from_complaint=complaint, kind=CaseLink.Kind.DUPLICATE)
        .select_related("to_complaint")
        .first()
    )
    return link.to_complaint if link is not None else None


@dataclass(frozen=True)
class RepeatStanding:
    """A customer's complaints received in the repeat window and their average satisfaction."""

    complaints: int
    average_satisfaction: float | None
    threshold: int
    days: int

    @property
    def is_repeat(self) -> bool:
        return self.complaints > self.threshold


def repeat_window_start(
    now: datetime | None = None, *, days: int | None = None, tz: ZoneInfo | None = None
) -> datetime:
    """The start of the repeat window, the one rule for "repeat complainant" (this mark and the
    dashboard's list): local midnight `days` - 1 days before today (today included); `days`
    defaults to REPORTS_REPEAT_WINDOW_DAYS, the zone to TIME_ZONE."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(now or timezone.now(), tz).date()
    first = today - timedelta(days=(days or settings.REPORTS_REPEAT_WINDOW_DAYS) - 1)
    return datetime(first.year, first.month, first.day, tzinfo=tz)


def customer_repeat_standing(*, customer_id: int, now: datetime | None = None) -> RepeatStanding:
    """Whether the customer is a repeat complainant, by the dashboard's one rule: more than
    REPORTS_REPEAT_MIN_COMPLAINTS complaints received in the last REPORTS_REPEAT_WINDOW_DAYS
    local days. All their complaints count (the mark is about the customer, whoever handles the
    cases); satisfaction is the average of every follow-up visit that reached them. One query.
    """
    since = repeat_window_start(now)
    figures = Complaint.objects.filter(customer_id=customer_id).aggregate(
        n=Count("pk", distinct=True, filter=Q(received_at__gte=since)),
        average=Avg(
            "follow_ups__satisfaction",
            filter=Q(follow_ups__reached=True, follow_ups__satisfaction__isnull=False),
        ),
    )
    return RepeatStanding(
        complaints=figures["n"] or 0,
        average_satisfaction=figures["average"],
        threshold=settings.REPORTS_REPEAT_MIN_COMPLAINTS,
        days=settings.REPORTS_REPEAT_WINDOW_DAYS,
    )
