"""The demo's case library and canned replies (issue 18 §2-3): what the proposers wrote, and the
texts complaint managers keep. The stories name the customer on purpose where a hurried colleague
would: the library's copy shows them scrubbed."""

from __future__ import annotations

# (the category the case is drawn from, title, story, went well, went wrong, lesson, approved,
#  staff names shown)
LIBRARY = [
    (
        "repair-quality",
        "维修后未试机，空调二次返修",
        "{customer}来电说空调维修后第二天仍不制冷，电话 {phone}。上门复查发现压缩机接线松动，"
        "属首次维修时未按规程试机。",
        "当天安排复查，三个工作日内完成二次维修，回访时客户满意。",
        "首次维修后未试机半小时即离开；维修单上没有试机记录。",
        "维修完成后必须试机不少于 30 分钟，并在维修单上签字记录温度。",
        True,
        True,
    ),
    (
        "delivery-delay",
        "送货延误未主动告知",
        "客户订购的沙发超过约定日期五天未送达，客户多次来电才得知仓库缺货。",
        "客服在客户第二次来电时即升级到部门负责人，给出明确的新送货日期。",
        "缺货信息没有在第一时间告知客户，客户是自己打电话才知道的。",
        "订单一旦不能按期交付，当天由客服主动致电客户说明原因和新的日期。",
        True,
        False,
    ),
    (
        "service-attitude",
        "电话答复口径不一，投诉升级",
        "同一投诉两位客服给出不同答复，一位说可以退款，一位说不能，客户因此投诉服务态度。",
        "投诉管理专员统一口径后向客户道歉并说明政策。",
        "没有标准答复，客服凭记忆回答。",
        "常见问题使用标准答复（案例库旁的“标准答复”），答复前先查看案件时间线上已说过的话。",
        True,
        False,
    ),
    (
        "refund",
        "退款到账时间说明不清",
        "客户申请退款后一周未到账，再次投诉；实际上银行处理需要七个工作日。",
        "财务部当天提供了退款流水号。",
        "受理时没有告诉客户银行处理时间。",
        "退款时告知客户到账时间和查询方式，并记入联系记录。",
        False,
        False,
    ),
]

# (category code or None for every category, language, title, text)
CANNED_REPLIES = [
    (
        None,
        "zh-hans",
        "受理确认",
        "{customer_name}您好，您的投诉（编号 {reference}）已于 {received_date} 收到，我们会在一个工作日内与您联系。",
    ),
    (
        None,
        "en",
        "Acknowledgement",
        "Dear {customer_name}, we received your complaint {reference} on {received_date} and will "
        "contact you within one working day.",
    ),
    (
        None,
        "zh-hans",
        "处理结果答复",
        "{customer_name}您好，关于您的投诉 {reference}，我们已于 {decision_date} 作出处理决定，"
        "金额 {amount}。如有疑问请随时联系我们。",
    ),
    (
        None,
        "en",
        "Outcome",
        "Dear {customer_name}, on {decision_date} we decided your complaint {reference}: {amount}. "
        "Please contact us with any question.",
    ),
    (
        "repair-quality",
        "zh-hans",
        "维修复查安排",
        "{customer_name}您好，针对您反映的维修问题（{reference}），我们将安排技术人员免费上门复查，"
        "稍后会与您确认时间。",
    ),
    (
        "repair-quality",
        "en",
        "Repair re-inspection",
        "Dear {customer_name}, about the repair you reported ({reference}), a technician will "
        "inspect it again free of charge; we will call you to agree a time.",
    ),
    (
        "delivery-delay",
        "zh-hans",
        "延误致歉",
        "{customer_name}您好，您的订单未能按期送达，我们深表歉意。投诉编号 {reference}，"
        "我们会在今天内告知您新的送货日期。",
    ),
]
