"""A case worked through every door that writes free text, each text marked, for the retention
and erasure tests: after anonymisation no marker may be left anywhere in the database or storage.
"""

from __future__ import annotations

import json
import zlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Department
from complaints.models import Complaint, ContactDirection, Decision, FollowUpMethod
from complaints.services import (
    complaint_add_note,
    complaint_hand_off,
    contact_record,
    decision_approve,
    decision_propose,
    evidence_add,
    follow_up_record,
)
from complaints.services.agreements import (
    agreement_hand_over,
    agreement_payment_record,
    agreement_record,
)
from complaints.services.quality import quality_answer_record, quality_refer
from sla.models import PauseReason
from sla.services import clocks_pause, clocks_resume
from tests.complaints.conftest import Flow
from tests.conftest import Org

MARK = "Zebraquagga"
MARK_PHONE = "13712345678"


def png(seed: int = 0) -> bytes:
    """A small real PNG; `seed` changes its pixels (and so its checksum and stored name)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (4).to_bytes(4, "big") + (3).to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    rows = b"".join(b"\x00" + bytes([seed % 256, 0x80, 0]) * 4 for _ in range(3))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload(seed: int = 0) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{MARK}-photo-{seed}.png", png(seed), content_type="image/png")


def worked_case(
    org: Org,
    flow: Flow,
    new_complaint,
    *,
    phone: str = MARK_PHONE,
    email: str = "zebraquagga.wang@example.com",
    seed: int = 1,
    ended_days_ago: int | None = 3 * 366,
) -> Complaint:
    """A complaint with a marked text in every free-text field, evidence, a note, a handoff, a
    paused deadline, a logged call, a quality referral answered, a decision approved with a
    comment, its agreement kept and paid, a reply e-mailed, a follow-up visit; closed `ended_days_ago` days ago (None: left open, at investigation)."""
    complaint = new_complaint(
        customer_name=f"{MARK}王先生",
        customer_phone=phone,
        customer_email=email,
        customer_address=f"{MARK}路 1 号",
        subject=f"{MARK} 空调维修后仍不制冷",
        description=f"{MARK} 上周维修过的空调再次不制冷。",
        order_ref=f"{MARK}-ORDER-1",
        expected_resolution=f"{MARK} 重新维修并赔偿",
        product_or_service="空调",
        amount_claimed=Decimal("800.00"),
    )
    evidence_add(
        complaint=complaint,
        actor=org.agent,
        kind="photo",
        upload=upload(seed),
        description=f"{MARK} 故障照片",
    )
    complaint_add_note(complaint=complaint, actor=org.agent, text=f"{MARK} 客户情绪激动")
    complaint = flow.run(complaint, "start_triage")
    complaint = flow.run(complaint, "start_investigation")
    complaint_hand_off(
        complaint=complaint,
        actor=org.manager,
        to_department=org.service,
        to_user=org.handler,
        note=f"{MARK} 请服务部处理",
    )
    complaint.refresh_from_db()
    clocks_pause(
        complaint=complaint,
        actor=org.handler,
        reason=PauseReason.TESTING_APPRAISAL,
        note=f"{MARK} 送检",
    )
    clocks_resume(complaint=complaint, actor=org.handler)
    contact_record(
        complaint=complaint,
        actor=org.handler,
        channel="phone",
        direction=ContactDirection.OUTBOUND,
        summary=f"{MARK} 电话沟通",
    )
    referral = quality_refer(
        complaint=complaint,
        actor=org.handler,
        product="空调",
        supplier="某电器厂",
        problem=f"{MARK} 压缩机异响",
    )
    quality_answer_record(
        complaint=complaint,
        referral_id=referral.pk,
        actor=org.handler,
        department="purchasing",
        answered_on=timezone.localdate(),
        supplier_contacted=True,
        notes=f"{MARK} 已联系厂家",
    )
    complaint.refresh_from_db()
    if ended_days_ago is None:
        return complaint
    complaint = flow.run(
        complaint, "complete_investigation", actor=org.handler, findings=f"{MARK} 压缩机接线松动"
    )
    decision = decision_propose(
        complaint=complaint,
        actor=org.handler,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal("5000"),
        rationale=f"{MARK} 维修质量问题",
        root_cause=f"{MARK} 培训不足",
        requested_approver=org.head,
    )
    decision_approve(
        decision=Decision.objects.get(pk=decision.pk), actor=org.head, comment=f"{MARK} 同意"
    )
    complaint.refresh_from_db()
    Department.objects.get_or_create(code="finance", defaults={"name": "财务部"})
    agreement = agreement_record(
        complaint=complaint,
        actor=org.handler,
        decision_id=decision.pk,
        amount=Decimal("5000"),
        signed_on=timezone.localdate(),
        note=f"{MARK} 原件收回",
    )
    agreement_hand_over(
        complaint=complaint, agreement_id=agreement.pk, actor=org.handler, received_by_name="出纳"
    )
    agreement_payment_record(
        complaint=complaint,
        agreement_id=agreement.pk,
        actor=org.manager,
        amount=Decimal("5000"),
        paid_on=timezone.localdate(),
        method="bank_transfer",
        note=f"{MARK} 转入顾客账户",
    )
    complaint.refresh_from_db()
    complaint = flow.run(complaint, "decide", actor=org.handler)
    complaint = flow.run(complaint, "send_reply", actor=org.handler, content=f"{MARK} 赔偿 5000 元")
    follow_up_record(
        complaint=complaint,
        actor=org.agent,
        method=FollowUpMethod.PHONE,
        reached=True,
        satisfaction=4,
        resolved=True,
        comment=f"{MARK} 客户满意",
    )
    complaint.refresh_from_db()
    complaint = flow.run(complaint, "close")
    return age(complaint, days=ended_days_ago)


def age(complaint: Complaint, *, days: int) -> Complaint:
    """Move the end of an ended case `days` back."""
    field = {"closed": "closed_at", "rejected": "rejected_at", "withdrawn": "withdrawn_at"}[
        complaint.state
    ]
    Complaint.objects.filter(pk=complaint.pk).update(
        **{field: timezone.now() - timedelta(days=days)}
    )
    complaint.refresh_from_db()
    return complaint


def database_text() -> str:
    """Every row of every table of the product, as JSON text (the audit log included)."""
    parts = []
    for model in apps.get_models():
        if not model._meta.managed or model._meta.proxy:
            continue
        if model._meta.app_label in ("contenttypes", "sessions", "admin", "django_celery_beat"):
            continue
        parts.append(serializers.serialize("json", model._base_manager.all(), ensure_ascii=False))
    return "\n".join(parts)


def markers_in_database() -> list[str]:
    text = database_text()
    return [found for found in (MARK, MARK.lower(), MARK_PHONE) if found in text]


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def as_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
