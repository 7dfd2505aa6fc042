"""Demo situations at the furniture mall, its premises: injuries, belongings, parking, security."""

from __future__ import annotations

from complaints.models.choices import Channel, Outcome, Remedy
from demo.data.definitions import Resolution, Scenario

HOME_STORE = [
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
]
