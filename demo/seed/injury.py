"""The demo's personal-injury record (issue 16 §1; README "Personal injury"): on the newest open
injury case — a customer who slipped in the store, under investigation by risk control
(CP-2026-000144 in a fresh demo) — the decisions of the first hours, the advance approved against
the kept receipts, a witness, the ambulance, the accident report, the insurer notified and the
compensation breakdown; the insurer's written opinion and the hospital's certificates are still
missing. Played through the services at past times."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Complaint, InjuryRecord, State
from complaints.services import evidence_add
from complaints.services import injury as services
from demo.seed.organisation import Org
from demo.seed.outside_bodies import scan

BREAKDOWN = {
    "medical": (Decimal("2350.50"), "医院收费收据原件（已留存）"),
    "transport": (Decimal("180.00"), "出租车票据"),
    "lost_earnings": (Decimal("1200.00"), "医嘱全休两周及单位收入证明"),
    "hospital_meals": (Decimal("300.00"), "住院三天，按当地公务出差伙食标准"),
}


def injury_record_case(org: Org, *, now: datetime) -> Complaint | None:
    case = (
        Complaint.objects.filter(personal_injury=True, state=State.INVESTIGATION)
        .order_by("-received_at", "-id")
        .first()
    )
    if case is None or InjuryRecord.objects.filter(complaint=case).exists():
        return case
    desk, handler = org.users["agent"], case.assignee or org.handler("risk-control")
    # From when it was entered (a case may be entered a little after it was received).
    start = case.created_at
    # Its times: within the hours after it was received, never later than the history's end.
    last = now - timedelta(minutes=5)

    def at(hours: float):
        moment = min(start + timedelta(hours=hours), last)
        return mock.patch.object(timezone, "now", lambda: moment)

    def paper(name: str, kind: str, description: str, actor=handler):
        return evidence_add(
            complaint=case,
            actor=actor,
            kind=kind,
            upload=SimpleUploadedFile(name, scan(), "image/png"),
            description=description,
        )

    with at(0.2):
        services.injury_call_record(
            complaint=case,
            actor=desk,
            service="ambulance",
            called_at=case.received_at + timedelta(minutes=8),
        )
    with at(0.3):
        services.injury_accompany_decide(
            complaint=case, actor=handler, accompany=True, staff_id=desk.pk
        )
        services.injury_advance_decide(
            complaint=case, actor=handler, advance=True, amount=Decimal("1500.00")
        )
    with at(0.6):
        statement = paper("目击证人书面证言.png", "witness_statement", "目击证人书面证言", desk)
        services.injury_witness_add(
            complaint=case,
            actor=desk,
            name="周女士",
            phone="13912340000",
            statement_id=statement.pk,
        )
        services.injury_witness_add(
            complaint=case, actor=desk, name="保洁员 孙阿姨", phone="13800005678"
        )
    with at(1):
        services.injury_advance_request(complaint=case, actor=handler)
    with at(5):
        report = paper("事故报告.png", "inspection_report", "风险防控部事故报告")
        services.injury_document_record(
            complaint=case, actor=handler, item="accident_report", evidence_id=report.pk
        )
        services.injury_insurer_notify(
            complaint=case,
            actor=handler,
            notified_on=timezone.localdate(start),
            claim_number="PICC-2026-110-0042",
        )
    with at(20):
        receipts = paper("医疗收据原件扫描.png", "receipt", "医院收费收据（原件留存财务）")
        services.injury_document_record(
            complaint=case,
            actor=handler,
            item="receipts_kept",
            evidence_id=receipts.pk,
            note="病历、诊断证明、检查单、收费收据原件已交财务保管",
        )
    with at(21):
        services.injury_advance_approve(complaint=case, actor=org.head("risk-control"))
    with at(44):
        services.injury_compensation_set(complaint=case, actor=handler, heads=BREAKDOWN)
    return case
