"""Demo situations at the auction house: authenticity, appraisal, settlement, procedure."""

from __future__ import annotations

from complaints.models.choices import Channel, Outcome, Remedy
from demo.data.definitions import Resolution, Scenario

AUCTION = [
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
]
