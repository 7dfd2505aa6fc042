"""What the customers' pages read: a case found by its signed link or by reference and contact,
and what its tracking page shows. Only customer-visible timeline entries ever leave here."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.errors import InvalidInput
from complaints.models import CaseEvent, Complaint, CustomerText, FollowUp, FollowUpMethod, State
from sla.models import Clock, PauseReason, Stage

# Compared against when no complaint has the reference, so that an unknown reference costs the
# same work as a known one with the wrong contact.
_NOBODY = "\x00unknown\x00"


# What the tracking page reads of the case and its customer. A whole row is some sixty columns
# of two tables: building and reading them was a third of the page's time, for eight values.
TRACKING_PAGE_FIELDS = (
    "reference",
    "public_token",
    "subject",
    "state",
    "reopen_count",
    "customer__phone",
    "customer__email",
)


def complaint_for_link(*, public_token: str, fields: Sequence[str] = ()) -> Complaint | None:
    """The case a genuine signed link names (None: no such case any more); only `fields` of it
    (and of its customer) when given, for a page that reads nothing else."""
    cases = Complaint.objects.select_related("customer").filter(public_token=public_token)
    if fields:
        cases = cases.only(*fields)
    # The token is unique: no ORDER BY as first() would add. Annotated: under Python 3.11 mypy
    # reads django-fsm's mixin, and so Complaint.objects, as Any.
    complaint: Complaint | None = next(iter(cases[:1]), None)
    return complaint


def complaint_for_contact(*, reference: str, contact: str) -> Complaint | None:
    """The case with this reference, if `contact` is the phone or e-mail its customer gave.

    None alike for an unknown reference and for a wrong contact (one query either way, the
    comparison in constant time). Raises InvalidInput for a contact that is neither a phone
    number nor an e-mail address (whatever the reference).
    """
    contact = (contact or "").strip()
    if "@" in contact:
        given, field = normalize_email(contact), "email"
    else:
        try:
            given, field = normalize_phone(contact), "phone"
        except InvalidInput as error:
            raise InvalidInput({"contact": error.fields["phone"]}) from error
    if not given:
        raise InvalidInput({"contact": []})
    complaint = (
        Complaint.objects.select_related("customer")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )
    on_file = getattr(complaint.customer, field) if complaint is not None else ""
    matches = hmac.compare_digest((on_file or _NOBODY).encode(), given.encode())
    return complaint if complaint is not None and matches else None


def survey_is_open(complaint: Complaint, *, handling_round: int | None = None) -> bool:
    """Whether the customer can answer the survey now (for the round their link carries)."""
    if complaint.state != State.FOLLOW_UP:
        return False
    if handling_round is not None and handling_round != complaint.reopen_count:
        return False
    return not web_survey_answered(complaint, handling_round=complaint.reopen_count)


def web_survey_answered(complaint: Complaint, *, handling_round: int) -> FollowUp | None:
    """The customer's own survey answer of that handling round, if they gave one."""
    return (
        FollowUp.objects.filter(
            complaint=complaint, round=handling_round, method=FollowUpMethod.WEB
        )
        .order_by("at", "id")
        .first()
    )


@dataclass(frozen=True)
class Promise:
    """A deadline promised to the customer: when it is due, and when it was met."""

    stage: str
    due_at: object
    met_at: object
    waiting_on_customer: bool
    stopped: bool


@dataclass(frozen=True)
class Tracking:
    complaint: Complaint
    events: list[CaseEvent]
    promises: dict[str, Promise]
    waiting_on_customer: bool
    survey_open: bool


def tracking_for(*, complaint: Complaint) -> Tracking:
    """What the tracking page shows: customer-visible entries (oldest first), the first-response
    and decision deadlines of the latest round, whether the case waits on the customer, and
    whether the survey awaits their answer. Two queries (three in follow-up)."""
    events = list(
        CaseEvent.objects.filter(complaint=complaint, customer_visible=True).order_by("at", "id")
    )
    # Every clock of the case at once (a few per handling round): the promised ones, and those
    # paused until the customer answers.
    clocks = list(
        Clock.objects.filter(complaint=complaint)
        .only("stage", "due_at", "met_at", "cancelled_at", "paused_at", "pause_reason")
        .order_by("round", "id")
    )
    waiting_ids = {
        clock.pk
        for clock in clocks
        if clock.paused_at is not None
        and clock.pause_reason == PauseReason.WAITING_CUSTOMER
        and clock.met_at is None
        and clock.cancelled_at is None
    }
    promises: dict[str, Promise] = {}
    for clock in clocks:  # the latest round's clock of a stage wins
        if clock.stage not in (Stage.FIRST_RESPONSE, Stage.DECISION):
            continue
        promises[clock.stage] = Promise(
            stage=clock.stage,
            due_at=clock.due_at,
            met_at=clock.met_at,
            waiting_on_customer=clock.pk in waiting_ids,
            stopped=clock.cancelled_at is not None and clock.met_at is None,
        )
    return Tracking(
        complaint=complaint,
        events=events,
        promises=promises,
        waiting_on_customer=bool(waiting_ids) and complaint.is_open,
        survey_open=survey_is_open(complaint),
    )


def text_for_link(*, code: str) -> CustomerText | None:
    """The text a short link (/complaint/m/<code>/) came in, with its case; None: no such text,
    or one older than a signed link may be (COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS)."""
    oldest = timezone.now() - timedelta(days=int(settings.COMPLAINTS_PUBLIC_LINK_MAX_AGE_DAYS))
    return (
        CustomerText.objects.select_related("complaint")
        .filter(link_code=code, created_at__gte=oldest)
        .only("kind", "created_at", "complaint__public_token", "complaint__reopen_count")
        .first()
    )
