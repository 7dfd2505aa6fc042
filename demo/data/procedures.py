"""The demo's two cases of seed 004's procedures (README "Agreements and payments", "The product
quality loop"): a sofa damaged in delivery settled by a signed agreement and paid against the
approved decision (§三.18-19, §四.14-15), and a cracked dining table passed to quality control and
purchasing, who answered (§四.1, §四.17)."""

from __future__ import annotations

from decimal import Decimal

AGREEMENT_CASE = {
    "customer_name": "钱先生",
    "customer_phone": "+8613900002019",
    "subject": "沙发送货时扶手划伤",
    "description": "新买的三人位真皮沙发送货上门时发现左侧扶手有一道10厘米划痕，要求赔偿。",
    "product_or_service": "三人位真皮沙发 SF-302",
    "order_ref": "SO-20261120-0457",
    "category": "transit-damage",
}
AGREEMENT_FINDINGS = "送货师傅搬运时碰撞门框所致，属运输损坏，公司负全责。"
AGREEMENT_DECISION = {
    "remedy": "compensation",
    "outcome": "upheld",
    "amount": Decimal("3200.00"),
    "rationale": "扶手划痕无法完全修复；经协商一次性补偿 3,200 元，顾客保留沙发。",
}
AGREEMENT_NOTE = "顾客签字后原件当场收回，未交顾客带走。"
CASH_OFFICE_RECEIVER = "出纳 彭娜"
PAYMENT = {"amount": Decimal("3200.00"), "method": "bank_transfer", "reference": "FK-2026-1187"}

QUALITY_CASE = {
    "customer_name": "孙女士",
    "customer_phone": "+8613900002020",
    "subject": "实木餐桌使用两个月桌面开裂",
    "description": "两个月前购买的胡桃木餐桌，桌面中间出现贯通裂缝，正常使用，无暴晒。",
    "product_or_service": "胡桃木实木餐桌 1.6米",
    "order_ref": "SO-20260928-0112",
    "category": "quality-defect",
}
QUALITY_REFERRAL = {
    "product": "胡桃木实木餐桌 1.6米",
    "product_code": "ZT-160-W / 批次 2609",
    "supplier": "南康木艺家具有限公司",
    "problem": "桌面中部贯通裂缝，疑为木材含水率不达标；同批次另有一例退货。",
}
QC_ANSWER = {
    "department": "quality_control",
    "finding": "defect_confirmed",
    "notes": "抽检同批次三张，含水率 14%-16%，高于标准，确认质量缺陷。",
}
PURCHASING_ANSWER = {
    "department": "purchasing",
    "supplier_contacted": True,
    "taken_off_sale": True,
    "returned_to_supplier": True,
    "compensated_by_supplier": True,
    "compensation_amount": Decimal("1500.00"),
    "notes": "已通知供应商；同批次 12 张下架退回，供应商承担顾客换货费用 1,500 元。",
}
