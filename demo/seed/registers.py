"""The registers' demo entries (demo.data.registers), recorded through their services once: a
later run finds them there and leaves them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from complaints.models import OPEN_STATES, Complaint, LegalDocument, LostProperty
from complaints.services.legal_documents import (
    legal_document_forward,
    legal_document_link,
    legal_document_record,
)
from complaints.services.lost_property import lost_property_record, lost_property_set_outcome
from demo.data.registers import COURT_PAPERS, LAWYER_LETTER, LOST
from demo.seed.organisation import Org


def _case_of(category: str, *, open_only: bool = True) -> Complaint | None:
    cases = Complaint.objects.filter(category__code=category).order_by("-received_at")
    if open_only:
        cases = cases.filter(state__in=OPEN_STATES)
    return cases.first()


def ensure_registers(org: Org, now: datetime) -> None:
    if LegalDocument.objects.exists() or LostProperty.objects.exists():
        return
    agent, legal, legal_head = org.users["agent"], org.users["legal"], org.users["legal_head"]
    local_now = timezone.localtime(now)
    injury = _case_of("personal-injury") or _case_of("personal-injury", open_only=False)
    # The letter came before anyone knew which complaint it was about: linked to it afterwards.
    letter = legal_document_record(
        actor=agent, received_at=now - timedelta(days=2, hours=3), **LAWYER_LETTER
    )
    if injury is not None:
        legal_document_link(actor=agent, document_id=letter.pk, complaint=injury.reference)
    legal_document_forward(
        actor=agent,
        document_id=letter.pk,
        department=org.departments["legal"],
        person=legal,
        forwarded_at=now - timedelta(days=2, hours=2),
    )
    bag = _case_of("lost-belongings", open_only=False)
    # Received by the legal department's head (the designated person), recorded by the manager.
    legal_document_record(
        actor=org.users["manager"],
        received_by=legal_head,
        received_at=now - timedelta(hours=5),
        signed_by=legal_head,
        complaint=bag.reference if bag is not None else "",
        **COURT_PAPERS,
    )
    recorders = [agent, org.users["agent2"], org.users["risk"]]
    linked = _case_of("lost-belongings")
    for number, item in enumerate(LOST):
        day = local_now - timedelta(days=item.days_ago)
        lost_at = day.replace(hour=item.hour, minute=item.minute, second=0, microsecond=0)
        if lost_at > now:
            lost_at = now - timedelta(minutes=30)
        case = linked if item.category and linked is not None else None
        entry = lost_property_record(
            actor=recorders[number % len(recorders)],
            kind=item.kind,
            customer_name=["陈女士", "王先生", "李女士", "赵先生", "孙女士"][number % 5],
            customer_phone=f"+86139{number:08d}"[:14],
            lost_at=lost_at,
            department=org.departments[item.department] if item.department else None,
            area=item.area,
            description=item.description,
            contents=item.contents,
            police_report_number=item.police_report_number,
            complaint=case.reference if case is not None else "",
        )
        if item.outcome != LostProperty.Outcome.OPEN:
            lost_property_set_outcome(
                actor=org.users["risk"],
                entry_id=entry.pk,
                outcome=item.outcome,
                police_report_number=item.police_report_number,
            )
