"""Retention and anonymisation (个人信息保护法, issue 15 §3): the one place personal data leaves a
case. The nightly job (retention_sweep → retention_anonymise_batch) and a person's erasure request
(complaints.services.rights) both end in `complaints_anonymise`.

What goes: the customer's name, phone, e-mail, address and note (once no case of theirs still
holds data: a customer shared with a recent case keeps what that case needs); every free text of
the case (subject, description, expected resolution, findings, order reference, decisions'
rationale and root cause, approvers' comments, contact summaries, follow-up comments, handoff
notes, deadline-pause notes, the notes of agreements and payments, quality referrals' problem
and their answers' notes, the timeline's comments and texts, the e-mails to the customer and
the staff notifications about the case); evidence files, deleted from storage (a file another
case still holds is kept for it), with their names, descriptions and checksums.

What stays, for statistics and the audit: the reference, category, channel, severity, region,
product, department and people, every date and stage, deadlines and escalations, amounts claimed
and decided, agreements and payments (amounts, days, methods, references), quality referrals'
products, suppliers and answers (without their words), remedies and outcomes, satisfaction
scores, evidence kinds and sizes, and the timeline's structure (who did what when, without the
words).

Safe to run twice or concurrently: each batch locks its cases and re-checks them (ended, past the
period, not on legal hold, not yet anonymised) under the lock, so a second run finds nothing.
Files are deleted inside the transaction, after the rows are written: a failed commit leaves a
case with data and without some files, which the next run finishes, never a file nobody refers to.

Received e-mails that became no case (ignored: automatic replies, bounces, list mail, loops; or
could not be handled) follow their own period, COMPLAINTS_INBOUND_MAIL_LOG_DAYS from when they were
read (`inbound_mail_log_forget`, the same nightly job): sender, subject, error text and refused
attachments go, with the "e-mail not handled" notifications about them; the message's id (read
once, ever), the outcome, reason, error code and times stay. A message linked to a case follows the
case. A person's erasure clears every message from their addresses (`inbound_mail_forget_senders`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import CharField, F, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from accounts.models import AuditEntry, User
from accounts.services import audit_record
from complaints.domain.retention import parse_retention_period
from complaints.models import (
    FINAL_STATES,
    RETENTION_CLOCKS,
    Agreement,
    AgreementPayment,
    CaseEvent,
    Complaint,
    Customer,
    CustomerContact,
    CustomerEmail,
    CustomerText,
    Decision,
    DecisionApproval,
    EvidenceFile,
    FollowUp,
    Handoff,
    InboundEmail,
    Notification,
    QualityAnswer,
    QualityReferral,
)
from complaints.selectors.retention import retention_due_ids
from complaints.services.mailbox_failures import inbound_failure_key_of
from complaints.timeline import events_redact, new_event, record_events
from sla.models import ClockPause

logger = logging.getLogger(__name__)

# Why a case was anonymised (the timeline entry's and the audit entry's `cause`).
CAUSE_RETENTION = "retention"
CAUSE_ERASURE = "erasure"


@dataclass
class AnonymisedSummary:
    """What one call removed."""

    references: list[str] = field(default_factory=list)
    customers: int = 0
    files_deleted: int = 0
    events_redacted: int = 0

    @property
    def complaints(self) -> int:
        return len(self.references)

    def as_details(self) -> dict[str, object]:
        return {
            "complaints": self.references,
            "customers": self.customers,
            "files_deleted": self.files_deleted,
            "events_redacted": self.events_redacted,
        }


def retention_cutoffs(*, now: datetime) -> dict[str, datetime]:
    """Final state → the end time on or before which such a case is due, per
    settings.COMPLAINTS_RETENTION (states set to `never` are left out)."""
    local_now = timezone.localtime(now)
    cutoffs: dict[str, datetime] = {}
    for state in RETENTION_CLOCKS:
        period = parse_retention_period(settings.COMPLAINTS_RETENTION.get(state, "never"))
        if period is not None:
            cutoffs[state] = period.cutoff(local_now)
    return cutoffs


def _due(cutoffs: dict[str, datetime]) -> Q:
    """The cases past their period, by the way they ended (nothing when every period is never)."""
    condition = Q(pk__in=[])
    for state, cutoff in cutoffs.items():
        condition |= Q(state=state, **{f"{RETENTION_CLOCKS[state]}__lte": cutoff})
    return condition


def retention_sweep(
    *,
    enqueue: Callable[[list[int]], object],
    now: datetime | None = None,
    batch_size: int | None = None,
    max_batches: int | None = None,
) -> int:
    """The nightly scan: the ids of the cases past their retention period, passed to `enqueue` in
    batches (each batch is one `retention_anonymise_batch`); returns how many were queued. What
    one night cannot take waits for the next."""
    batch_size = batch_size or settings.COMPLAINTS_RETENTION_BATCH_SIZE
    max_batches = max_batches or settings.COMPLAINTS_RETENTION_MAX_BATCHES
    cutoffs = retention_cutoffs(now=now or timezone.now())
    ids = retention_due_ids(cutoffs=cutoffs, limit=batch_size * max_batches)
    for start in range(0, len(ids), batch_size):
        enqueue(ids[start : start + batch_size])
    return len(ids)


def retention_anonymise_batch(
    *, complaint_ids: Sequence[int], now: datetime | None = None
) -> AnonymisedSummary:
    """Anonymise those of `complaint_ids` still past their period (the retention job's batch)."""
    now = now or timezone.now()
    return complaints_anonymise(
        complaint_ids=complaint_ids,
        actor=None,
        cause=CAUSE_RETENTION,
        only=_due(retention_cutoffs(now=now)),
        now=now,
    )


# A received e-mail still holding something personal (refused attachments only come with a
# sender: they are cleared along).
_MAIL_HOLDS_DATA = ~Q(sender="", subject="", error="")


def inbound_mail_log_forget(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Clear the received e-mails without a case read more than COMPLAINTS_INBOUND_MAIL_LOG_DAYS
    ago, one transaction per batch of COMPLAINTS_RETENTION_BATCH_SIZE (nightly, with the retention
    job); returns how many. A second run finds nothing: cleared rows hold nothing to clear."""
    now = now or timezone.now()
    batch_size = batch_size or settings.COMPLAINTS_RETENTION_BATCH_SIZE
    cutoff = now - timedelta(days=settings.COMPLAINTS_INBOUND_MAIL_LOG_DAYS)
    due = InboundEmail.objects.filter(
        _MAIL_HOLDS_DATA, complaint__isnull=True, received_at__lt=cutoff
    )
    cleared = 0
    while True:
        with transaction.atomic():
            # Rows another run holds are left to it: two runs at once clear each row once.
            ids = list(
                due.select_for_update(skip_locked=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                break
            cleared += _inbound_mail_clear(InboundEmail.objects.filter(pk__in=ids))
    if cleared:
        logger.info("Cleared %d received e-mails without a case past their period", cleared)
    return cleared


def inbound_mail_forget_senders(addresses: set[str]) -> int:
    """Clear every received e-mail from these addresses, with or without a case (a person's
    erasure, inside its transaction); returns how many."""
    match = Q(pk__in=[])
    for address in {a.strip() for a in addresses if a and a.strip()}:
        match |= Q(sender__iexact=address)
    rows = InboundEmail.objects.filter(match).filter(_MAIL_HOLDS_DATA | ~Q(refused_files=[]))
    ids = list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))
    return _inbound_mail_clear(InboundEmail.objects.filter(pk__in=ids)) if ids else 0


def _inbound_mail_clear(rows: QuerySet[InboundEmail]) -> int:
    """Blank these rows' personal parts and delete the notifications that repeat them (as for a
    case's notifications); the message id stays, so a message delivered again is still not read."""
    keys = [inbound_failure_key_of(pk) for pk in rows.values_list("pk", flat=True)]
    Notification.objects.filter(kind=Notification.Kind.MAIL_FAILED, key__in=keys).delete()
    return rows.update(sender="", subject="", error="", refused_files=[])


@transaction.atomic
def complaints_anonymise(
    *,
    complaint_ids: Sequence[int],
    actor: User | None,
    cause: str,
    only: Q | None = None,
    now: datetime | None = None,
    data: dict[str, object] | None = None,
) -> AnonymisedSummary:
    """Remove the personal data of the given cases (see the module's docstring); returns what it
    removed. Cases still open, on legal hold or already anonymised are skipped, whoever asks;
    `only` narrows further (the retention period). `actor` None: the system. `data` goes into the
    timeline and audit entries (the erasure request's id)."""
    now = now or timezone.now()
    eligible = Complaint.objects.filter(
        pk__in=list(complaint_ids),
        state__in=FINAL_STATES,
        anonymised_at__isnull=True,
        legal_hold=False,
    )
    if only is not None:
        eligible = eligible.filter(only)
    # In id order: two batches sharing cases lock them in the same order.
    locked = list(
        eligible.select_for_update().order_by("pk").only("pk", "reference", "customer_id")
    )
    summary = AnonymisedSummary()
    if not locked:
        return summary
    ids = [complaint.pk for complaint in locked]
    summary.references = [complaint.reference for complaint in locked]
    extra = data or {}

    Complaint.objects.filter(pk__in=ids).update(
        subject="",
        description="",
        expected_resolution="",
        findings="",
        order_ref="",
        legal_hold_reason="",
        # Unique and new: every tracking or survey link ever sent for the case stops working.
        public_token=Concat(Value("anonymised-"), Cast("pk", CharField())),
        anonymised_at=now,
        version=F("version") + 1,
    )
    Decision.objects.filter(complaint_id__in=ids).update(rationale="", root_cause="")
    DecisionApproval.objects.filter(decision__complaint_id__in=ids).update(comment="")
    CustomerContact.objects.filter(complaint_id__in=ids).update(summary="")
    # The message's id stays (it is read once, even after this); who sent it and what about go.
    InboundEmail.objects.filter(complaint_id__in=ids).update(
        sender="", subject="", refused_files=[]
    )
    emails = CustomerEmail.objects.filter(contact__complaint_id__in=ids)
    # One never sent has nothing to prove and must not go out with an empty address.
    emails.filter(emailed_at__isnull=True).delete()
    emails.update(to="", subject="", body="", body_html="")
    texts = CustomerText.objects.filter(complaint_id__in=ids)
    # Likewise a text that never went; one that went keeps its row (the contact's), not the number.
    texts.exclude(status=CustomerText.Status.SENT).delete()
    texts.update(to="", params={})
    FollowUp.objects.filter(complaint_id__in=ids).update(comment="")
    Handoff.objects.filter(complaint_id__in=ids).update(note="")
    ClockPause.objects.filter(clock__complaint_id__in=ids).update(note="")
    Agreement.objects.filter(complaint_id__in=ids).update(note="")
    AgreementPayment.objects.filter(agreement__complaint_id__in=ids).update(note="")
    QualityReferral.objects.filter(complaint_id__in=ids).update(problem="")
    QualityAnswer.objects.filter(referral__complaint_id__in=ids).update(notes="")
    Notification.objects.filter(complaint_id__in=ids).delete()
    summary.events_redacted = events_redact(complaint_ids=ids)
    stored = _evidence_forget(ids)
    summary.customers = customers_anonymise({c.customer_id for c in locked}, now=now)

    record_events(
        events=[
            new_event(
                complaint=complaint,
                kind=CaseEvent.Kind.ANONYMISED,
                actor=actor,
                at=now,
                data={"cause": cause, **extra},
            )
            for complaint in locked
        ]
    )
    # Last: any error above rolls everything back with every file still in place.
    summary.files_deleted = _files_delete(stored)
    audit_record(
        actor,
        AuditEntry.Action.ANONYMISED,
        _references_label(summary.references),
        {"cause": cause, **extra, **summary.as_details()},
    )
    return summary


def _references_label(references: list[str]) -> str:
    """The audit entry's target: the references, as many as fit (the details hold them all)."""
    label = ", ".join(references)
    return label if len(label) <= 200 else label[:196].rsplit(",", 1)[0] + ", …"


def _evidence_forget(ids: list[int]) -> set[str]:
    """Blank the cases' evidence rows (kind, type, size and time stay); returns the stored names
    of the files no other case refers to, for `_files_delete`."""
    rows = EvidenceFile.objects.filter(complaint_id__in=ids)
    names = set(rows.exclude(file="").values_list("file", flat=True))
    # Files are stored once per content (named by checksum): another case may hold the same one.
    shared = set(
        EvidenceFile.objects.filter(file__in=names)
        .exclude(complaint_id__in=ids)
        .values_list("file", flat=True)
    )
    rows.update(file="", original_name="", description="", sha256="")
    return names - shared


def _files_delete(names: set[str]) -> int:
    deleted = 0
    for name in sorted(names):
        try:
            default_storage.delete(name)
        except FileNotFoundError:
            continue
        deleted += 1
    return deleted


def customers_anonymise(customer_ids: set[int], *, now: datetime) -> int:
    """Blank the customers none of whose complaints holds personal data any more (a customer with
    a case still open or within its period keeps their details: that case needs them)."""
    # Locked in id order, after the complaints: a concurrent intake that attaches a new case to
    # one of them either committed first (and is seen below) or waits and finds them blanked.
    list(Customer.objects.select_for_update().filter(pk__in=customer_ids).order_by("pk"))
    still_needed = set(
        Complaint.objects.filter(customer_id__in=customer_ids, anonymised_at__isnull=True)
        .values_list("customer_id", flat=True)
        .distinct()
    )
    return Customer.objects.filter(
        pk__in=customer_ids - still_needed, anonymised_at__isnull=True
    ).update(
        name="",
        phone="",
        email="",
        address="",
        note="",
        language="",
        anonymised_at=now,
    )
