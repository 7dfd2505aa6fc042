"""Demo situations at the furniture mall, its service: staff, refunds, repairs, the hotline."""

from __future__ import annotations

from complaints.models.choices import Channel, Outcome, Remedy
from demo.data.definitions import Resolution, Scenario

HOME_SERVICE = [
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
]
