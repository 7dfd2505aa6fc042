"""The four procedure checklists of the furniture mall's rules (seed 004 §五 to §八), as the demo
loads them (admin: *Checklist templates*). Each step: (position, text, English text, who, who in
English, within, unit, evidence required)."""

from __future__ import annotations

from dataclasses import dataclass

HOURS, WORKING_DAYS = "hours", "working_days"


@dataclass(frozen=True)
class StepDef:
    text: str
    text_en: str
    who: str
    who_en: str
    amount: int
    unit: str = HOURS
    evidence: bool = False
    # The item of the personal-injury record that ticks the step (complaints.models.InjuryItem).
    injury_item: str = ""


@dataclass(frozen=True)
class ChecklistDef:
    code: str
    name: str
    name_en: str
    source: str
    categories: tuple[str, ...]
    steps: tuple[StepDef, ...]
    # Given to every case flagged as a personal injury, whatever its category.
    personal_injury: bool = False


RISK = ("风险防控部当班主管", "Risk control supervisor on duty")
DUTY = ("当班管理人员", "Duty manager")
DESK = ("服务中心", "Service centre")

INSURANCE = ("负责保险的人员", "Insurance officer")
FOLLOW = ("跟踪专人", "Follow-up officer")

# Seed 004 §三: what the personal-injury record asks for, with the time each may take; each step
# is ticked by recording its item on the case's injury record (README "Personal injury").
INJURY_CHECKLIST = ChecklistDef(
    code="personal-injury",
    name="顾客人身伤害",
    name_en="Customer personal injury",
    source="004 §三.2-10",
    categories=(),
    personal_injury=True,
    steps=(
        StepDef(
            "联系目击证人，留下联系电话，最好取得书面证言",
            "Keep the witnesses: their phone numbers and, best, a written statement",
            *DESK,
            1,
            injury_item="witnesses",
        ),
        StepDef(
            "伤势严重或双方争执时报110，伤势较重时拨打120",
            "Call the police (110) for a serious injury or a dispute, an ambulance (120) "
            "for a serious injury",
            *DUTY,
            1,
            injury_item="emergency_call",
        ),
        StepDef(
            "风险防控部到场保护现场、收集证据并填写事故报告",
            "Risk control protects the scene, collects evidence and writes the accident report",
            *RISK,
            24,
            evidence=True,
            injury_item="accident_report",
        ),
        StepDef(
            "向公司委托的保险公司报案，请其出具书面理赔意见",
            "Notify the company's insurer and ask for its written opinion on the claim",
            *INSURANCE,
            24,
            injury_item="insurer",
        ),
        StepDef(
            "垫付费用的，保留病历、诊断证明、检查单和收费收据原件",
            "For an advance: keep the originals of the medical records, diagnosis, test "
            "results and receipts",
            *FOLLOW,
            3,
            WORKING_DAYS,
            evidence=True,
            injury_item="receipts_kept",
        ),
        StepDef(
            "顾客要求转院的，取得医院书面转院证明",
            "If the customer asks to change hospital: the hospital's written transfer certificate",
            *FOLLOW,
            5,
            WORKING_DAYS,
            evidence=True,
            injury_item="transfer_certificate",
        ),
        StepDef(
            "伤愈出院的，取得出院证明和病历资料",
            "On discharge: the discharge certificate and the medical records",
            *FOLLOW,
            10,
            WORKING_DAYS,
            evidence=True,
            injury_item="discharge_certificate",
        ),
    ),
)

CHECKLISTS = (
    INJURY_CHECKLIST,
    ChecklistDef(
        code="lost-belongings",
        name="随身或存放财物丢失、损坏",
        name_en="Belongings lost or damaged in the store or its lockers",
        source="004 §五",
        categories=("lost-belongings", "consigned-goods"),
        steps=(
            StepDef(
                "通知风险防控部及当班管理人员，带顾客到出口辨认",
                "Tell risk control and the duty manager; take the customer to the exits to look",
                *DUTY,
                1,
            ),
            StepDef(
                "询问包的特征、丢失地点、可疑人员特征和包内物品",
                "Ask for the bag's description, where it was lost, suspects and contents",
                *RISK,
                1,
            ),
            StepDef(
                "建议顾客报警并提供报警电话（由顾客报警）",
                "Advise the customer to call the police (the customer calls)",
                *RISK,
                1,
            ),
            StepDef(
                "监控室查找录像，便衣搜索现场及楼面",
                "CCTV room checks the recordings; plain-clothes staff search the floor",
                *RISK,
                2,
            ),
            StepDef(
                "广播失物信息，保洁检查垃圾桶和洗手间",
                "Lost-property announcement; cleaners check bins and toilets",
                *DUTY,
                2,
            ),
            StepDef(
                "提醒顾客挂失银行卡、防范钥匙风险",
                "Remind the customer to cancel cards and secure keys",
                *DUTY,
                2,
            ),
            StepDef(
                "在服务中心填写《顾客丢失物品登记表》",
                "Fill in the lost-property register at the service centre",
                *DESK,
                4,
                evidence=True,
            ),
            StepDef(
                "告知不作承诺、不提供书面证明，录像只提供给警方",
                "Tell the customer: no promise, no written certificate; recordings go to the police only",
                *DUTY,
                4,
            ),
            StepDef("配合警方调查取证", "Assist the police investigation", *RISK, 5, WORKING_DAYS),
        ),
    ),
    ChecklistDef(
        code="vehicle-property",
        name="顾客车辆或车内财物丢失、损坏",
        name_en="Vehicles and their contents lost or damaged in the car park",
        source="004 §六",
        categories=("vehicle-property",),
        steps=(
            StepDef(
                "保安或物业出面处理，记录肇事车辆车牌",
                "Security or the property company handles it; note the other vehicle's plate",
                "保安／物业公司",
                "Security / property company",
                1,
            ),
            StepDef(
                "请车主第一时间报警",
                "Ask the owner to call the police at once",
                "停车场管理人员",
                "Car park staff",
                1,
            ),
            StepDef(
                "取得公安机关立案证明并长期留存",
                "Obtain the police case-filing certificate and keep it",
                *RISK,
                3,
                WORKING_DAYS,
                evidence=True,
            ),
            StepDef(
                "未经高层管理人员同意不作任何赔偿承诺",
                "No promise of compensation without senior management's consent",
                *DUTY,
                1,
            ),
            StepDef(
                "联系停车场保险公司或物业管理公司协商理赔",
                "Contact the car park's insurer or the property company about the claim",
                *RISK,
                3,
                WORKING_DAYS,
            ),
            StepDef(
                "保险或物业书面同意后签订一次性赔偿协议",
                "Sign a one-off settlement only after the insurer's or property company's written consent",
                "风险防控部",
                "Risk control",
                10,
                WORKING_DAYS,
                evidence=True,
            ),
        ),
    ),
    ChecklistDef(
        code="customer-conflict",
        name="顾客之间或与员工冲突",
        name_en="Conflicts between customers or with staff",
        source="004 §七",
        categories=("staff-conduct",),
        steps=(
            StepDef(
                "劝开双方，不评论是非、不偏袒任何一方",
                "Separate the parties; take no side",
                "附近员工",
                "Staff nearby",
                1,
            ),
            StepDef(
                "通知风险防控部当班主管",
                "Call the risk control supervisor on duty",
                "附近员工",
                "Staff nearby",
                1,
            ),
            StepDef(
                "有人受伤时陪同就医，联系家属",
                "If someone is hurt, accompany them to hospital and contact their family",
                *DUTY,
                2,
            ),
            StepDef(
                "冲突激烈或有人受伤时向派出所报案，申请验伤",
                "If violent or someone is hurt, report to the police and ask for an injury examination",
                *RISK,
                2,
            ),
            StepDef(
                "请目击证人留下电话和书面证言",
                "Ask witnesses for their phone numbers and written statements",
                *RISK,
                4,
                evidence=True,
            ),
        ),
    ),
    ChecklistDef(
        code="alarm-gate",
        name="报警系统或截停引起的投诉",
        name_en="Complaints about alarm gates and stops",
        source="004 §八",
        categories=("security-check",),
        steps=(
            StepDef(
                "记录顾客陈述，收集顾客提供的资料",
                "Record the customer's account and what they provide",
                *DESK,
                2,
            ),
            StepDef(
                "联系风险防控部了解经过，查看录像并长期保存",
                "Ask risk control what happened; review the recording and keep it",
                *RISK,
                4,
                evidence=True,
            ),
            StepDef(
                "请在场同事出具证言，请目击证人作证并留电话",
                "Statements from staff present; witnesses' statements and phone numbers",
                *RISK,
                1,
                WORKING_DAYS,
                evidence=True,
            ),
            StepDef(
                "报告风险防控部和公司管理层",
                "Report to risk control and management",
                *RISK,
                1,
                WORKING_DAYS,
            ),
            StepDef(
                "未经特别批准不向他人提供录像（公检法除外）",
                "Show the recording to nobody without special approval (police, authorities and courts excepted)",
                *RISK,
                1,
                WORKING_DAYS,
            ),
        ),
    ),
)
