"""Demo complaints that are not accepted (不予受理), and the comment on a duplicate."""

from __future__ import annotations

from complaints.models.choices import RejectionReason
from demo.data.definitions import RejectionCase

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
