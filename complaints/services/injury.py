"""The personal-injury record (人身伤害, issue 16 §1; seed 004 §三). The rules, each stated once here:

- who writes: the day's duty manager (值班经理, sla.DutyDay) on any injury case they can read, as
  seed §三.1 has them decide on the spot; otherwise those in charge of the case whose role records
  injuries (`record_injury`: the service desk, handlers, department heads, complaint managers).
  Auditors and senior management read it; senior management alone waives the receipts.
- only on a case flagged as a personal injury, while it is open; the record is made by the first
  thing recorded on it;
- an advance of the medical costs (§三.3, §三.9) is decided with its amount, requested from
  finance, then approved by someone the decision approval rules let approve that amount
  (`can_approve_amount`), and approved only once the original receipts are kept — unless senior
  management approved the exception, with a reason. An approved advance is not changed;
- the items of the procedure (witnesses, the accident report, 110/120, the insurer, the hospital's
  certificates, the receipts) tick the case's injury checklist step that stands for them, which
  carries the item's deadline and reminder;
- the compensation breakdown (§三.17) is what the case's decision amounts to
  (`decision_propose` takes its total). It is frozen while a decision of the current round is
  awaiting approval or approved: a refused decision, or a new round after a reopening, frees it.
Each change is one timeline entry ("injury", its `what`) in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.people import person_snapshot
from complaints.errors import ComplaintError, ConditionNotMet, InvalidInput, PermissionDenied
from complaints.models import (
    DOCUMENT_ITEMS,
    BodyKind,
    CaseEvent,
    CompensationHead,
    Complaint,
    Decision,
    EvidenceFile,
    InjuryCompensation,
    InjuryDocument,
    InjuryItem,
    InjuryRecord,
    InjuryWitness,
    Notification,
    OutsideBody,
)
from complaints.selectors import (
    complaint_is_visible_to,
    decision_eligible_approvers,
    decisions_of_round,
)
from complaints.services.common import (
    Needs,
    ensure_can_act,
    ensure_role_may,
    ensure_workable,
    lock_for_change,
    save_change,
)
from complaints.services.decisions import can_approve_amount
from complaints.services.notifications import notifications_settle, notify
from complaints.timeline import record_event
from sla.models import CaseChecklistStep
from sla.selectors import duty_manager_on
from sla.services.checklists import reminder_key

RECORD_INJURY = ("record_injury",)
WAIVE_RECEIPTS = ("waive_injury_receipts",)
NAME_MAX_LENGTH = 100
PHONE_MAX_LENGTH = 40
TEXT_MAX_LENGTH = 2000
BASIS_MAX_LENGTH = 300
CALLS = ("police", "ambulance")


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def advance_request_key(record: InjuryRecord) -> str:
    return f"injury-advance:{record.pk}"


def is_duty_manager(*, user: User, at: datetime | None = None) -> bool:
    """Whether `user` is the duty manager of the local day of `at` (default: now)."""
    manager = duty_manager_on(day=timezone.localdate(at or timezone.now()))
    return manager is not None and manager.pk == user.pk


def may_record_injury(*, user: User, complaint: Complaint) -> bool:
    """Whether `user` may write the case's injury record (the pages' and the API's question)."""
    try:
        ensure_may_record_injury(actor=user, complaint=complaint)
    except ComplaintError:
        return False
    return True


def ensure_injury_writer(*, actor: User, complaint: Complaint) -> None:
    """Who writes the record: the duty manager of the day on a case they can read, else those in
    charge of the case whose role records injuries."""
    on_duty = (
        actor.is_active
        and is_duty_manager(user=actor)
        and complaint_is_visible_to(user=actor, complaint=complaint)
    )
    if not on_duty:
        ensure_can_act(actor=actor, complaint=complaint, perms=RECORD_INJURY)


def ensure_may_record_injury(*, actor: User, complaint: Complaint) -> None:
    """The writer's check, then the case's: only an injury has the record."""
    ensure_injury_writer(actor=actor, complaint=complaint)
    if not complaint.personal_injury:
        raise ConditionNotMet(
            [_("This complaint is not marked as a personal injury: mark it at triage first.")]
        )


def _open_record(complaint: Complaint, actor: User) -> tuple[Complaint, InjuryRecord]:
    """Check the actor, lock the case and its record (made now if there is none)."""
    ensure_may_record_injury(actor=actor, complaint=complaint)
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet([_("The injury record is kept while the complaint is open.")])
    record = InjuryRecord.objects.select_for_update().filter(complaint=locked).first()
    if record is None:
        record = InjuryRecord.objects.create(complaint=locked, created_at=timezone.now())
    return locked, record


def _evidence(complaint: Complaint, evidence_id: int | None) -> EvidenceFile | None:
    if evidence_id is None:
        return None
    evidence = EvidenceFile.objects.filter(pk=evidence_id, complaint=complaint).first()
    if evidence is None or not evidence.file:
        raise InvalidInput({"evidence": [_("Choose one of this complaint's evidence files.")]})
    return evidence


def _tick(
    complaint: Complaint,
    item: str,
    actor: User,
    at: datetime,
    evidence: EvidenceFile | None = None,
) -> None:
    """Tick the case's open checklist step standing for `item` (none: nothing to tick) and let
    its reminder go."""
    steps = list(
        CaseChecklistStep.objects.select_for_update(of=("self",)).filter(
            complaint=complaint, injury_item=item, done_at__isnull=True
        )
    )
    for step in steps:
        step.outcome = CaseChecklistStep.Outcome.DONE
        step.done_at, step.done_by, step.evidence = at, actor, evidence
        step.save(update_fields=["outcome", "done_at", "done_by", "evidence"])
    if steps:
        notifications_settle(
            keys=[reminder_key(step) for step in steps],
            reason=Notification.Settled.STEP_TICKED,
            by=actor,
            at=at,
        )


def _event(complaint: Complaint, actor: User, moment: datetime, what: str, **data: Any) -> None:
    comment = data.pop("comment", "")
    record_event(
        complaint=complaint,
        kind=CaseEvent.Kind.INJURY,
        actor=actor,
        at=moment,
        comment=comment,
        data={"what": what, **data},
    )
    save_change(complaint, fields=[])


def _text(value: str, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        errors[field] = [_("Keep it under %(count)d characters.") % {"count": limit}]
    return value


# The duty manager's decisions ------------------------------------------------------------------


@transaction.atomic
def injury_accompany_decide(
    *,
    complaint: Complaint,
    actor: User,
    accompany: bool,
    staff_id: int | None = None,
    name: str = "",
) -> InjuryRecord:
    """Whether someone accompanies the customer to hospital, and who: a staff member or a name."""
    locked, record = _open_record(complaint, actor)
    errors: dict[str, list[str]] = {}
    name = _text(name, "name", NAME_MAX_LENGTH, errors)
    staff = None
    if staff_id is not None:
        staff = User.objects.filter(pk=staff_id, is_active=True).first()
        if staff is None:
            errors["staff"] = [_("Choose an active staff member.")]
    elif accompany and not name:
        errors["staff"] = [_("Say who accompanies the customer: a staff member or a name.")]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    record.accompany = accompany
    record.accompanied_by = staff if accompany else None
    record.accompanied_by_name = name if accompany and staff is None else ""
    record.accompany_decided_by, record.accompany_decided_at = actor, now
    record.save(
        update_fields=[
            "accompany",
            "accompanied_by",
            "accompanied_by_name",
            "accompany_decided_by",
            "accompany_decided_at",
        ]
    )
    who = person_snapshot(staff) if accompany and staff else None
    _event(locked, actor, now, "accompany", accompany=accompany, staff=who, name=name)
    return record


@transaction.atomic
def injury_advance_decide(
    *, complaint: Complaint, actor: User, advance: bool, amount: Decimal | None = None
) -> InjuryRecord:
    """Whether the medical costs are advanced, and how much. Changed until the advance is
    approved; a change after the request to finance asks for it anew."""
    locked, record = _open_record(complaint, actor)
    if record.advance_approved_at is not None:
        raise ConditionNotMet(
            [_("The advance is approved already: an approved advance is not changed.")]
        )
    if advance and (amount is None or amount <= 0):
        raise InvalidInput({"amount": [_("Enter the amount to advance, above zero.")]})
    now = timezone.now()
    record.advance = advance
    record.advance_amount = amount if advance else None
    record.advance_decided_by, record.advance_decided_at = actor, now
    record.advance_requested_at = record.advance_requested_by = None
    record.save(
        update_fields=[
            "advance",
            "advance_amount",
            "advance_decided_by",
            "advance_decided_at",
            "advance_requested_at",
            "advance_requested_by",
        ]
    )
    _event(locked, actor, now, "advance", advance=advance, amount=record.advance_amount)
    return record


def _advance_blockers(record: InjuryRecord) -> list[str]:
    """Why the advance cannot be approved (or paid) yet; empty when it can."""
    reasons = []
    if not record.advance or record.advance_amount is None:
        reasons.append(_("No advance of the medical costs is decided on this case."))
        return reasons
    if record.advance_requested_at is None:
        reasons.append(_("Request the advance from finance first."))
    receipts_kept = any(d.item == InjuryItem.RECEIPTS_KEPT for d in record.documents.all())
    if not receipts_kept and not record.receipts_exception:
        reasons.append(
            _(
                "An advance needs the original receipts kept (hospital records, diagnosis, bills): "
                "record them first, or senior management approves the exception."
            )
        )
    return reasons


@transaction.atomic
def injury_advance_request(
    *, complaint: Complaint, actor: User, requested_at: datetime | None = None
) -> InjuryRecord:
    """The advance is requested from finance (紧急请款, seed §三.3); the people who may approve it
    are told at once."""
    locked, record = _open_record(complaint, actor)
    if not record.advance or record.advance_amount is None:
        raise ConditionNotMet([_("No advance of the medical costs is decided on this case.")])
    if record.advance_requested_at is not None:
        raise ConditionNotMet([_("The advance was requested from finance already.")])
    now = timezone.now()
    at = requested_at or now
    if at > now or (record.advance_decided_at and at < record.advance_decided_at):
        raise InvalidInput(
            {"requested_at": [_("Enter when it was requested: after the decision, not later.")]}
        )
    record.advance_requested_at, record.advance_requested_by = at, actor
    record.save(update_fields=["advance_requested_at", "advance_requested_by"])
    _event(locked, actor, now, "advance_requested", amount=record.advance_amount, requested_at=at)
    notify(
        recipients=advance_approvers(record=record, complaint=locked),
        kind=Notification.Kind.APPROVAL_REQUEST,
        complaint=locked,
        key=advance_request_key(record),
        template="injury_advance_request",
        context={"record": record, "amount": record.advance_amount},
        urgent=True,
    )
    return record


def advance_approvers(*, record: InjuryRecord, complaint: Complaint) -> list[User]:
    """Who may approve the advance: the decision approvers whose limit covers it."""
    draft = Decision(complaint=complaint, amount=record.advance_amount or Decimal(0))
    return list(decision_eligible_approvers(decision=draft))


@transaction.atomic
def injury_receipts_exception(*, complaint: Complaint, actor: User, reason: str) -> InjuryRecord:
    """Senior management lets the advance go without the original receipts (seed §三.9)."""
    ensure_workable(actor=actor, complaint=complaint)
    ensure_role_may(actor=actor, perms=WAIVE_RECEIPTS)
    if not complaint.personal_injury:
        raise ConditionNotMet(
            [_("This complaint is not marked as a personal injury: mark it at triage first.")]
        )
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet([_("The injury record is kept while the complaint is open.")])
    record = InjuryRecord.objects.select_for_update().filter(complaint=locked).first()
    if record is None:
        record = InjuryRecord.objects.create(complaint=locked, created_at=timezone.now())
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", TEXT_MAX_LENGTH, errors)
    if not reason and not errors:
        errors["reason"] = [_("Say why the receipts are not needed.")]
    if errors:
        raise InvalidInput(errors)
    if record.receipts_exception:
        raise ConditionNotMet([_("The exception is approved already.")])
    now = timezone.now()
    record.receipts_exception_by, record.receipts_exception_at = actor, now
    record.receipts_exception_reason = reason
    record.save(
        update_fields=[
            "receipts_exception_by",
            "receipts_exception_at",
            "receipts_exception_reason",
        ]
    )
    _event(locked, actor, now, "receipts_exception", comment=reason)
    return record


@transaction.atomic
def injury_advance_approve(*, complaint: Complaint, actor: User) -> InjuryRecord:
    """Approve the requested advance, within the approver's limit (the decision approval rules),
    and only with the original receipts kept or senior management's exception."""
    ensure_workable(actor=actor, complaint=complaint)
    locked = lock_for_change(complaint, must_be_current=False)
    record = InjuryRecord.objects.select_for_update().filter(complaint=locked).first()
    if record is None or not record.advance or record.advance_amount is None:
        raise ConditionNotMet([_("No advance of the medical costs is decided on this case.")])
    if not can_approve_amount(user=actor, complaint=locked, amount=record.advance_amount):
        raise PermissionDenied(_("Your approval limit or position does not cover this advance."))
    if not locked.is_open:
        raise ConditionNotMet([_("The injury record is kept while the complaint is open.")])
    if record.advance_approved_at is not None:
        raise ConditionNotMet([_("The advance is approved already.")])
    blockers = _advance_blockers(record)
    if blockers:
        raise ConditionNotMet(blockers)
    now = timezone.now()
    record.advance_approved_by, record.advance_approved_at = actor, now
    record.advance_approver_limit = actor.approval_limit
    record.save(
        update_fields=["advance_approved_by", "advance_approved_at", "advance_approver_limit"]
    )
    _event(
        locked,
        actor,
        now,
        "advance_approved",
        amount=record.advance_amount,
        approver_limit=actor.approval_limit,
        receipts_exception=record.receipts_exception,
    )
    notifications_settle(
        keys=[advance_request_key(record)],
        reason=Notification.Settled.APPROVED,
        by=actor,
        at=now,
    )
    return record


@transaction.atomic
def injury_advance_paid(*, complaint: Complaint, actor: User, paid_on: date) -> InjuryRecord:
    """The cash office paid the approved advance (payment follows approval)."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.PAYMENT)
    locked = lock_for_change(complaint, must_be_current=False)
    record = InjuryRecord.objects.select_for_update().filter(complaint=locked).first()
    if record is None or record.advance_approved_at is None:
        raise ConditionNotMet([_("Payment follows approval: the advance is not approved.")])
    if record.advance_paid_on is not None:
        raise ConditionNotMet([_("The advance is recorded as paid already.")])
    if (
        paid_on is None
        or paid_on > timezone.localdate()
        or paid_on < timezone.localdate(record.advance_approved_at)
    ):
        raise InvalidInput(
            {"paid_on": [_("Enter the day it was paid: not before approval, not in the future.")]}
        )
    now = timezone.now()
    record.advance_paid_on, record.advance_paid_by = paid_on, actor
    record.save(update_fields=["advance_paid_on", "advance_paid_by"])
    _event(locked, actor, now, "advance_paid", amount=record.advance_amount, paid_on=paid_on)
    return record


# The procedure's items ---------------------------------------------------------------------------


@transaction.atomic
def injury_witness_add(
    *,
    complaint: Complaint,
    actor: User,
    name: str,
    phone: str = "",
    statement_id: int | None = None,
) -> InjuryWitness:
    """A witness kept in touch with (seed §三.2); their written statement is one of the case's
    evidence files."""
    locked, record = _open_record(complaint, actor)
    errors: dict[str, list[str]] = {}
    name = _text(name, "name", NAME_MAX_LENGTH, errors)
    phone = _text(phone, "phone", PHONE_MAX_LENGTH, errors)
    if not name and "name" not in errors:
        errors["name"] = [_("Enter the witness's name.")]
    try:
        statement = _evidence(locked, statement_id)
    except InvalidInput as error:
        errors["statement"] = error.fields["evidence"]
        statement = None
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    witness = InjuryWitness.objects.create(
        record=record,
        name=name,
        phone=phone,
        statement=statement,
        recorded_by=actor,
        recorded_at=now,
    )
    _tick(locked, InjuryItem.WITNESSES, actor, now, statement)
    # The name only: the phone number is personal data, read on the record by those who may.
    _event(
        locked,
        actor,
        now,
        "witness",
        witness_id=witness.pk,
        name=name,
        statement=statement is not None,
    )
    return witness


@transaction.atomic
def injury_document_record(
    *, complaint: Complaint, actor: User, item: str, evidence_id: int | None, note: str = ""
) -> InjuryDocument:
    """One of the procedure's papers kept: the accident report, the hospital's transfer or
    discharge certificate, the original receipts. Each is recorded once, with its file."""
    locked, record = _open_record(complaint, actor)
    errors: dict[str, list[str]] = {}
    if item not in DOCUMENT_ITEMS:
        errors["item"] = [_("Choose which paper it is.")]
    note = _text(note, "note", TEXT_MAX_LENGTH, errors)
    evidence: EvidenceFile | None = None
    if evidence_id is None:
        errors["evidence"] = [_("Add the paper to the case's evidence, then choose it here.")]
    else:
        try:
            evidence = _evidence(locked, evidence_id)
        except InvalidInput as error:
            errors.update(error.fields)
    if errors or evidence is None:
        raise InvalidInput(errors)
    if record.documents.filter(item=item).exists():
        raise ConditionNotMet([_("This paper is recorded already.")])
    now = timezone.now()
    document = InjuryDocument.objects.create(
        record=record, item=item, evidence=evidence, note=note, recorded_by=actor, recorded_at=now
    )
    _tick(locked, item, actor, now, evidence)
    _event(locked, actor, now, "document", item=item, comment=note)
    return document


@transaction.atomic
def injury_call_record(
    *, complaint: Complaint, actor: User, service: str, called_at: datetime
) -> InjuryRecord:
    """The police (110) or an ambulance (120) was called (seed §三.7-8), and when."""
    locked, record = _open_record(complaint, actor)
    errors: dict[str, list[str]] = {}
    if service not in CALLS:
        errors["service"] = [_("Choose the police (110) or an ambulance (120).")]
    now = timezone.now()
    if called_at is None or called_at > now:
        errors["called_at"] = [_("Enter when the call was made (not in the future).")]
    if errors:
        raise InvalidInput(errors)
    if getattr(record, f"{service}_called_at") is not None:
        raise ConditionNotMet([_("This call is recorded already.")])
    setattr(record, f"{service}_called_at", called_at)
    setattr(record, f"{service}_recorded_by", actor)
    record.save(update_fields=[f"{service}_called_at", f"{service}_recorded_by"])
    _tick(locked, InjuryItem.EMERGENCY_CALL, actor, now)
    _event(locked, actor, now, "call", service=service, called_at=called_at)
    return record


@transaction.atomic
def injury_insurer_notify(
    *,
    complaint: Complaint,
    actor: User,
    notified_on: date,
    claim_number: str = "",
    body_id: int | None = None,
) -> InjuryRecord:
    """The insurer was notified of the claim (seed §三.4), with its claim number; `body_id` links
    the insurer's record among the case's outside bodies, when it has one."""
    locked, record = _open_record(complaint, actor)
    errors: dict[str, list[str]] = {}
    claim_number = _text(claim_number, "claim_number", NAME_MAX_LENGTH, errors)
    if notified_on is None or notified_on > timezone.localdate():
        errors["notified_on"] = [_("Enter the day the insurer was notified (not in the future).")]
    body = None
    if body_id is not None:
        body = OutsideBody.objects.filter(
            pk=body_id, complaint=locked, kind=BodyKind.INSURER
        ).first()
        if body is None:
            errors["body"] = [_("Choose the insurer among this complaint's outside bodies.")]
    if errors:
        raise InvalidInput(errors)
    if record.insurer_notified_on is not None:
        raise ConditionNotMet([_("The insurer's notification is recorded already.")])
    now = timezone.now()
    record.insurer_notified_on, record.insurer_claim_number = notified_on, claim_number
    record.insurer_notified_by, record.insurer_body = actor, body
    record.save(
        update_fields=[
            "insurer_notified_on",
            "insurer_claim_number",
            "insurer_notified_by",
            "insurer_body",
        ]
    )
    _tick(locked, InjuryItem.INSURER, actor, now)
    _event(
        locked,
        actor,
        now,
        "insurer_notified",
        notified_on=notified_on,
        claim_number=claim_number,
    )
    return record


@transaction.atomic
def injury_insurer_opinion(
    *, complaint: Complaint, actor: User, evidence_id: int | None, covered: bool
) -> InjuryRecord:
    """The insurer's written opinion (a file of the case) and whether it covers the claim."""
    locked, record = _open_record(complaint, actor)
    if evidence_id is None:
        raise InvalidInput(
            {"evidence": [_("Add the insurer's written opinion to the case, then choose it here.")]}
        )
    evidence = _evidence(locked, evidence_id)
    if record.insurer_notified_on is None:
        raise ConditionNotMet([_("Record that the insurer was notified first.")])
    if record.insurer_opinion_id is not None:
        raise ConditionNotMet([_("The insurer's written opinion is recorded already.")])
    now = timezone.now()
    record.insurer_opinion, record.insurer_covered = evidence, covered
    record.insurer_opinion_by, record.insurer_opinion_at = actor, now
    record.save(
        update_fields=[
            "insurer_opinion",
            "insurer_covered",
            "insurer_opinion_by",
            "insurer_opinion_at",
        ]
    )
    _event(locked, actor, now, "insurer_opinion", covered=covered)
    return record


# The compensation breakdown ----------------------------------------------------------------------


@transaction.atomic
def injury_compensation_set(
    *, complaint: Complaint, actor: User, heads: dict[str, tuple[Decimal, str]]
) -> list[InjuryCompensation]:
    """Set the whole breakdown: head -> (amount, basis); a head left out (or at zero) is not
    claimed. Refused while a decision of the current round rests on it (awaiting approval or
    approved): refuse that decision first, or change it in a new round."""
    locked, record = _open_record(complaint, actor)
    errors: dict[str, list[str]] = {}
    rows: list[InjuryCompensation] = []
    for head, (amount, basis) in heads.items():
        if head not in CompensationHead.values:
            errors[head] = [_("Not a head of compensation.")]
            continue
        if amount is None or amount < 0:
            errors[head] = [_("Enter an amount of zero or more.")]
            continue
        basis = _text(basis, head, BASIS_MAX_LENGTH, errors)
        if amount > 0:
            rows.append(InjuryCompensation(record=record, head=head, amount=amount, basis=basis))
    if errors:
        raise InvalidInput(errors)
    resting = (
        decisions_of_round(complaint=locked)
        .filter(state__in=[Decision.Status.PENDING_APPROVAL, Decision.Status.APPROVED])
        .order_by("-created_at")
        .first()
    )
    if resting is not None:
        raise ConditionNotMet(
            [
                _(
                    "The decision of %(amount)s (%(state)s) rests on this breakdown: it cannot "
                    "change under it. Have that decision refused first, or change the breakdown "
                    "in a new handling round."
                )
                % {"amount": _money(resting.amount), "state": resting.get_state_display()}
            ]
        )
    before = {row.head: row.amount for row in record.compensation.all()}
    record.compensation.all().delete()
    InjuryCompensation.objects.bulk_create(rows)
    now = timezone.now()
    total = sum((row.amount for row in rows), Decimal(0))
    _event(
        locked,
        actor,
        now,
        "compensation",
        heads={row.head: row.amount for row in rows},
        before=before,
        total=total,
    )
    return rows
