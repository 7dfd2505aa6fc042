"""The registers' demo entries (README "Legal documents received" and "Lost property"): a
lawyer's letter about an injury case, court papers signed for by the legal department, and a
month and a half of lost property at the furniture mall, so the statistics have a shape."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LostDef:
    days_ago: int
    hour: int
    minute: int
    kind: str
    department: str | None  # a demo department code, or None: not known
    area: str
    description: str
    contents: str
    outcome: str = "open"
    police_report_number: str = ""
    # Linked to a demo case of this category, when one exists.
    category: str = ""


LOST = [
    LostDef(
        0,
        15,
        20,
        "stolen",
        "product",
        "2F 沙发区",
        "黑色皮质手提包",
        "钱包、身份证、两张银行卡、家门钥匙",
        category="lost-belongings",
    ),
    LostDef(
        1,
        19,
        40,
        "lost",
        None,
        "1F 收银台 3",
        "蓝色双肩包",
        "笔记本电脑、充电器",
        outcome="returned",
    ),
    LostDef(
        2,
        15,
        5,
        "stolen",
        "product",
        "2F 沙发区",
        "棕色斜挎包",
        "手机、现金约 800 元",
        outcome="with_police",
        police_report_number="沪公(浦)受案字[2026]10235号",
    ),
    LostDef(
        3,
        11,
        10,
        "lost",
        "service",
        "3F 售后服务台",
        "钥匙串",
        "汽车钥匙、门禁卡",
        outcome="returned",
    ),
    LostDef(
        4,
        16,
        45,
        "snatched",
        None,
        "B1 停车场 C 区",
        "女士手提包",
        "手机、化妆品、现金",
        outcome="with_police",
        police_report_number="沪公(浦)受案字[2026]10301号",
    ),
    LostDef(6, 15, 30, "lost", "product", "2F 灯具区", "儿童水壶", "", outcome="not_found"),
    LostDef(
        8,
        19,
        15,
        "stolen",
        None,
        "1F 收银台 3",
        "黑色钱包",
        "银行卡、会员卡、现金约 300 元",
        outcome="not_found",
    ),
    LostDef(9, 14, 55, "lost", "product", "2F 沙发区", "手机", "", outcome="returned"),
    LostDef(
        11, 20, 5, "lost", None, "1F 入口存包柜", "购物袋", "一条羊绒围巾", outcome="not_found"
    ),
    LostDef(
        13,
        15,
        40,
        "stolen",
        "product",
        "2F 沙发区",
        "双肩包",
        "平板电脑、身份证",
        outcome="with_police",
        police_report_number="沪公(浦)受案字[2026]9876号",
    ),
    LostDef(17, 10, 30, "lost", "service", "3F 售后服务台", "雨伞", "", outcome="returned"),
    LostDef(
        22, 19, 50, "stolen", None, "1F 收银台 1", "手提包", "现金、银行卡", outcome="not_found"
    ),
    LostDef(
        27, 15, 10, "lost", "product", "2F 卧室家具区", "眼镜盒", "近视眼镜", outcome="returned"
    ),
    LostDef(
        34,
        16,
        20,
        "stolen",
        "product",
        "2F 沙发区",
        "黑色手提包",
        "钱包、手机",
        outcome="not_found",
    ),
    LostDef(41, 19, 30, "lost", None, "1F 收银台 3", "钥匙串", "家门钥匙", outcome="returned"),
]

LAWYER_LETTER = {
    "kind": "lawyer_letter",
    "sender": "上海某某律师事务所",
    "their_reference": "某律函字(2026)第 118 号",
    "delivered_by": "周律师（执业证号 13101201510000000）",
    "identity_check": "lawyer_licence",
    "addressee": "上海某某家居广场有限公司",
    "addressee_matches": True,
    "receipt": "left_unsigned",
    "summary": "受顾客委托，就其在卖场内滑倒受伤一事要求七日内赔偿医疗费、误工费等损失，否则将提起诉讼。",
    "note": "按规定未签收；律师坚持留下函件，已当即报告总经理办公室。",
}

COURT_PAPERS = {
    "kind": "court",
    "sender": "上海市浦东新区人民法院",
    "their_reference": "(2026)沪0115民初45678号",
    "delivered_by": "王法官、书记员李某",
    "identity_check": "work_id",
    "addressee": "上海某某家居广场有限公司",
    "addressee_matches": True,
    "receipt": "signed",
    "original_received": True,
    "evidence_enclosed": False,
    "evidence_inquiry": "法官告知原告将在举证期限内提交购物小票及监控截图，可在举证期满后到法院阅卷复制。",
    "summary": "起诉状副本、应诉通知书、举证通知书：顾客以随身财物在卖场被盗为由起诉要求赔偿。",
}
