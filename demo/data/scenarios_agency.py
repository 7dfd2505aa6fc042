"""Demo situations at the annual-review agency: deadlines, fees, privacy."""

from __future__ import annotations

from complaints.models.choices import Channel, Outcome, Remedy
from demo.data.definitions import Resolution, Scenario

AGENCY = [
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
