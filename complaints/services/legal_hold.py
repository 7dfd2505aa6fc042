"""Legal hold (诉讼保全, a regulator's inquiry): a case kept whole past its retention period.

Set and lifted by holders of `complaints.set_legal_hold` on any case they may see, with a reason;
each change is on the case's timeline and in the audit log. While held, neither the retention job
nor a person's erasure request removes anything from the case (complaints.services.retention).
The case's version is not bumped: a hold changes nothing the people working on it are editing.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User
from accounts.services import audit_record
from complaints.errors import ConditionNotMet, InvalidInput, PermissionDenied
from complaints.models import CaseEvent, Complaint
from complaints.selectors import complaint_get_for_user
from complaints.timeline import record_event

SET_LEGAL_HOLD = "complaints.set_legal_hold"
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
    now = timezone.now()
    locked.legal_hold, locked.legal_hold_reason = False, ""
    locked.legal_hold_by, locked.legal_hold_at = None, None
    locked.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_by", "legal_hold_at"])
    _record(locked, actor=actor, kind=CaseEvent.Kind.LEGAL_HOLD_LIFTED, reason=reason, at=now)
    return locked


def _record(complaint: Complaint, *, actor: User, kind: str, reason: str, at: datetime) -> None:
    record_event(complaint=complaint, kind=kind, actor=actor, comment=reason, at=at)
    # The audit names the case by reference only (its subject may carry personal data).
    audit_record(
        actor,
        AuditEntry.Action.LEGAL_HOLD_SET
        if kind == CaseEvent.Kind.LEGAL_HOLD_SET
        else AuditEntry.Action.LEGAL_HOLD_LIFTED,
        complaint.reference,
        {"complaint_id": complaint.pk, "reason": reason},
    )
