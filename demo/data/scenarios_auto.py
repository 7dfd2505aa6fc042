"""Demo situations at the car dealership: repairs, parts, fees, sales promises, new-car defects."""

from __future__ import annotations

from complaints.models.choices import Channel, Outcome, Remedy
from demo.data.definitions import Resolution, Scenario

AUTO = [
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
]
