"""Repeat and duplicate complaints (issue 18 §4): link two cases as related, or merge a duplicate
into the case that goes on.

A merge is one transaction: both rows locked in id order; the link stored; the duplicate's
evidence files and customer messages (its description and the customer's inbound contacts)
copied to the survivor, which gets one timeline entry naming what came from where; then the
duplicate ends through the one transition runner as rejected with the ground `duplicate` (its
clocks stop as for any rejection) and the customer is told the one reference to follow, in their
language, by e-mail or else by text (complaints.services.transitions._after_reject). Nothing of
either case's timeline or evidence is changed or lost: the duplicate keeps all of its own, and
the survivor's entry points to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User
from accounts.services import audit_record
from complaints.errors import Conflict, InvalidInput
from complaints.models import (
    OPEN_STATES,
    CaseEvent,
    CaseLink,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerContact,
    EvidenceFile,
    RejectionReason,
    State,
)
from complaints.selectors.duplicates import duplicate_window_start
from complaints.services.common import ensure_role_may, ensure_workable
from complaints.services.transitions import complaint_transition
from complaints.timeline import record_event

# Linking is work on both cases: whoever receives, triages or investigates them.
LINK_NEEDS = ("receive_complaint", "triage_complaint", "investigate_complaint")
# A merge ends the duplicate as not accepted (不予受理, ground: duplicate): the reject transition's
# permission, checked again by the runner.
MERGE_NEEDS = ("reject_complaint",)
# The duplicate ends through the reject transition, which starts from these states only; a case
# further on is linked as related instead.
MERGEABLE_STATES = (State.INTAKE, State.TRIAGE)


def _lock_both(first: Complaint, second: Complaint) -> tuple[Complaint, Complaint]:
    """Lock both rows in id order (two merges of the same pair the other way round wait, never
    deadlock); returns fresh copies in the order asked."""
    rows = {
        row.pk: row
        for row in Complaint.objects.select_for_update()
        .select_related("customer")
        .filter(pk__in=[first.pk, second.pk])
        .order_by("pk")
    }
    return rows[first.pk], rows[second.pk]


def _ensure_pair(
    *, actor: User, complaint: Complaint, other: Complaint, needs: tuple[str, ...]
) -> None:
    if complaint.pk == other.pk:
        raise InvalidInput({"other": [_("A complaint cannot be linked to itself.")]})
    ensure_role_may(actor=actor, perms=needs)
    ensure_workable(actor=actor, complaint=complaint)
    ensure_workable(actor=actor, complaint=other)


def _already_linked(a: Complaint, b: Complaint) -> bool:
    return CaseLink.objects.filter(
        Q(from_complaint=a, to_complaint=b) | Q(from_complaint=b, to_complaint=a)
    ).exists()


def complaint_link_related(
    *, actor: User, complaint: Complaint, other: Complaint, comment: str = ""
) -> CaseLink:
    """Link two cases as related (both go on); shown and recorded on both timelines."""
    _ensure_pair(actor=actor, complaint=complaint, other=other, needs=LINK_NEEDS)
    with transaction.atomic():
        locked, locked_other = _lock_both(complaint, other)
        if _already_linked(locked, locked_other):
            raise InvalidInput({"other": [_("These complaints are already linked.")]})
        at = timezone.now()
        low, high = sorted([locked, locked_other], key=lambda case: case.pk)
        link = CaseLink.objects.create(
            from_complaint=low, to_complaint=high, kind=CaseLink.Kind.RELATED, by=actor, at=at
        )
        for case, partner in ((locked, locked_other), (locked_other, locked)):
            record_event(
                complaint=case,
                kind=CaseEvent.Kind.LINKED,
                actor=actor,
                at=at,
                comment=comment.strip(),
                data={"other": partner.reference, "other_id": partner.pk, "link": link.kind},
            )
        audit_record(
            actor,
            AuditEntry.Action.COMPLAINTS_LINKED,
            locked,
            {"complaint": locked.reference, "other": locked_other.reference},
        )
    return link


@dataclass(frozen=True)
class MergeResult:
    duplicate: Complaint
    survivor: Complaint
    link: CaseLink
    evidence_copied: int
    messages_copied: int


def _ensure_mergeable(
    *, duplicate: Complaint, survivor: Complaint, confirm_other_customer: bool
) -> None:
    if duplicate.state not in MERGEABLE_STATES:
        raise InvalidInput(
            {
                "duplicate": [
                    _(
                        "Only a complaint at intake or triage can be merged as a duplicate; link "
                        "this one as related instead."
                    )
                ]
            }
        )
    if survivor.state == State.REJECTED and survivor.rejection_reason == RejectionReason.DUPLICATE:
        raise InvalidInput(
            {"survivor": [_("That complaint was itself merged into another: merge into that one.")]}
        )
    if survivor.state not in OPEN_STATES:
        ended = survivor.closed_at or survivor.rejected_at or survivor.withdrawn_at
        if survivor.anonymised_at is not None or ended is None or ended < duplicate_window_start():
            raise InvalidInput(
                {"survivor": [_("That complaint ended too long ago to merge into it.")]}
            )
    if survivor.customer_id != duplicate.customer_id and not confirm_other_customer:
        raise InvalidInput(
            {
                "confirm_other_customer": [
                    _(
                        "The two complaints are from different customers: confirm that they are "
                        "the same matter."
                    )
                ]
            }
        )


def _copy_evidence(*, duplicate: Complaint, survivor: Complaint) -> list[tuple[int, int]]:
    """New rows on the survivor for the duplicate's files (stored once per content: the same
    file, now held by both; retention deletes a file only when no case holds it any more)."""
    originals = list(
        EvidenceFile.objects.filter(complaint=duplicate).exclude(file="").order_by("pk")
    )
    copies = EvidenceFile.objects.bulk_create(
        [
            EvidenceFile(
                complaint=survivor,
                kind=original.kind,
                file=original.file.name,
                original_name=original.original_name,
                content_type=original.content_type,
                size=original.size,
                sha256=original.sha256,
                description=original.description,
                uploaded_by=original.uploaded_by,
                uploaded_at=original.uploaded_at,
            )
            for original in originals
        ]
    )
    return [(original.pk, copy.pk) for original, copy in zip(originals, copies, strict=True)]


def _copy_messages(*, duplicate: Complaint, survivor: Complaint) -> list[int]:
    """What the customer told us in the duplicate, as inbound contacts on the survivor: its
    description first, then every inbound contact (never counted as a response: inbound)."""
    rows = [
        CustomerContact(
            complaint=survivor,
            channel=duplicate.channel,
            direction=ContactDirection.INBOUND,
            purpose=ContactPurpose.GENERAL,
            summary=f"[{duplicate.reference}] {duplicate.subject}\n\n{duplicate.description}",
            by=duplicate.received_by,
            at=duplicate.received_at,
        )
    ]
    rows += [
        CustomerContact(
            complaint=survivor,
            channel=contact.channel,
            direction=contact.direction,
            purpose=contact.purpose,
            summary=f"[{duplicate.reference}] {contact.summary}",
            by=contact.by,
            at=contact.at,
        )
        for contact in CustomerContact.objects.filter(
            complaint=duplicate, direction=ContactDirection.INBOUND
        ).order_by("at", "pk")
    ]
    return [row.pk for row in CustomerContact.objects.bulk_create(rows)]


def complaint_merge_duplicate(
    *,
    actor: User,
    duplicate: Complaint,
    survivor: Complaint,
    comment: str = "",
    confirm_other_customer: bool = False,
    expected_version: int | None = None,
) -> MergeResult:
    """Merge `duplicate` into `survivor` (see the module's note). Refused: a case into itself, a
    duplicate past triage, a survivor that was itself merged (no chains or cycles) or ended more
    than COMPLAINTS_DUPLICATE_WINDOW_DAYS ago, two customers without `confirm_other_customer`.
    `expected_version`: the duplicate's version the actor saw (Conflict if it moved on)."""
    if duplicate.pk == survivor.pk:
        raise InvalidInput({"survivor": [_("A complaint cannot be merged into itself.")]})
    _ensure_pair(actor=actor, complaint=duplicate, other=survivor, needs=MERGE_NEEDS)
    expected = duplicate.version if expected_version is None else expected_version
    with transaction.atomic():
        locked, target = _lock_both(duplicate, survivor)
        if locked.version != expected:
            raise Conflict()
        _ensure_mergeable(
            duplicate=locked, survivor=target, confirm_other_customer=confirm_other_customer
        )
        at = timezone.now()
        # A related link between the two, if any, stays: the history of how they were seen.
        link = CaseLink.objects.create(
            from_complaint=locked,
            to_complaint=target,
            kind=CaseLink.Kind.DUPLICATE,
            by=actor,
            at=at,
        )
        evidence = _copy_evidence(duplicate=locked, survivor=target)
        messages = _copy_messages(duplicate=locked, survivor=target)
        record_event(
            complaint=target,
            kind=CaseEvent.Kind.MERGED_IN,
            actor=actor,
            at=at,
            comment=comment.strip(),
            data={
                "duplicate": locked.reference,
                "duplicate_id": locked.pk,
                "evidence": [{"from": old, "to": new} for old, new in evidence],
                "contacts": messages,
                # The duplicate's own timeline stays on it, whole; this says how long it was.
                "events": CaseEvent.objects.filter(complaint=locked).count(),
            },
        )
        complaint_transition(
            complaint=locked,
            name="reject",
            actor=actor,
            data={
                "reason": RejectionReason.DUPLICATE,
                "comment": comment,
                "merged_into": target,
            },
            expected_version=expected,
        )
        audit_record(
            actor,
            AuditEntry.Action.COMPLAINTS_MERGED,
            locked,
            {
                "duplicate": locked.reference,
                "survivor": target.reference,
                "evidence": len(evidence),
                "messages": len(messages),
                "other_customer": target.customer_id != locked.customer_id,
            },
        )
    locked.refresh_from_db()
    return MergeResult(
        duplicate=locked,
        survivor=target,
        link=link,
        evidence_copied=len(evidence),
        messages_copied=len(messages),
    )
