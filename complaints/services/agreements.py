"""Agreements (协议书) and the payments against them (issue 16 §3; seed 004 §三.18-19, §四.14-15).

The rules, each stated once here:
- an agreement carries out an approved decision of the case's current round, for at most the
  approved amount; a decision has one agreement (the one signed original);
- the person in charge takes the original back from the customer (it never leaves with them) and
  hands it to the finance cash office (财务现金房, the department of FINANCE_DEPARTMENT_CODE),
  which keeps it as the payment voucher;
- payment follows approval: only against an agreement the cash office holds, whose decision is
  still approved, and never above the approved amount (all payments together). Anything else is
  refused with `PaymentNotApproved` (or `ConditionNotMet`), saying why.
Each change is on the case's timeline in the same transaction. Payments may be recorded after the
case is closed (the cash office pays when it pays); agreements are recorded while it is open.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User
from accounts.selectors import department_by_code
from accounts.services import audit_record
from complaints.errors import ConditionNotMet, InvalidInput, NotFound, PaymentNotApproved
from complaints.models import (
    Agreement,
    AgreementPayment,
    CaseEvent,
    Complaint,
    Decision,
    EvidenceFile,
    PaymentMethod,
)
from complaints.services.common import Needs, ensure_can_act, lock_for_change, save_change
from complaints.timeline import record_event

NOTE_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 100


def _money(amount: Decimal) -> str:
    # Grouped by thousands in both languages, as the pages show amounts.
    return f"{amount:,.2f}"


def _today() -> date:
    return timezone.localdate()


def _lock_agreement(complaint: Complaint, agreement_id: int) -> Agreement:
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("decision")
        .filter(pk=agreement_id, complaint=complaint)
        .first()
    )
    if agreement is None:
        raise NotFound(_("This agreement is not on the complaint."))
    return agreement


@transaction.atomic
def agreement_record(
    *,
    complaint: Complaint,
    actor: User,
    decision_id: int,
    amount: Decimal,
    signed_on: date,
    note: str = "",
    evidence_id: int | None = None,
) -> Agreement:
    """Record the signed original of the agreement that carries out an approved decision; the
    actor is the person in charge who collected it back from the customer."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.AGREEMENT)
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet([_("Agreements are recorded while the complaint is open.")])
    decision = Decision.objects.filter(pk=decision_id, complaint=locked).first()
    if decision is None:
        raise InvalidInput({"decision": [_("Choose one of this complaint's decisions.")]})
    if decision.state != Decision.Status.APPROVED or decision.round != locked.reopen_count:
        raise ConditionNotMet(
            [_("An agreement carries out an approved decision of the current handling round.")]
        )
    if Agreement.objects.filter(decision=decision).exists():
        raise ConditionNotMet(
            [_("The agreement for this decision is recorded already: it is signed only once.")]
        )
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if amount is None or amount < 0:
        errors["amount"] = [_("Enter an amount of zero or more.")]
    elif amount > decision.amount:
        errors["amount"] = [
            _("The agreement cannot be for more than the approved amount (%(amount)s).")
            % {"amount": _money(decision.amount)}
        ]
    if signed_on is None or signed_on > _today():
        errors["signed_on"] = [_("Enter the day it was signed (not in the future).")]
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("Keep it under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}]
    evidence = None
    if evidence_id is not None:
        evidence = EvidenceFile.objects.filter(pk=evidence_id, complaint=locked).first()
        if evidence is None or not evidence.file:
            errors["evidence"] = [_("Choose one of this complaint's evidence files.")]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    agreement = Agreement.objects.create(
        complaint=locked,
        decision=decision,
        amount=amount,
        signed_on=signed_on,
        collected_by=actor,
        evidence=evidence,
        note=note,
        created_at=now,
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.AGREEMENT_SIGNED,
        actor=actor,
        at=now,
        comment=note,
        data={
            "agreement_id": agreement.pk,
            "decision_id": decision.pk,
            "amount": amount,
            "approved_amount": decision.amount,
            "signed_on": signed_on,
        },
    )
    save_change(locked, fields=[])
    return agreement


@transaction.atomic
def agreement_hand_over(
    *,
    complaint: Complaint,
    agreement_id: int,
    actor: User,
    received_by_name: str,
    handed_over_at: datetime | None = None,
) -> Agreement:
    """The person in charge hands the signed original to the finance cash office, which keeps it
    (as the payment voucher) from then on. Recorded once."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.AGREEMENT)
    locked = lock_for_change(complaint, must_be_current=False)
    agreement = _lock_agreement(locked, agreement_id)
    if agreement.is_with_finance:
        raise ConditionNotMet([_("The finance cash office holds this agreement already.")])
    finance = department_by_code(code=settings.FINANCE_DEPARTMENT_CODE)
    if finance is None:
        raise ConditionNotMet(
            [
                _(
                    "No finance department is set up to keep agreements: an administrator sets "
                    "FINANCE_DEPARTMENT_CODE to its code."
                )
            ]
        )
    now = timezone.now()
    at = handed_over_at or now
    name = (received_by_name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["received_by_name"] = [_("Name the person at the cash office who took it.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors["received_by_name"] = [
            _("Keep it under %(count)d characters.") % {"count": NAME_MAX_LENGTH}
        ]
    if at > now or timezone.localdate(at) < agreement.signed_on:
        errors["handed_over_at"] = [
            _("Enter when it was handed over: not before it was signed, not in the future.")
        ]
    if errors:
        raise InvalidInput(errors)
    agreement.status = Agreement.Status.HELD_BY_FINANCE
    agreement.holder = finance
    agreement.received_by_name = name
    agreement.handed_over_at = at
    agreement.handed_over_by = actor
    agreement.save(
        update_fields=["status", "holder", "received_by_name", "handed_over_at", "handed_over_by"]
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.AGREEMENT_HANDED_OVER,
        actor=actor,
        at=now,
        data={
            "agreement_id": agreement.pk,
            "holder": {"name": finance.name, "name_en": finance.name_en},
            "received_by": name,
            "handed_over_at": at,
        },
    )
    save_change(locked, fields=[])
    return agreement


def agreement_paid_total(*, agreement: Agreement) -> Decimal:
    """What was paid against the agreement so far."""
    total = agreement.payments.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


@transaction.atomic
def agreement_payment_record(
    *,
    complaint: Complaint,
    agreement_id: int,
    actor: User,
    amount: Decimal,
    paid_on: date,
    method: str,
    reference: str = "",
    note: str = "",
) -> AgreementPayment:
    """Record a payment to the customer against the agreement the cash office keeps. Payment
    follows approval: refused (PaymentNotApproved) unless the agreement's decision is approved and
    everything paid against it stays within the approved (and the agreed) amount."""
    ensure_can_act(actor=actor, complaint=complaint, perms=Needs.PAYMENT)
    locked = lock_for_change(complaint, must_be_current=False)
    agreement = _lock_agreement(locked, agreement_id)
    # Read under the case's lock: a new proposal (which supersedes the decision) waits for it.
    decision = Decision.objects.get(pk=agreement.decision_id)
    if decision.state != Decision.Status.APPROVED:
        raise PaymentNotApproved(
            [
                _(
                    "Payment follows approval: the decision this agreement carries out is not "
                    "approved (it is “%(state)s”)."
                )
                % {"state": decision.get_state_display()}
            ]
        )
    if not agreement.is_with_finance:
        raise ConditionNotMet(
            [
                _(
                    "Hand the signed original to the finance cash office first: it is the "
                    "payment voucher."
                )
            ]
        )
    reference, note = (reference or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = {}
    if amount is None or amount <= 0:
        errors["amount"] = [_("Enter an amount above zero.")]
    if method not in PaymentMethod.values:
        errors["method"] = [_("Choose how it was paid.")]
    if paid_on is None or paid_on > _today() or paid_on < agreement.signed_on:
        errors["paid_on"] = [
            _("Enter the day it was paid: not before the agreement was signed, not in the future.")
        ]
    if len(reference) > NAME_MAX_LENGTH:
        errors["reference"] = [
            _("Keep it under %(count)d characters.") % {"count": NAME_MAX_LENGTH}
        ]
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("Keep it under %(count)d characters.") % {"count": NOTE_MAX_LENGTH}]
    if errors:
        raise InvalidInput(errors)
    paid = agreement_paid_total(agreement=agreement)
    if paid + amount > decision.amount:
        raise PaymentNotApproved(
            [
                _(
                    "This payment would take the total paid to %(total)s, above the approved "
                    "amount of %(approved)s (paid so far: %(paid)s)."
                )
                % {
                    "total": _money(paid + amount),
                    "approved": _money(decision.amount),
                    "paid": _money(paid),
                }
            ]
        )
    if paid + amount > agreement.amount:
        raise PaymentNotApproved(
            [
                _(
                    "This payment would take the total paid to %(total)s, above the %(agreed)s "
                    "the agreement says (paid so far: %(paid)s)."
                )
                % {
                    "total": _money(paid + amount),
                    "agreed": _money(agreement.amount),
                    "paid": _money(paid),
                }
            ]
        )
    now = timezone.now()
    payment = AgreementPayment.objects.create(
        agreement=agreement,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=reference,
        note=note,
        paid_by=actor,
        recorded_at=now,
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.PAYMENT,
        actor=actor,
        at=now,
        comment=note,
        data={
            "agreement_id": agreement.pk,
            "payment_id": payment.pk,
            "amount": amount,
            "method": method,
            "paid_on": paid_on,
            "paid_total": paid + amount,
            "approved_amount": decision.amount,
        },
    )
    # Money leaving the company: in the audit log too, by the case's reference (no personal data).
    audit_record(
        actor,
        AuditEntry.Action.PAYMENT_RECORDED,
        payment,
        {
            "complaint": locked.reference,
            "agreement_id": agreement.pk,
            "amount": str(amount),
            "method": method,
            "paid_on": paid_on,
        },
    )
    save_change(locked, fields=[])
    return payment
