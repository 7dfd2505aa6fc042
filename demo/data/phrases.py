"""What people write on a demo case's timeline, stage by stage."""

from __future__ import annotations

from complaints.models.choices import Channel, Outcome, Remedy
from demo.data.definitions import Resolution

CHANNEL_PREFIX = {
    Channel.REGULATOR_12315: "【12315平台转办】",
    Channel.CONSUMER_ASSOCIATION: "【消费者协会转办】",
    Channel.MEDIA: "【媒体转来】记者来电反映：",
    Channel.LETTER: "【来信】",
    Channel.SOCIAL_MEDIA: "【社交媒体】客户发帖并私信反映：",
    Channel.GOVERNMENT: "【12345政务服务热线转办】",
    Channel.LEGAL_NOTICE: "【律师函】受客户委托函告：",
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
