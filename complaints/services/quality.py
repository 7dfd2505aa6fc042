"""The product quality loop (issue 16 §7; seed 004 §四.1 and §四.17).

A quality complaint is passed to quality control (品控部: is it a quality defect?) and purchasing
(采购部: the supplier, taking the product off sale, returning it, the supplier's compensation) with
the product and the supplier. Both departments (by their codes in QUALITY_DEPARTMENT_CODE
and PURCHASING_DEPARTMENT_CODE) are notified; their answers are recorded on the referral,
each on the timeline. A department's notification is settled by its first answer; until then the
case page lists the referral as waiting for it. The case's assignee (else its department's head)
hears of each answer.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import department_by_code, department_contacts
from complaints.errors import ConditionNotMet, InvalidInput, NotFound
from complaints.models import (
    CaseEvent,
    Complaint,
    Notification,
    QualityAnswer,
    QualityDepartment,
    QualityReferral,
)
from complaints.services.common import Needs, ensure_can_act, lock_for_change, save_change
from complaints.services.notifications import notifications_settle, notify
from complaints.timeline import record_event
from sla.services.escalation import Recipients

TEXT_MAX_LENGTH = 200
CODE_MAX_LENGTH = 100
NOTES_MAX_LENGTH = 4000

Finding = QualityAnswer.Finding
# The answer's facts, in the order they are shown.
ACTIONS = (
    "supplier_contacted",
    "taken_off_sale",
    "returned_to_supplier",
    "compensated_by_supplier",
)


def department_code(department: str) -> str:
    """The accounts.Department code configured for one side of the loop."""
    if department == QualityDepartment.QUALITY_CONTROL:
        return settings.QUALITY_DEPARTMENT_CODE
    return settings.PURCHASING_DEPARTMENT_CODE


def referral_key(referral_id: int, department: str) -> str:
    return f"quality:{referral_id}:{department}"


def quality_pending(referral: QualityReferral) -> list[str]:
    """The departments (QualityDepartment values) that have not answered the referral yet; reads
    the referral's answers as loaded (prefetched on the case page and the API)."""
    answered = {answer.department for answer in referral.answers.all()}
    return [value for value in QualityDepartment.values if value not in answered]


@transaction.atomic
def quality_refer(
    *,
    complaint: Complaint,
    actor: User,
    product: str,
    supplier: str,
    problem: str,
    product_code: str = "",
) -> QualityReferral:
    """Pass the open case's quality problem to quality control and purchasing; both are told."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.QUALITY)
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet([_("A finished complaint is no longer passed on.")])
    product, supplier = (product or "").strip(), (supplier or "").strip()
    product_code, problem = (product_code or "").strip(), (problem or "").strip()
    errors: dict[str, list[str]] = {}
    for name, value, limit, missing in (
        ("product", product, TEXT_MAX_LENGTH, _("Name the product.")),
        ("supplier", supplier, TEXT_MAX_LENGTH, _("Name the supplier.")),
        ("problem", problem, NOTES_MAX_LENGTH, _("Describe the quality problem.")),
        ("product_code", product_code, CODE_MAX_LENGTH, ""),
    ):
        if missing and not value:
            errors[name] = [missing]
        elif len(value) > limit:
            errors[name] = [_("Keep it under %(count)d characters.") % {"count": limit}]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    referral = QualityReferral.objects.create(
        complaint=locked,
        product=product,
        product_code=product_code,
        supplier=supplier,
        problem=problem,
        referred_by=actor,
        referred_at=now,
    )
    # Both departments are told by the one rule (accounts.selectors.department_contacts) and
    # may read the case from now on (complaints.timeline: `asked`).
    told = {
        department: department_contacts(
            department=department_by_code(code=department_code(department))
        )
        for department in QualityDepartment.values
    }
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.QUALITY_REFERRED,
        actor=actor,
        at=now,
        comment=problem,
        data={
            "referral_id": referral.pk,
            "product": product,
            "product_code": product_code,
            "supplier": supplier,
        },
        asked=[person for people in told.values() for person in people],
    )
    save_change(locked, fields=[])
    for department, people in told.items():
        notify(
            recipients=people,
            kind=Notification.Kind.QUALITY,
            complaint=locked,
            key=referral_key(referral.pk, department),
            template="quality_referral",
            context={"referral": referral, "department": QualityDepartment(department).label},
        )
    return referral


@transaction.atomic
def quality_answer_record(
    *,
    complaint: Complaint,
    referral_id: int,
    actor: User,
    department: str,
    answered_on: date,
    finding: str = "",
    supplier_contacted: bool = False,
    taken_off_sale: bool = False,
    returned_to_supplier: bool = False,
    compensated_by_supplier: bool = False,
    compensation_amount: Decimal | None = None,
    notes: str = "",
) -> QualityAnswer:
    """Record what quality control or purchasing answered (a department may answer again as the
    matter goes on: contacted first, compensated later). Also after the case is closed."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.QUALITY)
    locked = lock_for_change(complaint, must_be_current=False)
    referral = (
        QualityReferral.objects.select_for_update().filter(pk=referral_id, complaint=locked).first()
    )
    if referral is None:
        raise NotFound(_("This referral is not on the complaint."))
    notes = (notes or "").strip()
    errors: dict[str, list[str]] = {}
    if department not in QualityDepartment.values:
        errors["department"] = [_("Choose quality control or purchasing.")]
    if finding and finding not in Finding.values:
        errors["finding"] = [_("Choose a finding from the list.")]
    actions = {
        "supplier_contacted": supplier_contacted,
        "taken_off_sale": taken_off_sale,
        "returned_to_supplier": returned_to_supplier,
        "compensated_by_supplier": compensated_by_supplier,
    }
    if not (finding or any(actions.values()) or notes):
        errors["notes"] = [_("Record the finding, what was done, or a note.")]
    if compensation_amount is not None and not compensated_by_supplier:
        errors["compensation_amount"] = [_("An amount goes with “compensated by the supplier”.")]
    elif compensation_amount is not None and compensation_amount < 0:
        errors["compensation_amount"] = [_("Enter an amount of zero or more.")]
    today = timezone.localdate()
    if answered_on is None or answered_on > today:
        errors["answered_on"] = [_("Enter the day of the answer (not in the future).")]
    elif answered_on < timezone.localdate(referral.referred_at):
        errors["answered_on"] = [_("The answer cannot come before the complaint was passed on.")]
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [_("Keep it under %(count)d characters.") % {"count": NOTES_MAX_LENGTH}]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    answer = QualityAnswer.objects.create(
        referral=referral,
        department=department,
        finding=finding,
        compensation_amount=compensation_amount,
        notes=notes,
        answered_on=answered_on,
        recorded_by=actor,
        recorded_at=now,
        **actions,
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.QUALITY_ANSWERED,
        actor=actor,
        at=now,
        comment=notes,
        data={
            "referral_id": referral.pk,
            "answer_id": answer.pk,
            "department": department,
            "finding": finding,
            "product": referral.product,
            "answered_on": answered_on,
            "compensation_amount": compensation_amount,
            **actions,
        },
    )
    save_change(locked, fields=[])
    notifications_settle(
        keys=[referral_key(referral.pk, department)],
        reason=Notification.Settled.ANSWERED,
        by=actor,
        at=now,
    )
    person = Recipients().for_reminder(complaint=locked)
    if person is not None and person.pk != actor.pk:
        notify(
            recipients=[person],
            kind=Notification.Kind.QUALITY,
            complaint=locked,
            key=f"quality-answer:{answer.pk}",
            template="quality_answer",
            context={"referral": referral, "answer": answer},
        )
    return answer
