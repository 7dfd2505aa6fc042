"""Legal hold (诉讼保全, a regulator's inquiry): a case kept whole past its retention period.

Set and lifted by holders of `complaints.set_legal_hold` on any case they may see, with a reason;
each change is on the case's timeline and in the audit log. While held, neither the retention job
nor a person's erasure request removes anything from the case (complaints.services.retention).
The case's version is not bumped: a hold changes nothing the people working on it are editing.

Issue 16 §6 (seed 004 §八.2: evidence is kept until the matter is dealt with): a case a regulator,
court, police or media takes up is put on hold by the product itself (`legal_hold_follow_facts`,
called when such an outside body is recorded or the regulator or media fact is set), and the hold
cannot be lifted while such a matter is open. While held, no evidence file of the case can be
deleted (`evidence_delete_guard`, connected to EvidenceFile's pre_delete).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User
from accounts.services import audit_record
from complaints.errors import ConditionNotMet, InvalidInput, PermissionDenied
from complaints.models import HOLDING_KINDS, CaseEvent, Complaint, EvidenceFile, OutsideBody
from complaints.selectors import complaint_get_for_user
from complaints.timeline import record_event

SET_LEGAL_HOLD = "complaints.set_legal_hold"
# The case's facts that keep its evidence while it is open (the court and the police come as
# outside bodies: "legal risk" alone is too broad to hold a case).
HOLDING_FLAGS = ("regulator_involved", "media_involved")


class LegalHoldProtected(Exception):
    """Raised on deleting an evidence file of a case on legal hold."""


REASON_MAX_LENGTH = 500


def can_set_legal_hold(user: User) -> bool:
    return user.is_active and user.has_perm(SET_LEGAL_HOLD)


def _checked(*, actor: User, reference: str, reason: str) -> tuple[Complaint, str]:
    if not can_set_legal_hold(actor):
        raise PermissionDenied(_("Your role does not allow putting complaints on legal hold."))
    # Out of scope reads as missing, as everywhere.
    complaint = complaint_get_for_user(user=actor, reference=reference)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": [_("Say why (a court case, a regulator's inquiry, ...).")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            {"reason": [_("Keep it under %(count)d characters.") % {"count": REASON_MAX_LENGTH}]}
        )
    return complaint, reason


@transaction.atomic
def legal_hold_set(*, actor: User, reference: str, reason: str) -> Complaint:
    """Put the case on legal hold. Refused once it was anonymised (nothing is left to keep)."""
    complaint, reason = _checked(actor=actor, reference=reference, reason=reason)
    locked: Complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.anonymised_at is not None:
        raise ConditionNotMet([_("This complaint was anonymised: there is nothing left to hold.")])
    if locked.legal_hold:
        raise ConditionNotMet([_("This complaint is already on legal hold.")])
    now = timezone.now()
    locked.legal_hold, locked.legal_hold_reason = True, reason
    locked.legal_hold_by, locked.legal_hold_at = actor, now
    locked.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_by", "legal_hold_at"])
    _record(locked, actor=actor, kind=CaseEvent.Kind.LEGAL_HOLD_SET, reason=reason, at=now)
    return locked


@transaction.atomic
def legal_hold_lift(*, actor: User, reference: str, reason: str) -> Complaint:
    """Lift the hold; the case follows its retention period again (at once if it is past it)."""
    complaint, reason = _checked(actor=actor, reference=reference, reason=reason)
    locked: Complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if not locked.legal_hold:
        raise ConditionNotMet([_("This complaint is not on legal hold.")])
    holding = legal_hold_keepers(complaint=locked)
    if holding:
        raise ConditionNotMet(
            [
                _("The hold stays while these matters are open: %(matters)s.")
                % {"matters": ", ".join(holding)}
            ]
        )
    now = timezone.now()
    locked.legal_hold, locked.legal_hold_reason, locked.legal_hold_cause = False, "", ""
    locked.legal_hold_by, locked.legal_hold_at = None, None
    locked.save(
        update_fields=[
            "legal_hold",
            "legal_hold_reason",
            "legal_hold_cause",
            "legal_hold_by",
            "legal_hold_at",
        ]
    )
    _record(locked, actor=actor, kind=CaseEvent.Kind.LEGAL_HOLD_LIFTED, reason=reason, at=now)
    return locked


def legal_hold_keepers(*, complaint: Complaint) -> list[str]:
    """What keeps the case's hold (names in the reader's language): its open regulator, court,
    police or media matters, and while the case is open, its regulator or media fact."""
    keepers = [
        f"{body.get_kind_display()} {body.name}"
        for body in OutsideBody.objects.filter(
            complaint=complaint, closed_at__isnull=True, kind__in=HOLDING_KINDS
        ).order_by("received_at", "id")
    ]
    if complaint.is_open:
        keepers += [
            str(Complaint._meta.get_field(flag).verbose_name)
            for flag in HOLDING_FLAGS
            if getattr(complaint, flag)
        ]
    return keepers


def legal_hold_follow_facts(
    *,
    complaint: Complaint,
    actor: User | None,
    body: OutsideBody | None = None,
    at: datetime | None = None,
) -> bool:
    """Put the (locked, saved) case on hold by itself when a regulator, court, police or media
    matter is recorded (`body`) or its regulator or media fact is set; returns whether it did.
    Nothing to do (no query) when it is held already or nothing calls for it."""
    if complaint.legal_hold or complaint.anonymised_at is not None:
        return False
    if body is None and not any(getattr(complaint, flag) for flag in HOLDING_FLAGS):
        return False
    now = at or timezone.now()
    cause = "outside_body" if body is not None else "case_facts"
    complaint.legal_hold, complaint.legal_hold_cause = True, cause
    complaint.legal_hold_reason, complaint.legal_hold_by, complaint.legal_hold_at = "", actor, now
    complaint.save(
        update_fields=[
            "legal_hold",
            "legal_hold_cause",
            "legal_hold_reason",
            "legal_hold_by",
            "legal_hold_at",
        ]
    )
    data: dict[str, Any] = {"automatic": cause}
    if body is not None:
        data["body"] = {"id": body.pk, "kind": body.kind, "name": body.name}
    else:
        data["flags"] = [flag for flag in HOLDING_FLAGS if getattr(complaint, flag)]
    _record(
        complaint, actor=actor, kind=CaseEvent.Kind.LEGAL_HOLD_SET, reason="", at=now, data=data
    )
    return True


def evidence_delete_guard(sender: type, instance: EvidenceFile, **kwargs: Any) -> None:
    """pre_delete of EvidenceFile: a held case's files stay (a queryset delete sends it per row)."""
    if Complaint.objects.filter(pk=instance.complaint_id, legal_hold=True).exists():
        raise LegalHoldProtected(
            f"Evidence file {instance.pk} belongs to a case on legal hold and cannot be deleted."
        )


def _record(
    complaint: Complaint,
    *,
    actor: User | None,
    kind: str,
    reason: str,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> None:
    record_event(complaint=complaint, kind=kind, actor=actor, comment=reason, at=at, data=data)
    # The audit names the case by reference only (its subject may carry personal data).
    audit_record(
        actor,
        AuditEntry.Action.LEGAL_HOLD_SET
        if kind == CaseEvent.Kind.LEGAL_HOLD_SET
        else AuditEntry.Action.LEGAL_HOLD_LIFTED,
        complaint.reference,
        {"complaint_id": complaint.pk, "reason": reason, **(data or {})},
    )
