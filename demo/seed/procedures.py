"""Seed 004's agreement and quality-loop cases, played through the services on the simulated clock
(demo/data/procedures.py): loaded with the other cases, the first time only."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from complaints.models import Channel, Complaint
from complaints.services import (
    complaint_create,
    complaint_transition,
    complaint_triage,
    decision_approve,
    decision_propose,
)
from complaints.services.agreements import (
    agreement_hand_over,
    agreement_payment_record,
    agreement_record,
)
from complaints.services.quality import quality_answer_record, quality_refer
from demo.data import procedures as data
from demo.seed.clock import SimulatedClock
from demo.seed.organisation import Org


def _case(org: Org, clock: SimulatedClock, fields: dict, department: str) -> Complaint:
    fields = dict(fields)
    category = org.categories[fields.pop("category")]
    complaint = complaint_create(
        actor=org.users["agent"], channel=Channel.WALK_IN, category=category, **fields
    )
    clock.current += timedelta(minutes=20)
    complaint = complaint_transition(
        complaint=complaint, name="start_triage", actor=org.users["agent"], data={}
    )
    complaint = complaint_triage(
        complaint=complaint,
        actor=org.users["agent"],
        department=org.departments[department],
        assignee=org.handler(department),
    )
    clock.current += timedelta(minutes=30)
    return complaint_transition(
        complaint=complaint, name="start_investigation", actor=org.users["agent"], data={}
    )


def agreement_case(org: Org, clock: SimulatedClock) -> Complaint:
    """Investigated, a 3,200 compensation the head approved, the agreement signed and kept by the
    finance cash office, paid in full by bank transfer; the case waits to be moved on to reply."""
    handler, head = org.handler("service"), org.head("service")
    complaint = _case(org, clock, data.AGREEMENT_CASE, "service")
    clock.current += timedelta(days=1)
    complaint = complaint_transition(
        complaint=complaint,
        name="complete_investigation",
        actor=handler,
        data={"findings": data.AGREEMENT_FINDINGS},
    )
    clock.current += timedelta(hours=2)
    decision = decision_propose(complaint=complaint, actor=handler, **data.AGREEMENT_DECISION)
    clock.current += timedelta(hours=3)
    decision_approve(decision=decision, actor=head, comment="同意一次性补偿。")
    complaint.refresh_from_db()
    clock.current += timedelta(days=1)
    agreement = agreement_record(
        complaint=complaint,
        actor=handler,
        decision_id=decision.pk,
        amount=decision.amount,
        signed_on=timezone.localdate(clock.current),
        note=data.AGREEMENT_NOTE,
    )
    clock.current += timedelta(hours=1)
    agreement_hand_over(
        complaint=complaint,
        agreement_id=agreement.pk,
        actor=handler,
        received_by_name=data.CASH_OFFICE_RECEIVER,
    )
    clock.current += timedelta(days=1)
    agreement_payment_record(
        complaint=complaint,
        agreement_id=agreement.pk,
        actor=org.users["manager"],
        paid_on=timezone.localdate(clock.current),
        **data.PAYMENT,
    )
    return complaint


def quality_case(org: Org, clock: SimulatedClock) -> Complaint:
    """Passed to quality control and purchasing by the product handler; both answered."""
    handler = org.handler("product")
    complaint = _case(org, clock, data.QUALITY_CASE, "product")
    clock.current += timedelta(hours=3)
    referral = quality_refer(complaint=complaint, actor=handler, **data.QUALITY_REFERRAL)
    for answer, delay in ((data.QC_ANSWER, 1), (data.PURCHASING_ANSWER, 2)):
        clock.current += timedelta(days=delay)
        quality_answer_record(
            complaint=complaint,
            referral_id=referral.pk,
            actor=handler,
            answered_on=timezone.localdate(clock.current),
            **answer,
        )
    return complaint


def procedure_cases(org: Org, clock: SimulatedClock, start: datetime) -> list[Complaint]:
    """Both cases, begun at `start` (a working morning a few days before the history ends)."""
    made = []
    for play in (agreement_case, quality_case):
        clock.current = start
        made.append(play(org, clock))
    return made
