"""Texts and definitions for the demo data that `manage.py seed_demo` loads.

Everything here is plain data: the organisation, the category tree and the complaint situations,
drawn from the rule documents in ../shared/seeds (a furniture mall, a car dealership, an auction
house, an annual-review agency, the consumer-complaint rules). demo/seed.py turns it
into cases through the services.

Texts may use these placeholders: {product}, {store}, {claim} (amount claimed), {amount} (decision
amount) and {days}.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Department
from accounts.roles import Role
from complaints.models.choices import Channel, Outcome, RejectionReason, Remedy, Severity

DEMO_PASSWORD = "demo1234"

# --- organisation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentDef:
    code: str
    name: str
    kind: str
    parent: str | None = "management"
    email: str = ""


DEPARTMENTS = [
    DepartmentDef(
        "management", "总经理办公室", Department.Kind.MANAGEMENT, None, "gm-office@example.com"
    ),
    DepartmentDef(
        "customer-service", "客服部", Department.Kind.CUSTOMER_SERVICE, email="kefu@example.com"
    ),
    DepartmentDef("product", "产品部", Department.Kind.BUSINESS, email="product@example.com"),
    DepartmentDef("service", "服务部", Department.Kind.BUSINESS, email="service@example.com"),
    DepartmentDef("legal", "法务部", Department.Kind.FUNCTIONAL, email="legal@example.com"),
    DepartmentDef("marketing", "市场部", Department.Kind.BUSINESS, email="marketing@example.com"),
    DepartmentDef("quality", "品控部", Department.Kind.FUNCTIONAL, email="qc@example.com"),
    DepartmentDef(
        "risk-control", "风险防控部", Department.Kind.FUNCTIONAL, email="risk@example.com"
    ),
    DepartmentDef("purchasing", "采购部", Department.Kind.BUSINESS, email="purchasing@example.com"),
    DepartmentDef("finance", "财务部", Department.Kind.FUNCTIONAL, email="finance@example.com"),
]


@dataclass(frozen=True)
class UserDef:
    username: str
    role: Role | None
    department: str | None
    last_name: str
    first_name: str
    approval_limit: int = 0
    heads: str | None = None  # code of the department this person heads
    superuser: bool = False


USERS = [
    UserDef("admin", None, None, "赵", "立新", superuser=True),
    UserDef("agent", Role.AGENT, "customer-service", "李", "晓燕", 500),
    UserDef("agent2", Role.AGENT, "customer-service", "周", "敏", 500),
    UserDef("handler", Role.HANDLER, "service", "王", "志强", 2000),
    UserDef("head", Role.DEPT_HEAD, "service", "陈", "建华", 20000, heads="service"),
    UserDef(
        "manager",
        Role.COMPLAINT_MANAGER,
        "customer-service",
        "张",
        "丽娟",
        50000,
        heads="customer-service",
    ),
    UserDef("executive", Role.EXECUTIVE, "management", "刘", "国栋", 1000000, heads="management"),
    UserDef("auditor", Role.AUDITOR, None, "孙", "静"),
    UserDef("legal", Role.HANDLER, "legal", "何", "文博", 2000),
    UserDef("legal_head", Role.DEPT_HEAD, "legal", "林", "雪", 20000, heads="legal"),
    UserDef("product", Role.HANDLER, "product", "吴", "浩", 2000),
    UserDef("product_head", Role.DEPT_HEAD, "product", "郑", "伟", 20000, heads="product"),
    UserDef("marketing", Role.HANDLER, "marketing", "许", "佳", 2000),
    UserDef("marketing_head", Role.DEPT_HEAD, "marketing", "高", "明", 20000, heads="marketing"),
    UserDef("quality", Role.HANDLER, "quality", "马", "骏", 2000),
    UserDef("quality_head", Role.DEPT_HEAD, "quality", "罗", "红梅", 20000, heads="quality"),
    UserDef("risk", Role.HANDLER, "risk-control", "韩", "勇", 2000),
    UserDef("risk_head", Role.DEPT_HEAD, "risk-control", "唐", "振国", 20000, heads="risk-control"),
    UserDef("purchasing", Role.HANDLER, "purchasing", "冯", "磊", 2000),
    UserDef("purchasing_head", Role.DEPT_HEAD, "purchasing", "曹", "丽", 20000, heads="purchasing"),
    UserDef("finance", Role.HANDLER, "finance", "彭", "娜", 2000),
    UserDef("finance_head", Role.DEPT_HEAD, "finance", "蒋", "国平", 20000, heads="finance"),
]

# Who works a department's cases: (handler, head). 客服部 cases are handled by the complaint manager.
DEPARTMENT_STAFF = {
    "customer-service": ("manager", "manager"),
    "service": ("handler", "head"),
    "legal": ("legal", "legal_head"),
    "product": ("product", "product_head"),
    "marketing": ("marketing", "marketing_head"),
    "quality": ("quality", "quality_head"),
    "risk-control": ("risk", "risk_head"),
    "purchasing": ("purchasing", "purchasing_head"),
    "finance": ("finance", "finance_head"),
}

# --- categories ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name: str
    department: str
    severity: str = Severity.GENERAL
    description: str = ""
    children: tuple[CategoryDef, ...] = ()


CATEGORY_TREE = [
    CategoryDef(
        "sales",
        "销售投诉",
        "marketing",
        description="销售环节的价格、合同与宣传问题。",
        children=(
            CategoryDef(
                "price", "价格争议", "marketing", description="降价补差、额外收费、报价不符。"
            ),
            CategoryDef(
                "contract-terms",
                "合同条款",
                "legal",
                Severity.COMPLEX,
                "合同约定未兑现、格式条款争议。",
            ),
            CategoryDef(
                "misleading-advertising",
                "宣传误导",
                "marketing",
                Severity.COMPLEX,
                "宣传资料、导购介绍与实际不符。",
            ),
        ),
    ),
    CategoryDef(
        "after-sales",
        "售后服务",
        "service",
        description="维修、保养、配件与售后服务态度。",
        children=(
            CategoryDef("repair-quality", "维修质量", "service"),
            CategoryDef("service-attitude", "服务态度", "service"),
            CategoryDef(
                "parts", "配件问题", "purchasing", description="配件真伪、缺货、供应延误。"
            ),
            CategoryDef("vehicle-maintenance", "车辆维修保养", "service"),
        ),
    ),
    CategoryDef(
        "product-quality",
        "产品质量",
        "product",
        description="商品质量与性能问题；质量认定由品控部出具意见。",
        children=(
            CategoryDef("quality-defect", "质量缺陷", "product"),
            CategoryDef(
                "safety-hazard",
                "安全隐患",
                "quality",
                Severity.URGENT,
                "可能危及人身安全的商品问题，立即处理。",
            ),
        ),
    ),
    CategoryDef(
        "delivery-installation",
        "送货安装",
        "service",
        children=(
            CategoryDef("delivery-delay", "送货及交付延误", "service"),
            CategoryDef("installation", "安装质量", "service"),
            CategoryDef("transit-damage", "运输损坏", "service"),
        ),
    ),
    CategoryDef(
        "auction",
        "拍卖业务",
        "quality",
        description="拍品审查、鉴定估价、拍卖程序与结算。",
        children=(
            CategoryDef("authenticity", "拍品真伪与品相", "quality", Severity.COMPLEX),
            CategoryDef("appraisal", "鉴定估价", "quality"),
            CategoryDef("auction-procedure", "拍卖规则与程序", "legal", Severity.COMPLEX),
            CategoryDef("auction-settlement", "佣金与结算", "finance"),
        ),
    ),
    CategoryDef(
        "agency-service",
        "企业代办服务",
        "service",
        description="公司年审、年报等代办业务。",
        children=(
            CategoryDef("annual-review", "年审年报代办", "service"),
            CategoryDef("agency-fees", "代办收费", "finance"),
        ),
    ),
    CategoryDef(
        "service",
        "服务问题",
        "service",
        children=(
            CategoryDef("service-process", "服务流程与效率", "service"),
            CategoryDef("staff-conduct", "员工冲突", "risk-control", Severity.COMPLEX),
            CategoryDef("security-check", "防盗报警与截停", "risk-control", Severity.COMPLEX),
        ),
    ),
    CategoryDef(
        "billing",
        "收费与退款",
        "finance",
        children=(
            CategoryDef("refund", "退款问题", "finance"),
            CategoryDef("invoice", "发票问题", "finance"),
        ),
    ),
    CategoryDef(
        "personal-injury",
        "人身伤害",
        "risk-control",
        Severity.URGENT,
        "顾客在场内受伤或因商品受到伤害：立即通知值班经理和风险防控部。",
    ),
    CategoryDef(
        "property-loss",
        "财物损失",
        "risk-control",
        children=(
            CategoryDef("lost-belongings", "随身财物丢失", "risk-control"),
            CategoryDef("vehicle-property", "车辆及车内财物", "risk-control"),
            CategoryDef("consigned-goods", "委托保管物品损坏", "risk-control"),
        ),
    ),
    CategoryDef("privacy", "个人信息保护", "legal", Severity.COMPLEX),
    CategoryDef("other", "其他", "customer-service", description="公司政策、流程等其他问题。"),
]

# --- places and products ------------------------------------------------------------------------

STORES = {
    "home": ("华景家居广场（徐汇店）", "华景家居广场（浦东店）", "华景家居广场（闵行店）"),
    "auto": ("华景汽车4S店（闵行）", "华景汽车4S店（嘉定）"),
    "auction": ("华景拍卖秋季拍卖会", "华景拍卖春季拍卖会", "华景拍卖网络专场"),
    "agency": ("华景企业服务中心",),
}

# --- complaint situations -----------------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """One way a case of this kind is decided. `share` is a fraction of the amount claimed."""

    remedy: str
    outcome: str
    rationale: str
    amount: tuple[int, int] = (0, 0)
    share: tuple[float, float] | None = None
    weight: int = 1


@dataclass(frozen=True)
class Scenario:
    key: str
    line: str  # home / auto / auction / agency: picks {store}
    category: str
    subject: str
    description: str
    products: tuple[str, ...]
    expected: str
    findings: str
    resolutions: tuple[Resolution, ...]
    remedy_sought: str = ""
    claim: tuple[int, int] | None = None
    flags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # the usual ways in; empty: any
    service: str = "{product}"  # what goes into product_or_service
    notes: tuple[str, ...] = ()
    root_cause: str = ""
    handoff: tuple[str, str] | None = None  # (department code, note)
    handoff_chance: float = 0.0
    on_spot: str = ""  # findings when a simple case is answered on the spot
    weight: int = 2


SCENARIOS = [
    # --- furniture mall ---
    Scenario(
        key="furniture-delivery-delay",
        line="home",
        category="delivery-delay",
        subject="{product}超过约定日期仍未送货",
        description=(
            "客户在{store}订购{product}，合同约定{days}天内送货上门。到期后未收到任何通知，"
            "多次致电门店均被告知“还在排产”。客户已两次请假在家等候，要求给出明确送货时间。"
        ),
        products=("真皮三人位沙发", "布艺转角沙发", "实木餐桌椅套装", "定制衣柜", "儿童上下床"),
        expected="尽快确定送货时间，并按合同赔偿延期损失。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(300, 1500),
        findings=(
            "经核实，供应商排产延误，门店未按规定提前告知客户延期，属我方责任。"
            "已与供应商确认最晚送货日期。"
        ),
        notes=(
            "已联系采购部催促供应商，供应商承诺三日内发货。",
            "物流部门确认已排入本周六送货计划，并已短信通知客户。",
        ),
        root_cause="供应商交期管理不到位，门店未及时通知客户延期。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "按合同约定的延期违约金标准并适当上浮，一次性补偿{amount}元，优先安排送货。",
                amount=(200, 800),
                weight=3,
            ),
            Resolution(
                Remedy.GIFT,
                Outcome.PARTLY_UPHELD,
                "优先安排送货并赠送{amount}元家居购物券，客户同意不再追究延期责任。",
                amount=(100, 300),
            ),
        ),
        handoff=("purchasing", "延误原因在供应商，转采购部与供应商对接交期及违约责任。"),
        handoff_chance=0.3,
        weight=4,
    ),
    Scenario(
        key="wardrobe-installation",
        line="home",
        category="installation",
        subject="{product}安装后柜门不平、缝隙过大",
        description=(
            "{product}由门店安排师傅上门安装，完工后发现柜门高低不齐，最大缝隙约5毫米，抽屉推拉卡顿。"
            "客户当场提出返工，安装师傅称“这是正常误差”后离开。"
        ),
        products=("定制衣柜", "整体橱柜", "榻榻米储物柜", "书柜组合"),
        expected="重新派专业师傅上门调整，达到验收标准。",
        remedy_sought=Remedy.REPAIR,
        findings="安装主管上门复核，确认柜门铰链未调校到位、一块侧板安装偏差，属安装质量问题。",
        notes=("已安排安装主管与客户预约上门复核时间。",),
        root_cause="安装师傅未按验收标准自检，现场沟通不当。",
        resolutions=(
            Resolution(
                Remedy.REPAIR,
                Outcome.UPHELD,
                "安排资深安装师傅免费返工调整，完工后由客户验收签字；对原安装师傅进行培训考核。",
                weight=2,
            ),
            Resolution(
                Remedy.REPAIR,
                Outcome.UPHELD,
                "免费返工调整，并赠送{amount}元家居购物券表示歉意。",
                amount=(100, 300),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="transit-damage",
        line="home",
        category="transit-damage",
        subject="送货时{product}外观磕碰损坏",
        description=(
            "送货师傅搬运{product}时在楼道磕碰，表面出现明显划痕和凹坑。客户当场指出，"
            "签收单上已注明损坏情况，送货人员称“回去反映”，至今无人联系。"
        ),
        products=("大理石餐桌", "实木茶几", "真皮床头", "电视柜"),
        expected="更换同款新品。",
        remedy_sought=Remedy.EXCHANGE,
        findings="调取送货签收单及客户拍摄的照片，确认为运输搬运中造成损坏，属我方责任。",
        root_cause="送货人员未按规范使用护角和包装，搬运不当。",
        resolutions=(
            Resolution(
                Remedy.EXCHANGE,
                Outcome.UPHELD,
                "为客户调换同款全新商品，旧品同时回收，费用由物流承包方承担。",
                weight=2,
            ),
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "客户同意保留商品，给予{amount}元折价补偿并安排上门修补。",
                amount=(300, 1200),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="table-cracking",
        line="home",
        category="quality-defect",
        subject="{product}使用不到两个月表面开裂",
        description=(
            "客户在{store}购买{product}，使用不到两个月桌面出现多条裂纹，最长约30厘米。"
            "客户认为是木材未充分干燥的质量问题，导购却称“实木开裂属正常现象”。"
        ),
        products=("北美黑胡桃木餐桌", "橡木书桌", "樟子松实木床", "水曲柳茶几"),
        expected="全额退货退款。",
        remedy_sought=Remedy.REFUND,
        claim=(3000, 12000),
        findings=(
            "品控部现场查看并取样送检，木材含水率超出标准要求，确认为产品质量问题。"
            "已通知采购部向供应商追责。"
        ),
        notes=(
            "按规定质量认定通知品控部协助处理。",
            "采购部已将该批次商品信息告知供应商，同批次商品暂停销售。",
        ),
        root_cause="供应商木材干燥工艺不达标，进货检验未覆盖含水率指标。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "经检测确认质量问题，按退换货政策全额退款{amount}元，上门取回商品。",
                share=(1.0, 1.0),
                weight=2,
            ),
            Resolution(
                Remedy.EXCHANGE,
                Outcome.UPHELD,
                "客户同意更换其他批次的同款商品，免费上门更换。",
            ),
        ),
        handoff=("quality", "需出具质量认定意见，转品控部取样检测。"),
        handoff_chance=0.4,
        weight=3,
    ),
    Scenario(
        key="odour-children",
        line="home",
        category="safety-hazard",
        subject="新买{product}异味刺鼻，孩子出现咳嗽",
        description=(
            "客户购买{product}放入儿童房一周，异味持续不散，孩子出现咳嗽、眼睛发红，已到医院就诊。"
            "客户自行用检测仪测得甲醛超标，要求退货并承担检测和医疗费用。"
        ),
        products=("儿童乳胶床垫", "儿童书桌椅", "板式衣柜", "儿童床"),
        expected="退货退款，报销医疗费和检测费。",
        remedy_sought=Remedy.REFUND,
        claim=(2000, 8000),
        findings=(
            "品控部委托第三方检测机构检测，甲醛释放量符合国家标准，但包装内残留气味较重；"
            "医疗单据显示为上呼吸道感染，与商品的关联无法确认。"
        ),
        notes=("已提醒客户保留医院病历、诊断证明和收费收据原件。", "检测期间暂停该批次商品销售。"),
        root_cause="产品出厂前散味不充分，导购未告知通风注意事项。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.PARTLY_UPHELD,
                "检测结果达标，但考虑客户体验，同意退货退款{amount}元，检测费由我方承担，医疗费不予承担。",
                share=(0.4, 0.7),
                weight=2,
            ),
            Resolution(
                Remedy.INFORMATION,
                Outcome.NOT_UPHELD,
                "检测合格，向客户出具检测报告并提供免费上门除味服务。",
            ),
        ),
        handoff=("quality", "需委托第三方检测，转品控部办理。"),
        handoff_chance=0.3,
    ),
    Scenario(
        key="solid-wood-advert",
        line="home",
        category="misleading-advertising",
        subject="宣传“全实木”的{product}实为贴皮板材",
        description=(
            "客户在{store}购买{product}，导购介绍及宣传单页均标注“全实木”。使用中发现边角破损处露出颗粒板，"
            "客户认为商家欺诈，要求退一赔三。"
        ),
        products=("北欧风双人床", "四门衣柜", "实木框架沙发"),
        expected="按消费者权益保护法退一赔三。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(15000, 45000),
        flags=("legal_risk",),
        findings=(
            "核查宣传单页与商品检验报告：主材为实木，但背板及抽屉底板为多层板，宣传单页“全实木”表述不准确。"
        ),
        notes=(
            "市场部已下架相关宣传物料，统一更正商品标签。",
            "法务意见：宣传存在不准确之处，有被认定为误导的风险，建议协商解决。",
        ),
        root_cause="宣传物料未经法务审核，商品标签信息与检验报告不一致。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "宣传表述不准确，但主材确为实木，不构成欺诈。同意退货退款并另行补偿{amount}元，"
                "双方签署协议书一次性解决。",
                share=(0.3, 0.5),
            ),
        ),
        handoff=("legal", "客户主张欺诈并要求退一赔三，涉及法律认定，转法务部。"),
        handoff_chance=0.7,
    ),
    Scenario(
        key="price-protection",
        line="home",
        category="price",
        subject="购买{product}一周后大幅降价，要求退差价",
        description=(
            "客户{days}天前在{store}以原价购买{product}，本周商场促销同款降价{claim}元。"
            "导购在购买时承诺“近期不会再降价”，客户要求退还差价。"
        ),
        products=("智能电动床", "真皮沙发", "全屋定制套餐", "乳胶床垫"),
        expected="退还差价。",
        remedy_sought=Remedy.REFUND,
        claim=(300, 2500),
        findings="核实促销活动在客户购买后开始，商场价保政策为15天内降价补差，客户符合价保条件。",
        root_cause="促销信息未提前同步导购，价保政策未主动告知。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "符合15天价保政策，退还差价{amount}元。",
                share=(1.0, 1.0),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="mall-slip",
        line="home",
        category="personal-injury",
        subject="在商场{product}滑倒摔伤",
        description=(
            "客户称在{store}{product}因地面有积水滑倒，造成手腕骨折和膝盖擦伤，当时由现场员工协助送医。"
            "客户要求商场承担医疗费、误工费和营养费。"
        ),
        products=("扶梯口", "卫生间门口", "一楼中庭", "地下停车场入口"),
        service="{store}公共区域",
        expected="承担全部医疗费、误工费、营养费，共计约{claim}元。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(3000, 30000),
        flags=("personal_injury",),
        channels=(Channel.WALK_IN, Channel.PHONE),
        findings=(
            "调取监控确认事发时保洁人员刚拖地未放置警示牌，商场存在管理疏失。已向保险公司报案，"
            "保险公司书面同意承担医疗费；医院病历、诊断证明、收费收据原件已收集。"
        ),
        notes=(
            "值班经理已安排员工陪同就医，垫付的医疗费已向财务部紧急请款。",
            "已联系目击证人，留下联系电话并取得书面证言。",
            "已向公司委托的保险公司报案，等待书面理赔意见。",
            "风险防控部已保存现场监控录像并填写事故报告。",
        ),
        root_cause="保洁作业未设置警示标识，地面防滑管理不到位。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "依据医疗票据原件及医嘱，承担医疗费、交通费及误工费合计{amount}元；营养费未获医院证明不予支持。"
                "双方签署一次性赔偿协议书，协议书原件交财务保管。",
                share=(0.5, 0.85),
            ),
        ),
        handoff=("legal", "客户表示协商不成将起诉，转法务部提供法律意见。"),
        handoff_chance=0.2,
        weight=3,
    ),
    Scenario(
        key="bunk-bed-injury",
        line="home",
        category="personal-injury",
        subject="{product}护栏松脱导致孩子受伤",
        description=(
            "客户购买的{product}使用一个月，护栏连接件突然松脱，孩子从床上跌落，额头缝了三针。"
            "客户情绪激动，要求赔偿并召回问题产品。"
        ),
        products=("儿童上下床", "儿童护栏床", "婴儿床"),
        expected="赔偿医疗费及精神损失，召回同批次产品。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(10000, 60000),
        flags=("personal_injury",),
        findings=(
            "品控部检测确认护栏连接螺栓规格不符，属产品质量缺陷。采购部已通知供应商，"
            "同批次商品全部下架并启动召回。"
        ),
        notes=(
            "同批次商品已全部撤架，暂停销售。",
            "保险公司已书面确认理赔范围。",
            "已安排专人跟进孩子治疗情况，随时与相关部门保持联系。",
        ),
        root_cause="供应商擅自更换连接件规格，进货抽检未发现。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.UPHELD,
                "产品缺陷导致人身伤害，承担医疗费、护理费、交通费及精神损害抚慰金合计{amount}元，"
                "退还货款并召回同批次产品。",
                share=(0.6, 1.0),
            ),
        ),
        handoff=("quality", "需对护栏连接件进行质量认定，转品控部。"),
        handoff_chance=0.4,
    ),
    Scenario(
        key="bag-stolen",
        line="home",
        category="lost-belongings",
        subject="在商场购物时手提包被盗",
        description=(
            "客户在{store}挑选商品时把手提包放在购物车内，转身后发现包被盗，内有现金、手机和银行卡，"
            "损失约{claim}元。客户认为商场安保不力，要求赔偿。"
        ),
        products=("家居卖场二楼", "灯具区", "收银台附近"),
        service="{store}",
        expected="赔偿全部损失。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(1000, 8000),
        channels=(Channel.WALK_IN, Channel.PHONE),
        findings=(
            "风险防控部调阅监控，发现一名可疑男子拿走购物车内的手提包，录像已提供给警方，客户已报警并取得"
            "立案回执。商场有明显的安全提示标牌和定时广播。"
        ),
        notes=(
            "已立即建议客户挂失银行卡并报警。",
            "已通知广播室发布失物广播，保洁检查楼面垃圾桶，未找到。",
        ),
        root_cause="第三人违法犯罪行为；高峰时段安防巡查有待加强。",
        resolutions=(
            Resolution(
                Remedy.INFORMATION,
                Outcome.NOT_UPHELD,
                "损失系第三人违法犯罪行为所致，应由侵权人赔偿；商场已尽安全提示义务，不予赔偿，将继续配合警方调查。",
                weight=2,
            ),
            Resolution(
                Remedy.GIFT,
                Outcome.PARTLY_UPHELD,
                "商场不承担赔偿责任，出于顾客服务考虑赠送{amount}元购物卡以示慰问。",
                amount=(200, 500),
            ),
        ),
    ),
    Scenario(
        key="parking-scratch",
        line="home",
        category="vehicle-property",
        subject="停车场内车辆被剐蹭，肇事车辆已离开",
        description=(
            "客户将车停在{store}地下停车场，购物返回后发现车门被剐蹭，肇事车辆已离开。"
            "客户要求查看监控，并由商场赔偿维修费{claim}元。"
        ),
        products=("地下停车场B1层", "地下停车场B2层", "地面停车场"),
        service="{store}{product}",
        expected="赔偿维修费。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(800, 5000),
        findings=(
            "风险防控部查看监控，记录到肇事车辆车牌号，已协助客户报警并取得立案证明。"
            "停车场由物业公司管理并投保公众责任险，已联系物业及保险公司。"
        ),
        root_cause="停车场转弯处视线盲区，缺少减速提示。",
        resolutions=(
            Resolution(
                Remedy.OTHER,
                Outcome.NOT_UPHELD,
                "肇事方已由交警确认，维修费由肇事方承担；商场提供监控资料和报警证明协助索赔，不承担赔偿。",
            ),
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "物业公司及保险公司书面同意赔偿后，签订一次性赔偿协议，赔付{amount}元。",
                share=(0.5, 1.0),
            ),
        ),
    ),
    Scenario(
        key="locker-loss",
        line="home",
        category="lost-belongings",
        subject="存包柜内物品丢失",
        description="客户将购物袋存入{store}自助存包柜，取包时发现袋内{product}不见了，价值约{claim}元。",
        products=("一条羊绒围巾", "一盒茶叶", "一瓶香水", "儿童玩具"),
        service="{store}自助存包柜",
        expected="赔偿丢失物品。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(100, 400),
        findings=(
            "存包柜张贴有“仅供临时存放小额物品，不承担保管责任”告示；调阅监控未发现他人开柜。"
            "按规定200元以下的索赔由当班管理人员视情况灵活处理。"
        ),
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "按存包柜管理规定，出于顾客服务考虑给予{amount}元补偿。",
                amount=(80, 200),
            ),
        ),
        on_spot="已向客户说明存包柜告示及监控查看情况，当班经理给予小额补偿，客户表示理解。",
    ),
    Scenario(
        key="alarm-stop",
        line="home",
        category="security-check",
        subject="出口防盗报警误响，被保安当众拦下检查",
        description=(
            "客户结账后经过出口，防盗报警器鸣响，保安要求其打开购物袋检查，周围顾客围观，"
            "最终发现是收银员未消磁。客户认为人格尊严受到侵害，要求道歉并赔偿精神损失{claim}元。"
        ),
        products=("出口防盗门",),
        service="{store}",
        expected="书面道歉并赔偿精神损失。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(2000, 10000),
        channels=(Channel.WALK_IN, Channel.PHONE, Channel.SOCIAL_MEDIA),
        findings=(
            "调阅录像确认：报警系收银员未对一件商品消磁所致；保安按规程礼貌请客户配合，无身体接触，"
            "全程约3分钟。员工行为符合内部程序，但给客户造成不便。"
        ),
        notes=("已请风险防控部妥善存储录像并长期保留。", "已对当班收银员进行消磁操作再培训。"),
        root_cause="收银员未按规范消磁，消磁器未在上岗前检查。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY,
                Outcome.PARTLY_UPHELD,
                "员工处置合法合规，精神损害赔偿要求法律依据不足；对未消磁造成的不便书面致歉，并赠送{amount}元购物卡。",
                amount=(200, 500),
            ),
        ),
    ),
    Scenario(
        key="staff-dispute",
        line="home",
        category="staff-conduct",
        subject="与导购发生争执，被推搡",
        description=(
            "客户在{store}挑选商品时对价格提出疑问，导购语气不耐烦，双方发生争执，"
            "客户称被导购推了一下，手臂有淤青。客户要求开除该员工并公开道歉。"
        ),
        products=("沙发区导购", "灯具区导购", "床品区导购"),
        service="{store}{product}",
        expected="公开道歉，处理当事员工。",
        remedy_sought=Remedy.APOLOGY,
        channels=(Channel.WALK_IN, Channel.PHONE),
        findings="调取监控及证人证言：双方确有争执，导购有伸手阻挡动作，未见明显推搡。员工行为不当。",
        notes=("已请目击证人留下联系电话并写书面证言。",),
        root_cause="员工情绪管理和冲突处置培训不足。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY,
                Outcome.PARTLY_UPHELD,
                "员工处置不当，由门店负责人当面致歉；对该员工停岗培训并扣罚绩效。",
            ),
        ),
    ),
    Scenario(
        key="rude-service",
        line="home",
        category="service-attitude",
        subject="服务中心员工态度恶劣",
        description=(
            "客户到{store}咨询{product}，接待人员态度冷淡，一直看手机不理睬，回答问题不耐烦，"
            "还说“不买就别问”。"
        ),
        products=("家具保修", "会员积分兑换", "退换货政策"),
        service="{store}服务中心",
        expected="要求道歉，并对该员工进行教育。",
        remedy_sought=Remedy.APOLOGY,
        findings="查看服务中心录像并询问当班员工，确认接待人员服务用语不规范。",
        root_cause="服务规范执行不到位。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY,
                Outcome.UPHELD,
                "由部门负责人向客户电话致歉，当事员工作书面检查并参加服务规范培训。",
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="refund-delay",
        line="home",
        category="refund",
        subject="退货后{days}个工作日退款仍未到账",
        description=(
            "客户在{store}办理{product}退货，门店承诺7个工作日内原路退款，至今已{days}个工作日仍未到账，"
            "客服只说“在走流程”。"
        ),
        products=("布艺沙发", "乳胶床垫", "餐边柜", "吊灯"),
        expected="立即退款并说明原因。",
        remedy_sought=Remedy.REFUND,
        claim=(1500, 9000),
        findings="财务部核查：退款申请单因缺少门店负责人签字被退回，流程停滞且未通知客户。已加急补签并提交银行。",
        root_cause="退款审批流程节点多，退回时没有提醒。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "退款{amount}元已加急办理，预计1至3个工作日到账；对流程延误向客户致歉。",
                share=(1.0, 1.0),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="invoice-missing",
        line="home",
        category="invoice",
        subject="购买{product}后一个多月未开具发票",
        description="客户购买{product}时要求开具增值税普通发票，至今一个多月未收到，多次催问无果。",
        products=("全屋定制家具", "办公桌椅", "实木地板"),
        expected="尽快开具发票。",
        remedy_sought=Remedy.OTHER,
        findings="财务部核实开票信息登记错误（税号少一位），已重新开具电子发票并发送至客户邮箱。",
        root_cause="开票信息登记未复核。",
        resolutions=(
            Resolution(
                Remedy.INFORMATION, Outcome.UPHELD, "重新开具电子发票并发送至客户邮箱，向客户致歉。"
            ),
        ),
        on_spot="经核实开票信息有误，已当场重新开具电子发票发送至客户邮箱。",
    ),
    Scenario(
        key="warranty-charge",
        line="home",
        category="repair-quality",
        subject="质保期内维修{product}仍被收取上门费",
        description="客户购买的{product}在三年质保期内出现故障，报修后维修人员收取上门费和配件费共{claim}元。",
        products=("电动功能沙发", "智能马桶", "电动升降床"),
        expected="退还维修费用。",
        remedy_sought=Remedy.REFUND,
        claim=(150, 600),
        findings="核对销售记录，商品在质保期内，故障属质保范围，维修人员收费错误。",
        root_cause="售后维修人员未查询质保信息即收费。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "质保期内免费维修，退还已收取费用{amount}元。",
                share=(1.0, 1.0),
            ),
        ),
    ),
    Scenario(
        key="sofa-peeling",
        line="home",
        category="quality-defect",
        subject="{product}使用半年皮面大面积脱皮",
        description=(
            "客户在{store}购买的{product}使用半年即大面积脱皮，标签标注为头层牛皮。"
            "客户已在网上发帖，帖子被大量转发评论，客户要求退货。"
        ),
        products=("真皮沙发", "科技布沙发", "皮艺床"),
        expected="全额退货退款。",
        remedy_sought=Remedy.REFUND,
        claim=(6000, 20000),
        flags=("media_involved",),
        channels=(Channel.SOCIAL_MEDIA, Channel.MEDIA, Channel.PHONE),
        findings="品控部检测确认皮面为二层皮涂层，商品标签标注为头层牛皮，标签信息有误。",
        notes=("市场部已安排专人对接网络舆情，未经授权任何人不得对外发表意见。",),
        root_cause="供应商提供的材质信息未经核验。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "全额退货退款{amount}元，同款商品下架整改标签。",
                share=(1.0, 1.0),
            ),
        ),
        handoff=("quality", "需进行材质认定，转品控部。"),
        handoff_chance=0.5,
    ),
    Scenario(
        key="online-return-refused",
        line="home",
        category="refund",
        subject="网上商城购买{product}，七天无理由退货被拒",
        description=(
            "消费者通过网上商城购买{product}，收货第5天申请七天无理由退货被拒，客服称“定制类商品不退”，"
            "消费者称该商品并非定制。"
        ),
        products=("餐椅两把", "床头柜", "落地灯", "羊毛地毯"),
        service="网上商城 {product}",
        expected="按规定办理退货退款。",
        remedy_sought=Remedy.REFUND,
        claim=(500, 3000),
        channels=(Channel.REGULATOR_12315, Channel.WEB, Channel.API, Channel.PHONE),
        findings="核实该商品为标准品，不属于定制商品，客服判断错误。",
        root_cause="网店客服对七天无理由退货的适用范围把握错误。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "同意退货并全额退款{amount}元，退货运费由我方承担。",
                share=(1.0, 1.0),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="queue-waiting",
        line="home",
        category="service-process",
        subject="服务中心排队等候时间过长",
        description="客户到{store}服务中心办理{product}，排队等候超过一个小时，只开了一个窗口。",
        products=("退换货", "会员卡补办", "发票开具", "送货预约"),
        service="{store}服务中心",
        expected="增加窗口，提高效率。",
        remedy_sought=Remedy.APOLOGY,
        findings="当日为促销高峰，服务中心排班不足。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY, Outcome.UPHELD, "向客户致歉，高峰时段增开服务窗口并推行线上预约。"
            ),
        ),
        on_spot="已向客户致歉并说明当日系促销高峰，已临时增开窗口，意见已反馈门店改进排班。",
        weight=3,
    ),
    Scenario(
        key="points-rule",
        line="home",
        category="other",
        subject="会员积分规则变更未提前通知",
        description="客户称会员积分有效期由两年改为一年，事先未收到任何通知，导致部分积分过期作废。",
        products=("会员积分",),
        expected="恢复过期积分。",
        remedy_sought=Remedy.OTHER,
        findings="积分规则变更仅在官网公告，未短信通知会员。",
        resolutions=(
            Resolution(
                Remedy.GIFT,
                Outcome.PARTLY_UPHELD,
                "为客户补回过期积分；今后规则变更将短信通知会员。",
            ),
        ),
        on_spot="已向客户说明积分规则变更公告情况，并当场为其补回过期积分。",
        weight=3,
    ),
    Scenario(
        key="hotline-unanswered",
        line="home",
        category="service-process",
        subject="客服热线长时间无人接听",
        description="客户连续两天拨打客服热线，等待超过十分钟无人接听，转人工后被挂断。",
        products=("客服热线",),
        expected="尽快受理原诉求并改进热线服务。",
        remedy_sought=Remedy.APOLOGY,
        channels=(Channel.PHONE, Channel.EMAIL, Channel.WEB, Channel.SOCIAL_MEDIA),
        findings="经查为呼叫中心线路故障导致转接失败，已修复。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY, Outcome.UPHELD, "向客户致歉，线路故障已修复，原诉求已受理。"
            ),
        ),
        on_spot="已致歉并说明系线路故障，已修复，当场受理了客户的原诉求。",
    ),
    # --- car dealership ---
    Scenario(
        key="engine-light",
        line="auto",
        category="vehicle-maintenance",
        subject="车辆保养后发动机故障灯亮",
        description=(
            "客户的{product}在{store}做两万公里常规保养，取车当天仪表盘发动机故障灯亮起，"
            "返店检查被告知“传感器问题需另外收费”。客户认为是保养操作导致。"
        ),
        products=("帕萨特 2022款", "凯美瑞 2023款", "雅阁 2021款", "君越 2022款", "轩逸 2024款"),
        expected="免费维修并承担往返交通费。",
        remedy_sought=Remedy.REPAIR,
        claim=(200, 800),
        channels=(Channel.PHONE, Channel.WALK_IN, Channel.WEB),
        findings="技术主管检测确认：保养时进气管卡箍未复位，导致进气压力传感器报警，属保养操作失误。",
        root_cause="技师未按保养作业单完成复检。",
        resolutions=(
            Resolution(Remedy.REPAIR, Outcome.UPHELD, "免费维修并清除故障码，赠送一次免费保养。"),
            Resolution(
                Remedy.COMPENSATION,
                Outcome.UPHELD,
                "免费维修，并补偿往返交通费{amount}元。",
                amount=(200, 600),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="gearbox-noise",
        line="auto",
        category="repair-quality",
        subject="变速箱维修后异响依旧",
        description=(
            "客户的{product}因变速箱异响在{store}维修，花费{claim}元，取车后第三天异响再次出现。"
            "客户要求退还维修费或免费彻底修复。"
        ),
        products=("途观L 2021款", "CR-V 2020款", "RAV4 2021款", "昂科威 2020款"),
        expected="退还维修费或免费彻底修复。",
        remedy_sought=Remedy.REPAIR,
        claim=(3000, 12000),
        channels=(Channel.PHONE, Channel.WALK_IN),
        findings="技术部门复检确认上次维修未找到根本原因（同步器磨损），仅更换了变速箱油。",
        notes=("已安排技术主管与客户一起试车复现异响。",),
        root_cause="故障诊断不充分，维修后试车检验不到位。",
        resolutions=(
            Resolution(Remedy.REPAIR, Outcome.UPHELD, "免费更换同步器，并将该部件保修期延长一年。"),
            Resolution(
                Remedy.REFUND,
                Outcome.PARTLY_UPHELD,
                "退还首次维修费{amount}元，免费完成彻底维修。",
                share=(0.3, 0.6),
            ),
        ),
        weight=3,
    ),
    Scenario(
        key="non-oem-parts",
        line="auto",
        category="parts",
        subject="维修更换的刹车片疑似非原厂配件",
        description=(
            "客户的{product}在{store}更换刹车片，结算单标注为原厂配件。客户到其他修理厂检查被告知是副厂件，"
            "认为被欺骗，要求退一赔三，合计{claim}元。"
        ),
        products=("宝来 2020款", "卡罗拉 2021款", "思域 2022款"),
        expected="退一赔三。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(2400, 6000),
        flags=("legal_risk",),
        findings="采购部核对进货单据及配件条码：该批刹车片为品牌授权配套件，非原厂包装，结算单标注有误。",
        root_cause="配件入库信息录入错误，结算单标注与实际不符。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "免费更换原厂刹车片，并补偿{amount}元；对配件入库信息全面核查。",
                share=(0.3, 0.5),
            ),
        ),
        handoff=("legal", "客户主张欺诈、要求三倍赔偿，转法务部出具意见。"),
        handoff_chance=0.4,
    ),
    Scenario(
        key="parts-backorder",
        line="auto",
        category="parts",
        subject="配件缺货，车辆等待维修超过一个月",
        description=(
            "客户车辆事故后在{store}维修，因{product}缺货已等待{days}天，期间只能打车上下班。"
            "客户要求尽快修好并承担交通费用。"
        ),
        products=("前大灯总成", "空调压缩机", "变速箱控制模块", "后保险杠"),
        expected="尽快修复车辆，承担交通费。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(1000, 5000),
        findings="采购部确认该配件需从厂家总部调货，厂家延迟发货；已协调加急空运，预计3天到货。",
        root_cause="厂家配件供应延迟，缺件时未主动提供代步车。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "加急调货完成维修，补偿交通费{amount}元，并提供维修期间的代步车。",
                amount=(800, 3000),
            ),
        ),
    ),
    Scenario(
        key="forced-fee",
        line="auto",
        category="price",
        subject="购车时被收取{product}",
        description=(
            "客户在{store}购买新车，销售顾问称必须缴纳{product}{claim}元才能提车，发票上未体现该费用。"
            "客户认为属于强制收费。"
        ),
        products=("金融服务费", "上牌服务费", "出库费"),
        expected="退还违规收取的费用。",
        remedy_sought=Remedy.REFUND,
        claim=(2000, 6000),
        channels=(Channel.REGULATOR_12315, Channel.PHONE, Channel.CONSUMER_ASSOCIATION),
        findings="核查销售合同及收款记录，该项费用未在合同中列明，系销售顾问违规收取。",
        root_cause="销售人员违规收费，收款环节缺少与合同的比对。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "全额退还违规收取的费用{amount}元，对销售顾问严肃处理。",
                share=(1.0, 1.0),
            ),
        ),
    ),
    Scenario(
        key="gift-package",
        line="auto",
        category="contract-terms",
        subject="购车合同约定的赠品和保养套餐未兑现",
        description="客户的购车合同约定赠送{product}，提车时被告知赠品“暂时缺货”，此后多次询问均无结果。",
        products=("四次免费保养及行车记录仪", "全车贴膜和首年保险补贴", "两年免费保养套餐"),
        expected="兑现赠品或折现补偿。",
        remedy_sought=Remedy.GIFT,
        claim=(2000, 6000),
        findings="审阅合同，赠品条款明确有效；销售部门因赠品供应商变更未及时兑现。",
        root_cause="赠品供应商变更后未跟进在途客户。",
        resolutions=(
            Resolution(Remedy.GIFT, Outcome.UPHELD, "按合同兑现全部赠品，并额外赠送一次保养。"),
            Resolution(
                Remedy.COMPENSATION,
                Outcome.UPHELD,
                "客户选择折现，按赠品价值补偿{amount}元。",
                share=(0.8, 1.0),
            ),
        ),
    ),
    Scenario(
        key="config-mismatch",
        line="auto",
        category="misleading-advertising",
        subject="宣传配置与实车不符",
        description=(
            "客户在{store}购买{product}，宣传册及销售顾问介绍该车型带全景天窗和自适应巡航，"
            "提车后发现均没有。客户要求退车或赔偿。"
        ),
        products=("2026款SUV豪华版", "新能源轿车长续航版"),
        expected="退车或赔偿差价。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(30000, 80000),
        flags=("legal_risk",),
        findings="核查宣传册为上一年款配置表，门店未及时更换；销售顾问介绍时未核对实车配置。",
        notes=("宣传册已全部收回，市场部统一更换新版物料。",),
        root_cause="宣传物料版本管理缺失。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "宣传资料存在错误，一次性补偿{amount}元并免费加装原厂自适应巡航套件，客户不再要求退车，"
                "双方签署协议书。",
                amount=(8000, 30000),
            ),
        ),
        handoff=("legal", "客户要求退车并提出欺诈主张，转法务部评估。"),
        handoff_chance=0.6,
    ),
    Scenario(
        key="new-car-leak",
        line="auto",
        category="quality-defect",
        subject="新车提车一周发动机漏油",
        description="客户{days}天前在{store}提{product}新车，行驶不足500公里就发现发动机底部漏油，要求退车。",
        products=("2026款SUV", "中型轿车", "MPV商务版"),
        expected="按三包规定退车。",
        remedy_sought=Remedy.REFUND,
        claim=(150000, 260000),
        channels=(Channel.PHONE, Channel.WALK_IN, Channel.MEDIA, Channel.REGULATOR_12315),
        findings="厂家技术代表与品控部联合检测，确认发动机油底壳密封垫装配缺陷，符合三包规定的换车条件。",
        notes=("已按大型投诉流程报告高层管理人员。", "已为客户提供代步车。"),
        root_cause="生产装配缺陷，交车前PDI检查未发现渗漏。",
        resolutions=(
            Resolution(
                Remedy.EXCHANGE,
                Outcome.UPHELD,
                "依据汽车三包规定为客户更换同款新车，并承担重新上牌费用。",
            ),
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "客户选择退车，按三包规定扣除合理使用补偿后退还车款{amount}元。",
                share=(0.9, 0.98),
            ),
        ),
        handoff=("quality", "需会同厂家进行质量认定，转品控部。"),
        handoff_chance=0.5,
        weight=1,
    ),
    Scenario(
        key="maintenance-overcharge",
        line="auto",
        category="price",
        subject="保养实际收费与预约报价不符",
        description="客户预约{product}时客服报价680元，结算时收取{claim}元，多出的项目未经客户同意。",
        products=("常规保养", "两万公里保养", "空调清洗保养"),
        service="{store}{product}",
        expected="退还未经同意的项目费用。",
        remedy_sought=Remedy.REFUND,
        claim=(900, 1600),
        findings="核查工单，多出项目为技师推荐的节气门清洗和燃油添加剂，未取得客户签字确认。",
        root_cause="增项未执行客户签字确认流程。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "退还未经客户确认的项目费用{amount}元。",
                share=(0.25, 0.45),
            ),
        ),
    ),
    Scenario(
        key="car-delivery-delay",
        line="auto",
        category="delivery-delay",
        subject="新车交付日期一再推迟",
        description=(
            "客户在{store}订购{product}并支付定金{claim}元，合同约定的交车日期已过{days}天，门店多次推迟，"
            "客户要求按合同赔偿或退还定金。"
        ),
        products=("2026款SUV四驱版", "新能源轿车"),
        expected="按合同赔偿，或退还定金。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(5000, 20000),
        findings="厂家调配车源延误，门店未在约定交车日前书面告知客户。",
        root_cause="车源计划与销售承诺脱节。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "按合同约定支付违约金{amount}元，并书面承诺交车日期。",
                amount=(1000, 5000),
            ),
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "客户选择解除合同，全额退还定金{amount}元。",
                share=(1.0, 1.0),
            ),
        ),
    ),
    Scenario(
        key="car-service-attitude",
        line="auto",
        category="service-attitude",
        subject="售后接待人员态度恶劣",
        description="客户到{store}办理{product}，售后接待人员多次打断客户说话，并称“有意见去投诉”。",
        products=("车辆保养预约", "保险理赔报修", "质保期维修"),
        expected="道歉并更换接待人员。",
        remedy_sought=Remedy.APOLOGY,
        findings="调取接待区录音录像，确认接待人员服务用语不当。",
        root_cause="接待人员服务意识不足。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY,
                Outcome.UPHELD,
                "售后经理当面致歉，更换专属服务顾问，当事员工停岗培训。",
            ),
        ),
    ),
    # --- auction house ---
    Scenario(
        key="auction-fake",
        line="auction",
        category="authenticity",
        subject="竞得的{product}经鉴定为仿品",
        description=(
            "客户在{store}以{claim}元竞得{product}，事后送第三方鉴定机构，鉴定结论为现代仿品。"
            "客户认为拍卖公司未尽审查义务，要求退还全部价款及佣金。"
        ),
        products=("清代青花瓷瓶", "民国粉彩盘", "铜鎏金佛像", "近现代名家山水画"),
        expected="退还全部价款及佣金。",
        remedy_sought=Remedy.REFUND,
        claim=(60000, 300000),
        flags=("legal_risk",),
        channels=(Channel.LETTER, Channel.EMAIL, Channel.WALK_IN, Channel.PHONE),
        findings=(
            "拍卖前已在图录及拍卖规则中书面声明不保证拍品真伪，但本件拍品征集时的鉴定记录不完整。"
            "法务部认为公司主张免责有依据，但存在审查瑕疵风险。"
        ),
        notes=("已调取该拍品的征集、鉴定和入库记录。", "已书面通知委托人配合核查。"),
        root_cause="拍品征集环节鉴定记录不完整，未执行双人复核。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.PARTLY_UPHELD,
                "依据拍卖规则不承担真伪保证责任，但鉴于审查记录不完整，同意退还买方佣金{amount}元，"
                "并协助客户与委托人协商。",
                share=(0.1, 0.2),
            ),
        ),
        handoff=("legal", "客户拟起诉，涉及拍卖法免责声明效力，转法务部。"),
        handoff_chance=0.9,
    ),
    Scenario(
        key="appraisal-low",
        line="auction",
        category="appraisal",
        subject="送拍{product}估价明显偏低",
        description="客户将{product}送至{store}征集，专家给出的估价远低于客户此前在其他机构得到的估价，客户怀疑有意压价。",
        products=("和田玉摆件", "紫砂壶", "老字画", "古钱币一套"),
        expected="重新评估并给出书面估价依据。",
        remedy_sought=Remedy.INFORMATION,
        channels=(Channel.WALK_IN, Channel.PHONE, Channel.EMAIL),
        findings="品控部组织两位专家复评，估价依据近三年同类拍品成交记录，估价合理；已向客户提供书面估价说明。",
        resolutions=(
            Resolution(
                Remedy.INFORMATION,
                Outcome.NOT_UPHELD,
                "估价有公开成交数据依据，维持原估价；向客户提供书面说明，客户可自主决定是否委托。",
            ),
        ),
        on_spot="已请征集部专家当面解释估价依据，并提供近三年同类拍品成交记录，客户表示理解。",
    ),
    Scenario(
        key="settlement-late",
        line="auction",
        category="auction-settlement",
        subject="拍卖成交后结算款逾期未付",
        description=(
            "客户作为委托人，其{product}在{store}成交，按委托合同应在成交后35日内结算，"
            "现已逾期{days}天仍未收到款项。"
        ),
        products=("油画作品", "翡翠手镯", "古籍善本"),
        expected="立即支付结算款并支付逾期利息。",
        remedy_sought=Remedy.FINANCIAL_ASSISTANCE,
        claim=(20000, 120000),
        findings="财务部核实买受人已付款，结算款因内部审批延迟未按期支付。",
        root_cause="结算审批流程超期无预警。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.UPHELD,
                "立即支付结算款，并按合同约定支付逾期利息{amount}元。",
                amount=(300, 2000),
            ),
        ),
    ),
    Scenario(
        key="bid-increment",
        line="auction",
        category="auction-procedure",
        subject="拍卖现场加价幅度临时变更未告知",
        description=(
            "客户参加{store}，拍卖师在竞拍{product}过程中临时将加价幅度由1万元调整为5万元，"
            "客户未能及时应价，认为程序不公。"
        ),
        products=("第86号拍品", "第132号拍品", "第215号拍品"),
        expected="说明理由，重新拍卖。",
        remedy_sought=Remedy.INFORMATION,
        findings="拍卖规则规定拍卖师有权调整竞价阶梯；现场录像显示拍卖师已口头宣布。程序合规，但告知方式可以改进。",
        resolutions=(
            Resolution(
                Remedy.INFORMATION,
                Outcome.NOT_UPHELD,
                "拍卖程序符合规则，向客户出具书面说明；今后调整竞价阶梯时同步在大屏提示。",
            ),
        ),
    ),
    Scenario(
        key="catalog-condition",
        line="auction",
        category="authenticity",
        subject="拍品图录未披露{product}的修复痕迹",
        description="客户竞得{product}，收货后发现有明显修复痕迹，图录及预展说明均未提及。",
        products=("清代瓷碗", "老银器", "红木小件"),
        expected="退货退款。",
        remedy_sought=Remedy.REFUND,
        claim=(8000, 40000),
        findings="复核征集记录，征集时已发现修复痕迹，但图录未标注，属描述遗漏。",
        root_cause="图录编辑未与征集记录核对。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "同意退货，全额退还价款及佣金{amount}元。",
                share=(1.0, 1.0),
            ),
            Resolution(
                Remedy.COMPENSATION,
                Outcome.PARTLY_UPHELD,
                "客户愿意保留拍品，给予{amount}元补偿。",
                share=(0.2, 0.4),
            ),
        ),
    ),
    Scenario(
        key="online-bid-failure",
        line="auction",
        category="auction-procedure",
        subject="网络竞拍系统故障导致出价失败",
        description=(
            "客户通过网络竞拍平台参加{store}，在{product}竞价最后阶段点击出价无响应，"
            "拍品以低于其心理价位的价格被他人竞得。"
        ),
        products=("第18号拍品", "第57号拍品", "第99号拍品"),
        service="网络竞拍平台",
        expected="撤销成交结果或给予补偿。",
        remedy_sought=Remedy.COMPENSATION,
        channels=(Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.API),
        findings="系统日志显示当时平台出现约40秒的网络延迟，客户的出价请求未成功提交。",
        root_cause="竞拍平台高峰并发时的网络冗余不足。",
        resolutions=(
            Resolution(
                Remedy.GIFT,
                Outcome.PARTLY_UPHELD,
                "竞价结果依法有效无法撤销；向客户致歉，并赠送{amount}元佣金抵扣券。",
                amount=(500, 2000),
            ),
        ),
        handoff=("product", "涉及网络竞拍系统故障，转产品部核查系统日志。"),
        handoff_chance=0.8,
    ),
    Scenario(
        key="consigned-damage",
        line="auction",
        category="consigned-goods",
        subject="委托拍卖的{product}在保管期间损坏",
        description="客户委托{store}拍卖的{product}流拍后取回，发现有新增裂痕，要求按估价赔偿{claim}元。",
        products=("青花瓷罐", "红木插屏", "玉雕摆件"),
        expected="按估价赔偿。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(10000, 60000),
        findings="查阅入库、出库交接记录和照片：入库时无裂痕，出库时未复核，属保管期间损坏。保险公司已受理理赔。",
        root_cause="库房出库未执行复核拍照。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.UPHELD,
                "保险公司书面确认理赔后，与客户签订一次性赔偿协议，赔偿{amount}元。",
                share=(0.5, 0.8),
            ),
        ),
    ),
    # --- annual-review agency ---
    Scenario(
        key="annual-report-late",
        line="agency",
        category="annual-review",
        subject="委托代办的年报逾期未报，公司被列入经营异常名录",
        description=(
            "客户公司委托我司代办{product}并已支付服务费，但代办人员未按时提交，"
            "公司被市场监管部门列入经营异常名录，影响招投标。"
        ),
        products=("2025年度企业年报公示", "企业年审及税务申报", "工商年检"),
        expected="移出经营异常名录，赔偿损失。",
        remedy_sought=Remedy.COMPENSATION,
        claim=(5000, 30000),
        flags=("legal_risk",),
        channels=(Channel.PHONE, Channel.EMAIL, Channel.LETTER),
        findings="核实代办人员离职时交接遗漏该客户，年报未在6月30日前提交，属我方责任。",
        root_cause="人员离职交接清单不完整，缺少到期提醒。",
        resolutions=(
            Resolution(
                Remedy.COMPENSATION,
                Outcome.UPHELD,
                "免费代办移出经营异常名录手续，退还服务费并补偿{amount}元。",
                amount=(3000, 15000),
            ),
        ),
        handoff=("legal", "客户称招投标受损并准备索赔，转法务部评估责任。"),
        handoff_chance=0.5,
    ),
    Scenario(
        key="agency-extra-fee",
        line="agency",
        category="agency-fees",
        subject="年审代办额外收取加急费",
        description="客户签约时报价为{product}，办理过程中代办人员称需加急，另收费{claim}元，事先未告知。",
        products=("年审代办全包价1800元", "年报代办980元"),
        service="企业年审代办",
        expected="退还加急费。",
        remedy_sought=Remedy.REFUND,
        claim=(500, 1500),
        findings="合同未约定加急费，代办人员违规另行收费。",
        root_cause="代办收费未纳入统一收银。",
        resolutions=(
            Resolution(
                Remedy.REFUND,
                Outcome.UPHELD,
                "合同未约定加急费，全额退还{amount}元。",
                share=(1.0, 1.0),
            ),
        ),
    ),
    Scenario(
        key="data-leak",
        line="agency",
        category="privacy",
        subject="办理业务后频繁接到推销电话，怀疑个人信息泄露",
        description="客户在{store}办理{product}后，频繁接到贷款、装修等推销电话，对方能准确说出客户的姓名和业务信息。",
        products=("会员登记", "购车贷款预审", "工商年审代办"),
        expected="查明泄露原因，书面道歉。",
        remedy_sought=Remedy.APOLOGY,
        flags=("legal_risk",),
        findings="会同信息部门排查，发现一名离职员工曾导出客户名单，已报警并追究责任。",
        root_cause="客户数据导出权限管控不足。",
        resolutions=(
            Resolution(
                Remedy.APOLOGY,
                Outcome.UPHELD,
                "书面致歉，已报警处理；收紧数据导出权限并开展全员个人信息保护培训。",
            ),
        ),
    ),
]

# Complaints that are not accepted (不予受理): reason, subject, description, explanation.


@dataclass(frozen=True)
class RejectionCase:
    reason: str
    subject: str
    description: str
    comment: str
    category: str | None = None


REJECTIONS = [
    RejectionCase(
        RejectionReason.NOT_A_COMPLAINT,
        "咨询商场营业时间及停车收费标准",
        "客户来电询问节假日营业时间和停车场收费标准。",
        "属一般咨询，已当场解答，不作为投诉受理。",
        "other",
    ),
    RejectionCase(
        RejectionReason.NOT_OUR_BUSINESS,
        "电商平台第三方店铺购买的书桌质量问题",
        "客户在某电商平台第三方店铺购买的书桌出现开裂，误以为是我司商品。",
        "经核实该商品非本公司销售，已告知客户向销售方或平台投诉。",
        "quality-defect",
    ),
    RejectionCase(
        RejectionReason.TIME_BARRED,
        "五年前购买的实木床要求免费更换",
        "客户五年前购买的实木床床板断裂，要求免费更换新床。",
        "已超过质保期及投诉时限，已向客户解释并提供有偿维修渠道。",
        "quality-defect",
    ),
    RejectionCase(
        RejectionReason.COURT_OR_ARBITRATION,
        "车辆维修纠纷（已起诉）",
        "客户就车辆维修费用争议再次投诉，客户称已向人民法院起诉。",
        "客户已就同一事项向人民法院提起诉讼，依规不再按投诉受理，由法务部应诉。",
        "repair-quality",
    ),
    RejectionCase(
        RejectionReason.CANNOT_CONTACT,
        "来信反映商品质量问题，联系方式无效",
        "来信反映购买的灯具有质量问题，未写明购买时间和商品信息。",
        "按来信所留电话三次回拨均为空号，无法核实投诉人身份和投诉事实。",
        "quality-defect",
    ),
    RejectionCase(
        RejectionReason.NO_CLEAR_CLAIM,
        "来电反映“服务很差”，未能说明具体诉求",
        "客户来电情绪激动，多次表示“你们服务太差”，但无法说明具体事件和诉求。",
        "多次沟通未能明确投诉事实和诉求，已告知客户补充材料后可重新提交。",
        "other",
    ),
    RejectionCase(
        RejectionReason.SETTLED,
        "消协调解结案后再次要求赔偿",
        "客户就沙发质量问题在消协调解达成协议并已履行完毕，现再次要求额外赔偿。",
        "双方已在消协主持下签署调解协议并履行完毕，依规不再受理。",
        "quality-defect",
    ),
    RejectionCase(
        RejectionReason.OTHER,
        "要求公开员工个人信息",
        "客户要求提供为其服务的导购员的家庭住址和身份证号。",
        "涉及员工个人信息，依法不能提供；已告知客户可就服务问题另行投诉。",
        "other",
    ),
]
DUPLICATE_COMMENT = "客户就同一事项的投诉正在处理中，已合并至原投诉并告知客户。"

# --- customers ----------------------------------------------------------------------------------

SURNAMES = (
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"),
    ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"),
    ("马", "ma"), ("朱", "zhu"), ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"),
    ("罗", "luo"), ("高", "gao"), ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"),
    ("唐", "tang"), ("许", "xu"), ("邓", "deng"), ("冯", "feng"), ("韩", "han"), ("曹", "cao"),
    ("曾", "zeng"), ("彭", "peng"), ("萧", "xiao"), ("蔡", "cai"), ("潘", "pan"), ("田", "tian"),
    ("董", "dong"), ("袁", "yuan"), ("于", "yu"), ("余", "yu"), ("叶", "ye"), ("蒋", "jiang"),
    ("杜", "du"), ("苏", "su"), ("魏", "wei"), ("程", "cheng"), ("吕", "lv"), ("丁", "ding"),
    ("沈", "shen"), ("任", "ren"), ("姚", "yao"), ("卢", "lu"), ("傅", "fu"), ("钟", "zhong"),
    ("姜", "jiang"), ("崔", "cui"), ("谭", "tan"), ("陆", "lu"), ("范", "fan"), ("汪", "wang"),
)  # fmt: skip

GIVEN_NAMES = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("秀英", "xiuying"), ("敏", "min"),
    ("静", "jing"), ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
    ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("秀兰", "xiulan"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("桂英", "guiying"), ("建国", "jianguo"), ("建华", "jianhua"), ("志明", "zhiming"),
    ("海燕", "haiyan"), ("晓峰", "xiaofeng"), ("雪梅", "xuemei"), ("文杰", "wenjie"),
    ("佳怡", "jiayi"), ("子涵", "zihan"), ("浩然", "haoran"), ("欣怡", "xinyi"), ("宇轩", "yuxuan"),
    ("思远", "siyuan"), ("梓萱", "zixuan"), ("俊杰", "junjie"), ("婷婷", "tingting"),
    ("凤兰", "fenglan"), ("德福", "defu"), ("玉珍", "yuzhen"), ("国强", "guoqiang"),
    ("春燕", "chunyan"), ("立群", "liqun"), ("慧敏", "huimin"), ("嘉伟", "jiawei"),
    ("一鸣", "yiming"), ("振宇", "zhenyu"), ("诗琪", "shiqi"), ("雨桐", "yutong"),
    ("晨曦", "chenxi"), ("宏伟", "hongwei"), ("丽华", "lihua"), ("永康", "yongkang"),
)  # fmt: skip

EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "outlook.com", "foxmail.com")
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "185", "186", "187", "188", "189",
)  # fmt: skip

# (region, weight, districts or towns for the address)
REGIONS = (
    (
        "上海市",
        60,
        ("浦东新区", "徐汇区", "闵行区", "静安区", "杨浦区", "嘉定区", "宝山区", "松江区"),
    ),
    ("江苏省苏州市", 8, ("工业园区", "姑苏区", "吴中区")),
    ("江苏省南京市", 5, ("鼓楼区", "建邺区", "江宁区")),
    ("江苏省无锡市", 3, ("梁溪区", "滨湖区")),
    ("浙江省杭州市", 6, ("西湖区", "拱墅区", "滨江区")),
    ("浙江省宁波市", 3, ("鄞州区", "海曙区")),
    ("浙江省嘉兴市", 3, ("南湖区", "秀洲区")),
    ("安徽省合肥市", 3, ("蜀山区", "包河区")),
    ("山东省青岛市", 2, ("市南区", "崂山区")),
    ("北京市", 3, ("朝阳区", "海淀区")),
    ("广东省深圳市", 2, ("南山区", "福田区")),
    ("江西省南昌市", 2, ("红谷滩区", "东湖区")),
)
STREETS = (
    "张杨路", "漕溪北路", "虹桥路", "延安西路", "中山北路", "长寿路", "淮海中路", "莘建路",
    "人民路", "解放路", "建设路", "和平路", "文化路", "新华路", "学府路", "滨江大道",
)  # fmt: skip

# --- what people write on the timeline ----------------------------------------------------------

CHANNEL_PREFIX = {
    Channel.REGULATOR_12315: "【12315平台转办】",
    Channel.CONSUMER_ASSOCIATION: "【消费者协会转办】",
    Channel.MEDIA: "【媒体转来】记者来电反映：",
    Channel.LETTER: "【来信】",
    Channel.SOCIAL_MEDIA: "【社交媒体】客户发帖并私信反映：",
}

ACKNOWLEDGEMENTS = (
    "已致电客户确认投诉内容，告知已受理及投诉编号，将在1个工作日内安排专人跟进。",
    "已回电客户，安抚情绪并说明处理流程和时限。",
    "已与客户电话沟通，记录诉求，承诺在规定时间内给出答复。",
)
EMAIL_ACKNOWLEDGEMENT = "已回复受理确认邮件，告知投诉编号及后续处理时限。"

TRIAGE_COMMENTS = (
    "初步核实：投诉事项属实，按类别转责任部门处理。",
    "已核对购买凭证，确认为本公司销售的商品或服务，转责任部门。",
    "客户诉求明确，材料齐全，转责任部门调查。",
)
ASSIGN_COMMENTS = (
    "请跟进处理，注意时限。",
    "请今天内联系客户，三个工作日内完成调查。",
    "请负责本案，重要进展及时报告。",
)
PROGRESS_CONTACTS = (
    "向客户通报调查进展，预计{days}个工作日内给出处理方案。",
    "与客户约定上门查看时间，客户同意配合。",
    "告知客户已调取相关记录，正在核实，客户表示理解。",
)
INBOUND_CONTACTS = (
    "客户来电询问处理进度，已说明正在核实中。",
    "客户补充提供了购买凭证和现场照片。",
    "客户来电催促，情绪较急，已安抚并承诺尽快答复。",
)
GENERIC_NOTES = (
    "已调取相关单据和监控记录。",
    "已与当事员工面谈，了解事情经过。",
    "已与客户约定，协议书只签一份，原件交财务保管。",
)
URGENT_NOTES = (
    "已知悉。请风险防控部全程跟进，每日报告进展。",
    "已按大型投诉流程报告高层管理人员，对外口径由公司指定部门统一。",
    "涉及人身安全或舆情，请优先处理，未经授权不得对外表态。",
)
APPROVAL_COMMENTS = (
    "同意，按协议书办理。",
    "同意该方案，请尽快与客户签署协议书并安排付款。",
    "同意。请财务部按约定时间付款。",
)
REFUSAL_COMMENTS = (
    "金额偏高，请与客户再协商一次性解决方案后重新报批。",
    "依据不足，请补充票据原件和保险公司书面意见后再报。",
)
REPLY_TEMPLATES = (
    "您好！关于您反映的“{subject}”，我们已完成调查。处理结果：{rationale}如有疑问，请致电客服热线。",
    "尊敬的客户：您反映的“{subject}”已处理完毕。{rationale}感谢您的监督，给您带来不便敬请谅解。",
)
ON_SPOT_REPLY = "您好！关于您反映的“{subject}”：{findings}感谢您的理解与支持。"
REJECTION_REPLY = "已告知客户不予受理的原因：{comment}"
SATISFIED_COMMENTS = (
    "客户对处理结果表示满意，问题已解决。",
    "客户表示认可处理方案，款项已收到。",
    "客户基本满意，建议加强员工培训。",
    "客户表示感谢，问题已解决。",
)
DISSATISFIED_COMMENTS = (
    "客户表示问题再次出现，对处理结果不满意，要求二次处理。",
    "客户认为补偿金额过低，不接受处理结果。",
    "客户称承诺事项未落实，对处理结果不满意。",
)
FAILED_FOLLOW_UPS = ("电话无人接听。", "电话关机，已发送短信。", "拨打两次均未接通。")
EXHAUSTED_CLOSE = "三次回访均未联系上客户，按规定结案。"
REOPEN_COMMENT = "客户对处理结果不满意，启动二次处理。"
SECOND_FINDINGS = "二次处理：与客户面谈并重新核查，确认首次处理未彻底解决问题，已落实整改。"
SECOND_RESOLUTION = Resolution(
    Remedy.COMPENSATION,
    Outcome.UPHELD,
    "二次处理：在首次处理方案基础上另行补偿{amount}元，并由部门负责人回访确认问题彻底解决。",
    amount=(300, 2500),
)
WITHDRAWALS = (
    "客户来电表示已与门店自行协商解决，申请撤回投诉。",
    "客户表示商品已恢复正常使用，不再追究，撤回投诉。",
    "客户称误会已澄清，撤回投诉。",
    "客户表示将通过其他途径处理，撤回本投诉。",
)
