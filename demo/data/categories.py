"""The demo category tree; each category routes to a department and sets a default severity."""

from __future__ import annotations

from complaints.models.choices import Severity
from demo.data.definitions import CategoryDef

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
