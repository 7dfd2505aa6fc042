"""Demo situations at the furniture mall, its goods: delivery, fitting, defects, safety, price."""

from __future__ import annotations

from complaints.models.choices import Outcome, Remedy
from demo.data.definitions import Resolution, Scenario

HOME_GOODS = [
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
]
