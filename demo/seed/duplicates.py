"""The demo's repeat and duplicate complaints (issue 18 §4; README "Repeat and duplicate
complaints"): a customer whose case is under investigation calls again about the same order —
the new complaint, with a photo, is merged into the case that goes on — and writes once more about
something else, left at intake, where the agent sees the open case as a possible duplicate. Three
complaints within the repeat window: the customer carries the repeat complainant badge."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import CaseLink, Channel, Complaint, State
from complaints.services import complaint_create, evidence_add
from complaints.services.duplicates import complaint_merge_duplicate
from demo.seed.organisation import Org
from demo.seed.outside_bodies import scan

ORDER = "JD-20260188-4471"


def _phone_written_otherwise(e164: str) -> str:
    """+8613812345678 as a caller reads it out: 138 1234 5678."""
    national = e164.removeprefix("+86")
    return f"{national[:3]} {national[3:7]} {national[7:]}"


def duplicate_cases(org: Org, *, now: datetime) -> Complaint | None:
    """Returns the surviving case; nothing is added when it was done before."""
    if CaseLink.objects.filter(kind=CaseLink.Kind.DUPLICATE).exists():
        return None
    survivor = (
        Complaint.objects.filter(state=State.INVESTIGATION, customer__phone__startswith="+861")
        .exclude(customer__email="")
        .select_related("customer")
        .order_by("-received_at", "-id")
        .first()
    )
    if survivor is None:
        return None
    if not survivor.order_ref:
        Complaint.objects.filter(pk=survivor.pk).update(order_ref=ORDER)
        survivor.refresh_from_db()
    agent = org.users["agent"]
    customer = survivor.customer
    phone = _phone_written_otherwise(customer.phone)

    def at(minutes: int):
        moment = now - timedelta(minutes=minutes)
        return mock.patch.object(timezone, "now", lambda: moment)

    with at(30):
        duplicate = complaint_create(
            actor=agent,
            channel=Channel.PHONE,
            subject=f"再次来电：{survivor.subject}",
            description="客户再次来电，说的是同一个订单的同一个问题，问为什么还没有处理结果，"
            "并补发了一张照片。",
            customer_name=customer.name,
            customer_phone=phone,
            order_ref=survivor.order_ref.lower(),
            category=survivor.category,
        )
    with at(28):
        evidence_add(
            complaint=duplicate,
            actor=agent,
            kind="photo",
            upload=SimpleUploadedFile("补充照片.png", scan(), "image/png"),
            description="客户补发的现场照片",
        )
    with at(25):
        complaint_merge_duplicate(
            actor=agent,
            duplicate=Complaint.objects.get(pk=duplicate.pk),
            survivor=survivor,
            comment="同一订单、同一问题，客户重复来电。",
        )
    with at(10):
        complaint_create(
            actor=agent,
            channel=Channel.WEB,
            subject="发票抬头开错，要求重开",
            description="订单的电子发票抬头写错了公司名称，请重新开具。",
            customer_name=customer.name,
            customer_phone=customer.phone,
            category=survivor.category,
        )
    return survivor
