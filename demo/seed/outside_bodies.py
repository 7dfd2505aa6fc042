"""The demo's outside-body case (issue 16 §2, §6; README "Outside bodies and evidence on hold"):
a heater that melted, referred by 12315, mediated by the district consumer association and
signed with the reservation sentence of seed 004 §三.13; the regulator then orders the model off
sale and the purchasing department takes it off. Played through the services at past times."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from complaints.models import Channel, Complaint
from complaints.services import complaint_create
from complaints.services.outside_bodies import (
    off_sale_order_done,
    off_sale_order_record,
    outside_body_close,
    outside_body_document_add,
    outside_body_record,
    outside_body_sign,
)
from demo.seed.organisation import Org

CUSTOMER = {"customer_name": "赵先生", "customer_phone": "+8613900007788"}


def scan(width: int = 8, height: int = 6) -> bytes:
    """A small real PNG standing for a scanned paper."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xf0\xf0\xf0" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def outside_body_case(org: Org, *, now: datetime) -> Complaint:
    """Received by 12315 eight days ago; the mediation signed yesterday; the order carried out."""
    agent, handler = org.users["agent"], org.users["product"]
    buyer = org.users["purchasing"]
    start = now - timedelta(days=8)

    def at(hours: float):
        return mock.patch.object(timezone, "now", lambda: start + timedelta(hours=hours))

    with at(0):
        case = complaint_create(
            actor=agent,
            channel=Channel.REGULATOR_12315,
            category=org.categories["quality-defect"],
            subject="电暖器使用一周后外壳熔化",
            description="购买的电暖器使用一周后外壳熔化变形，险些引起火灾。已通过12315平台投诉，"
            "要求退货并赔偿损失。",
            received_at=start,
            **CUSTOMER,
        )
    with at(1):
        regulator = outside_body_record(
            complaint=case,
            actor=handler,
            kind="market_regulator",
            name="北京市朝阳区市场监督管理局",
            channel="odr_platform",
            received_at=start,
            contact_id=handler.pk,
            their_reference="ODR-110105-2025-004512",
            notice="请于10个工作日内与消费者协商和解，并在平台反馈处理结果。",
        )
    with at(2):
        outside_body_document_add(
            complaint=case,
            body_id=regulator.pk,
            actor=handler,
            direction="received",
            upload=SimpleUploadedFile("12315转办单.png", scan(), "image/png"),
            evidence_kind="correspondence",
            description="12315 平台转办单",
        )
    with at(26):
        association = outside_body_record(
            complaint=case,
            actor=handler,
            kind="consumer_association",
            name="朝阳区消费者协会",
            channel="written_notice",
            received_at=start + timedelta(hours=25),
            contact_id=handler.pk,
            their_reference="朝消调字〔2025〕第88号",
            notice="定于本周五上午在区消协调解室进行调解。",
        )
    with at(98):
        outside_body_sign(
            complaint=case,
            body_id=association.pk,
            actor=handler,
            signing_text_code="settled_not_admitted",
            text="退货退款另行办理。",
            amount_agreed=Decimal("800"),
        )
        outside_body_document_add(
            complaint=case,
            body_id=association.pk,
            actor=handler,
            direction="received",
            upload=SimpleUploadedFile("消协调解书.png", scan(10, 7), "image/png"),
            evidence_kind="agreement",
            description="消协调解书（公司签字页）",
        )
        outside_body_close(
            complaint=case,
            body_id=association.pk,
            actor=handler,
            result="settled",
            note="调解成功：退货退款并给予顾客人民币800元。",
        )
    with at(120):
        order = off_sale_order_record(
            complaint=case,
            body_id=regulator.pk,
            actor=handler,
            product="暖阳牌 NSB-200 电暖器",
            ordered_on=timezone.localdate(start + timedelta(hours=120)),
            order_reference="朝市监责改〔2025〕12号",
        )
    with at(124):
        off_sale_order_done(
            complaint=case,
            order_id=order.pk,
            actor=handler,
            done_by_id=buyer.pk,
            note="全部门店已下架，库存 36 台退回供应商。",
        )
    return case
