"""Outside bodies on a case (issue 16 §2; seed 004 §三.12-13, §三.20, §四.17, §八.2).

One service per change, each in one transaction under the case's row lock: record a body's
referral (its deadline counted, reminded, escalated and paused like a stage clock: the sweep below
moves it by sla.services.escalation_batch.clock_advance, sla.services.pauses stops and resumes it
with the case's clocks), add a document exchanged with it (through the
evidence service), record what was signed on its document (with a signing text of §三.13), close
its matter, record a written order to take a product off sale (the purchasing department is told)
and that it was carried out. Every change is on the case's timeline.

A regulator, court, police or media matter puts the case on legal hold at once (seed 004 §八.2:
the evidence is kept until the matter is dealt with), see complaints.services.legal_hold.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.people import person_snapshot
from accounts.selectors import department_by_code, department_contacts
from complaints.errors import ConditionNotMet, InvalidInput, NotFound
from complaints.models import (
    HOLDING_KINDS,
    BodyKind,
    CaseEvent,
    Complaint,
    EvidenceFile,
    Notification,
    OffSaleOrder,
    OutsideBody,
    OutsideBodyDocument,
    OutsideBodyTarget,
    SigningText,
)
from complaints.models.outside_bodies import ORDERING_KINDS
from complaints.services.common import ensure_can_act, lock_for_change, save_change
from complaints.services.evidence import evidence_add
from complaints.services.legal_hold import legal_hold_follow_facts
from complaints.services.notifications import Message, notifications_settle, notify, notify_many
from complaints.timeline import new_event, record_event, record_events
from sla.calendar import END_OF_DAY, WorkingCalendar
from sla.models import Escalation, EscalationSettings
from sla.selectors import calendar_for_deadline, working_calendar
from sla.services.clocks import Timed, deadline_schedule, due_for
from sla.services.escalation import Planned, Recipients, escalate_on_facts, escalations_record
from sla.services.escalation_batch import clock_advance

OUTSIDE_BODY_PERMISSIONS = ("handle_outside_body",)
REMIND_BATCH = 500
TEXT_MAX = 2000
# The case's fact each kind of body sets (and so its escalation to senior management).
KIND_FLAGS: dict[str, str] = {
    BodyKind.MARKET_REGULATOR: "regulator_involved",
    BodyKind.CONSUMER_ASSOCIATION: "regulator_involved",
    BodyKind.MEDIA: "media_involved",
    BodyKind.COURT: "legal_risk",
    BodyKind.POLICE: "legal_risk",
}


def reminder_key(body: OutsideBody, *, late: bool = False) -> str:
    """The notification of the reminder before the deadline, or (`late`) of its breach."""
    return f"outside_body:{body.pk}" + (":late" if late else "")


def outside_body_schedule(body: OutsideBody, *, calendar: WorkingCalendar) -> None:
    """Set the body's reminder and next sweep time from its deadline, by the stage clocks' rule
    (a date named on their notice reminds over working time, like a working-day clock)."""
    if body.due_at is None:
        body.remind_at = body.next_action_at = None
        return
    deadline_schedule(
        cast(Timed, body),  # its due_at is set
        calendar=calendar,
        unit=body.unit or "working_days",
        percent=body.reminder_percent,
        start=body.received_at,
    )


def off_sale_key(order: OffSaleOrder) -> str:
    return f"off_sale:{order.pk}"


def _body_facts(body: OutsideBody) -> dict:
    """How the timeline names a body (its name may be an office, never a person)."""
    return {"id": body.pk, "kind": body.kind, "name": body.name}


def _clean(
    value: str,
    field: str,
    errors: dict[str, list[str]],
    *,
    required: bool = False,
    limit: int = TEXT_MAX,
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("Keep it under %(count)d characters.") % {"count": limit}]
    return value


def body_deadline(
    *,
    complaint: Complaint,
    kind: str,
    received_at: datetime,
    their_deadline: date | None,
    target: OutsideBodyTarget | None = None,
) -> tuple[int | None, str, int | None, datetime | None]:
    """(amount, unit, calendar id, due at) of a body's answer: the end of the day their notice
    names, else the target of the kind counted like a clock from receipt on the calendar of the
    case's department (12315 online disputes: 10 working days, the day of receipt not counted)."""
    target = target or OutsideBodyTarget.objects.filter(kind=kind).first()
    unit = target.unit if target is not None else "working_days"
    chosen = calendar_for_deadline(policy=None, department_id=complaint.department_id, unit=unit)
    if their_deadline is not None:
        due = datetime.combine(their_deadline, END_OF_DAY, tzinfo=chosen.working.time_zone)
        return None, "", chosen.calendar_id, due
    if target is None or not target.amount:
        return None, "", None, None
    due = due_for(calendar=chosen.working, unit=unit, amount=target.amount, start=received_at)
    return target.amount, unit, chosen.calendar_id, due


@transaction.atomic
def outside_body_record(
    *,
    complaint: Complaint,
    actor: User,
    kind: str,
    name: str,
    channel: str,
    received_at: datetime,
    contact_id: int,
    their_reference: str = "",
    notice: str = "",
    their_deadline: date | None = None,
) -> OutsideBody:
    """Record that a body took the case up. Sets the case's fact (regulator, media, legal), which
    sends it to senior management once; a regulator, court, police or media matter puts the case
    on legal hold. The contact person is told when it is not the one recording."""
    ensure_can_act(actor=actor, complaint=complaint, perms=OUTSIDE_BODY_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet([_("An outside body can only be recorded on an open complaint.")])
    errors: dict[str, list[str]] = {}
    if kind not in BodyKind.values:
        errors["kind"] = [_("Choose the kind of body.")]
    if channel not in OutsideBody.Channel.values:
        errors["channel"] = [_("Choose how it came.")]
    name = _clean(name, "name", errors, required=True, limit=200)
    their_reference = _clean(their_reference, "their_reference", errors, limit=100)
    notice = _clean(notice, "notice", errors)
    now = timezone.now()
    if received_at is None or received_at > now:
        errors["received_at"] = [_("When it was received cannot be in the future.")]
    contact = User.objects.filter(pk=contact_id, is_active=True).first() if contact_id else None
    if contact is None:
        errors["contact"] = [_("Choose who answers them for the company.")]
    if their_deadline is not None and received_at and their_deadline < received_at.date():
        errors["their_deadline"] = [_("Their deadline cannot be before the notice came.")]
    if errors:
        raise InvalidInput(errors)
    assert contact is not None
    target = OutsideBodyTarget.objects.filter(kind=kind).first()
    amount, unit, calendar_id, due = body_deadline(
        complaint=locked,
        kind=kind,
        received_at=received_at,
        their_deadline=their_deadline,
        target=target,
    )
    body = OutsideBody(
        complaint=locked,
        kind=kind,
        name=name,
        channel=channel,
        their_reference=their_reference,
        received_at=received_at,
        notice=notice,
        contact=contact,
        amount=amount,
        unit=unit,
        calendar_id=calendar_id,
        their_deadline=their_deadline,
        due_at=due,
        reminder_percent=target.reminder_percent if target else 75,
        breach_level=target.breach_level if target else 1,
        created_by=actor,
        created_at=now,
    )
    if due is not None:
        outside_body_schedule(body, calendar=working_calendar(calendar_id=calendar_id))
    body.save(force_insert=True)
    flag = KIND_FLAGS.get(kind)
    changed = [flag] if flag and not getattr(locked, flag) else []
    for field in changed:
        setattr(locked, field, True)
    save_change(locked, fields=changed)
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.OUTSIDE_BODY,
        actor=actor,
        at=now,
        comment=notice,
        data={
            "body": _body_facts(body),
            "channel": channel,
            "their_reference": their_reference,
            "received_at": received_at,
            "due_at": due,
            "contact": person_snapshot(contact),
            "flags": changed,
        },
    )
    if kind in HOLDING_KINDS:
        legal_hold_follow_facts(complaint=locked, actor=actor, body=body, at=now)
    if changed:
        escalate_on_facts(complaint=locked, at=now)
    if contact.pk != actor.pk:
        notify(
            recipients=[contact],
            kind=Notification.Kind.ASSIGNMENT,
            complaint=locked,
            key=f"outside_body_contact:{body.pk}",
            template="outside_body_contact",
            context={"body": body},
            urgent=kind in HOLDING_KINDS,
        )
    return body


def _locked_body(complaint: Complaint, body_id: int, *, must_be_open: bool = True) -> OutsideBody:
    body = (
        OutsideBody.objects.select_for_update(of=("self",))
        .filter(pk=body_id, complaint=complaint)
        .first()
    )
    if body is None:
        raise NotFound(_("This outside body is not on the complaint."))
    if must_be_open and not body.is_open:
        raise ConditionNotMet([_("This outside body's matter is closed.")])
    return body


@transaction.atomic
def outside_body_document_add(
    *,
    complaint: Complaint,
    body_id: int,
    actor: User,
    direction: str,
    upload: UploadedFile | None = None,
    evidence_kind: str = EvidenceFile.Kind.CORRESPONDENCE,
    description: str = "",
    evidence_id: int | None = None,
) -> OutsideBodyDocument:
    """A document received from or sent to the body: a new file (checked and stored by the
    evidence service, on the case's evidence list) or one of the case's files already there."""
    ensure_can_act(actor=actor, complaint=complaint, perms=OUTSIDE_BODY_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    body = _locked_body(locked, body_id, must_be_open=False)
    if direction not in OutsideBodyDocument.Direction.values:
        raise InvalidInput({"direction": [_("Say whether it was received or sent.")]})
    evidence: EvidenceFile | None
    if upload is not None:
        evidence = evidence_add(
            complaint=locked,
            actor=actor,
            kind=evidence_kind,
            upload=upload,
            description=description,
        )
    else:
        evidence = (
            EvidenceFile.objects.filter(pk=evidence_id, complaint=locked).first()
            if evidence_id
            else None
        )
        if evidence is None or not evidence.file:
            raise InvalidInput({"evidence": [_("Choose one of this complaint's evidence files.")]})
        if not locked.is_open:
            raise ConditionNotMet([_("Evidence can only be added while the complaint is open.")])
    assert evidence is not None
    if OutsideBodyDocument.objects.filter(body=body, evidence=evidence).exists():
        raise ConditionNotMet([_("This file is already among the body's documents.")])
    now = timezone.now()
    document = OutsideBodyDocument.objects.create(
        body=body, evidence=evidence, direction=direction, added_by=actor, added_at=now
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.OUTSIDE_BODY_DOCUMENT,
        actor=actor,
        at=now,
        data={
            "body": _body_facts(body),
            "direction": direction,
            "evidence": {"id": evidence.pk},
        },
    )
    return document


def signing_texts_for(kind: str) -> list[SigningText]:
    """The active signing texts offered for a kind of body, in order."""
    return [text for text in SigningText.objects.filter(is_active=True) if text.offered_for(kind)]


def signing_text_fill(template: SigningText, *, amount: Decimal | None, english: bool) -> str:
    """The template's sentence with the amount agreed put in (left as a blank when none)."""
    text = template.text_en if english and template.text_en else template.text
    shown = f"{amount:,.2f}" if amount is not None else "____"
    return text.replace("{amount}", shown)


@transaction.atomic
def outside_body_sign(
    *,
    complaint: Complaint,
    body_id: int,
    actor: User,
    signing_text_code: str = "",
    text: str = "",
    amount_agreed: Decimal | None = None,
    signed_at: datetime | None = None,
) -> OutsideBody:
    """Record what the company wrote when signing the body's document (a mediation record): the
    chosen signing text (seed 004 §三.13, in Chinese as written on the paper, with the amount)
    followed by anything else written. Once per body."""
    ensure_can_act(actor=actor, complaint=complaint, perms=OUTSIDE_BODY_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    body = _locked_body(locked, body_id)
    if body.signed_at is not None:
        raise ConditionNotMet([_("What was signed is recorded already.")])
    errors: dict[str, list[str]] = {}
    text = _clean(text, "text", errors)
    template = None
    if signing_text_code:
        template = SigningText.objects.filter(code=signing_text_code, is_active=True).first()
        if template is None or not template.offered_for(body.kind):
            errors["signing_text"] = [_("Choose one of the signing texts offered.")]
    if template is None and not text:
        errors["text"] = [_("Say what was written when signing, or choose a signing text.")]
    if amount_agreed is not None and amount_agreed < 0:
        errors["amount_agreed"] = [_("The amount cannot be negative.")]
    now = timezone.now()
    signed_at = signed_at or now
    if signed_at > now:
        errors["signed_at"] = [_("When it was signed cannot be in the future.")]
    if errors:
        raise InvalidInput(errors)
    parts = [signing_text_fill(template, amount=amount_agreed, english=False)] if template else []
    parts += [text] if text else []
    body.signed_text = "\n".join(parts)
    body.signing_text_code = template.code if template else ""
    body.amount_agreed = amount_agreed
    body.signed_at, body.signed_by = signed_at, actor
    body.save(
        update_fields=[
            "signed_text",
            "signing_text_code",
            "amount_agreed",
            "signed_at",
            "signed_by",
        ]
    )
    save_change(locked, fields=[])
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.OUTSIDE_BODY_SIGNED,
        actor=actor,
        at=now,
        comment=body.signed_text,
        data={
            "body": _body_facts(body),
            "signing_text": body.signing_text_code,
            "amount_agreed": str(amount_agreed) if amount_agreed is not None else None,
            "signed_at": signed_at,
        },
    )
    return body


@transaction.atomic
def outside_body_close(
    *,
    complaint: Complaint,
    body_id: int,
    actor: User,
    result: str,
    note: str = "",
    amount_agreed: Decimal | None = None,
) -> OutsideBody:
    """Close the body's matter with its result. The case's legal hold stays: once no regulator,
    court, police or media matter is open, someone with the permission may lift it, saying why."""
    ensure_can_act(actor=actor, complaint=complaint, perms=OUTSIDE_BODY_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    body = _locked_body(locked, body_id)
    errors: dict[str, list[str]] = {}
    if result not in OutsideBody.Result.values:
        errors["result"] = [_("Choose how it ended.")]
    note = _clean(note, "note", errors)
    if amount_agreed is not None and amount_agreed < 0:
        errors["amount_agreed"] = [_("The amount cannot be negative.")]
    if errors:
        raise InvalidInput(errors)
    now = timezone.now()
    body.result, body.result_note, body.closed_at, body.closed_by = result, note, now, actor
    body.next_action_at = None
    fields = ["result", "result_note", "closed_at", "closed_by", "next_action_at"]
    if amount_agreed is not None:
        body.amount_agreed = amount_agreed
        fields.append("amount_agreed")
    body.save(update_fields=fields)
    save_change(locked, fields=[])
    still_held = (
        locked.legal_hold
        and OutsideBody.objects.filter(
            complaint=locked, closed_at__isnull=True, kind__in=HOLDING_KINDS
        ).exists()
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.OUTSIDE_BODY_CLOSED,
        actor=actor,
        at=now,
        comment=note,
        data={
            "body": _body_facts(body),
            "result": result,
            "amount_agreed": str(body.amount_agreed) if body.amount_agreed is not None else None,
            "late": bool(body.due_at and now > body.due_at),
            "hold_may_be_lifted": locked.legal_hold and not still_held,
        },
    )
    notifications_settle(
        keys=[reminder_key(body), reminder_key(body, late=True)],
        reason=Notification.Settled.BODY_CLOSED,
        by=actor,
        at=now,
    )
    return body


@transaction.atomic
def off_sale_order_record(
    *,
    complaint: Complaint,
    body_id: int,
    actor: User,
    product: str,
    ordered_on: date,
    order_reference: str = "",
    evidence_id: int | None = None,
) -> OffSaleOrder:
    """Record a regulator's or court's written order to take a product off sale; the purchasing
    department hears of it at once (it deals with the supplier, seed 004 §四.17)."""
    ensure_can_act(actor=actor, complaint=complaint, perms=OUTSIDE_BODY_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    body = _locked_body(locked, body_id, must_be_open=False)
    errors: dict[str, list[str]] = {}
    if body.kind not in ORDERING_KINDS:
        errors["body"] = [_("Only a regulator's or a court's order takes a product off sale.")]
    product = _clean(product, "product", errors, required=True, limit=200)
    order_reference = _clean(order_reference, "order_reference", errors, limit=100)
    now = timezone.now()
    if ordered_on is None or ordered_on > timezone.localdate(now):
        errors["ordered_on"] = [_("The order's date cannot be in the future.")]
    evidence = None
    if evidence_id:
        evidence = EvidenceFile.objects.filter(pk=evidence_id, complaint=locked).first()
        if evidence is None or not evidence.file:
            errors["evidence"] = [_("Choose one of this complaint's evidence files.")]
    if errors:
        raise InvalidInput(errors)
    order = OffSaleOrder.objects.create(
        body=body,
        product=product,
        order_reference=order_reference,
        ordered_on=ordered_on,
        evidence=evidence,
        recorded_by=actor,
        recorded_at=now,
    )
    save_change(locked, fields=[])
    people = department_contacts(
        department=department_by_code(code=settings.PURCHASING_DEPARTMENT_CODE)
    )
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.OFF_SALE_ORDERED,
        actor=actor,
        at=now,
        data={
            "body": _body_facts(body),
            "order": {"id": order.pk, "product": product, "reference": order_reference},
            "ordered_on": ordered_on,
            "evidence": {"id": evidence.pk} if evidence else None,
            "told": [person_snapshot(person) for person in people],
        },
        asked=people,  # purchasing may read the case it is asked to act on
    )
    notify(
        recipients=people,
        kind=Notification.Kind.OFF_SALE,
        complaint=locked,
        key=off_sale_key(order),
        template="off_sale_order",
        context={"order": order, "body": body},
        urgent=True,
    )
    return order


@transaction.atomic
def off_sale_order_done(
    *,
    complaint: Complaint,
    order_id: int,
    actor: User,
    done_by_id: int | None = None,
    done_at: datetime | None = None,
    note: str = "",
) -> OffSaleOrder:
    """Record who took the product off sale and when (default: the one recording, now)."""
    ensure_can_act(actor=actor, complaint=complaint, perms=OUTSIDE_BODY_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    order = (
        OffSaleOrder.objects.select_for_update(of=("self",))
        .filter(pk=order_id, body__complaint=locked)
        .select_related("body")
        .first()
    )
    if order is None:
        raise NotFound(_("This order is not on the complaint."))
    if order.done_at is not None:
        raise ConditionNotMet([_("The product was recorded as taken off sale already.")])
    errors: dict[str, list[str]] = {}
    note = _clean(note, "note", errors)
    now = timezone.now()
    done_at = done_at or now
    if done_at > now:
        errors["done_at"] = [_("When it was done cannot be in the future.")]
    who = actor
    if done_by_id and done_by_id != actor.pk:
        found = User.objects.filter(pk=done_by_id, is_active=True).first()
        if found is None:
            errors["done_by"] = [_("Choose who took it off sale.")]
        else:
            who = found
    if errors:
        raise InvalidInput(errors)
    order.done_by, order.done_at, order.done_note = who, done_at, note
    order.save(update_fields=["done_by", "done_at", "done_note"])
    save_change(locked, fields=[])
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.OFF_SALE_DONE,
        actor=actor,
        at=now,
        comment=note,
        data={
            "body": _body_facts(order.body),
            "order": {"id": order.pk, "product": order.product},
            "done_by": person_snapshot(who),
            "done_at": done_at,
        },
    )
    notifications_settle(
        keys=[off_sale_key(order)], reason=Notification.Settled.OFF_SALE_DONE, by=actor, at=now
    )
    return order


def outside_bodies_remind(*, now: datetime | None = None, batch: int = REMIND_BATCH) -> int:
    """Do what is due on the running deadlines of outside bodies, by the stage clocks' rule
    (sla.services.escalation_batch.clock_advance): the reminder before the deadline and the breach
    go to the contact person (else the assignee, else the nearest head), each escalation level
    after it as for a missed stage clock. Returns how many deadlines were acted on.

    Exactly once, as the clock sweep: the cases are locked first (lock order of the workflow
    services), skipping those another run or a user holds, then their bodies; a second run finds
    nothing due. Deadlines of finished cases are let go without a message."""
    now = now or timezone.now()
    due = OutsideBody.objects.filter(
        closed_at__isnull=True, paused_at__isnull=True, next_action_at__lte=now
    )
    with transaction.atomic():
        case_ids = set(
            due.order_by("next_action_at").values_list("complaint_id", flat=True)[:batch]
        )
        if not case_ids:
            return 0
        complaints = {
            complaint.pk: complaint
            for complaint in Complaint.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("department", "assignee__department")
            .filter(pk__in=case_ids)
            .order_by("pk")
        }
        bodies = list(
            due.select_for_update(of=("self",))
            .filter(complaint_id__in=list(complaints))
            .select_related("contact")
            .order_by("complaint_id", "pk")
        )
        step = EscalationSettings.current().level_step_working_days
        calendars: dict[int | None, WorkingCalendar] = {}
        recipients = Recipients()
        events, messages, planned = [], [], []
        acted = 0
        for body in bodies:
            complaint = complaints[body.complaint_id]
            body.complaint = complaint
            if not complaint.is_open or body.due_at is None:
                body.next_action_at = None
                continue
            if body.calendar_id not in calendars:
                calendars[body.calendar_id] = working_calendar(calendar_id=body.calendar_id)
            steps = clock_advance(
                cast(Timed, body),
                calendar=calendars[body.calendar_id],
                level_step_working_days=step,
                now=now,
            )
            acted += bool(steps.done())
            planned += [
                Planned(
                    complaint=complaint,
                    level=level,
                    reason=Escalation.Reason.OUTSIDE_BODY,
                    at=now,
                    subject=f"body:{body.pk}",
                )
                for level in steps.levels
            ]
            if not (steps.reminder or steps.breach):
                continue
            person = (
                body.contact
                if body.contact.is_active
                else recipients.for_reminder(complaint=complaint)
            )
            events.append(
                new_event(
                    complaint=complaint,
                    kind=CaseEvent.Kind.REMINDER,
                    actor=None,
                    at=now,
                    data={
                        "outside_body": _body_facts(body),
                        "due_at": body.due_at,
                        "late": steps.breach,
                        "recipient": person_snapshot(person),
                    },
                )
            )
            messages.append(
                Message(
                    recipients=[person],
                    kind=Notification.Kind.REMINDER,
                    complaint=complaint,
                    key=reminder_key(body, late=steps.breach),
                    template="outside_body_reminder",
                    context={"body": body, "late": steps.breach},
                    urgent=body.kind in HOLDING_KINDS,
                )
            )
        OutsideBody.objects.bulk_update(
            bodies, ["reminded_at", "breached_at", "escalated_level", "next_action_at"]
        )
        record_events(events=events)
        notify_many(messages=messages)
        escalations_record(planned=planned, recipients=recipients)
    return acted
