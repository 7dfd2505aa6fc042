"""The demo organisation: departments under the general manager's office, and the logins."""

from __future__ import annotations

from accounts.models import Department
from accounts.roles import Role
from demo.data.definitions import DepartmentDef, UserDef

DEMO_PASSWORD = "demo1234"

DEPARTMENTS = [
    DepartmentDef(
        "management", "总经理办公室", Department.Kind.MANAGEMENT, None, "gm-office@example.com"
    ),
    DepartmentDef(
        "customer-service", "客服部", Department.Kind.CUSTOMER_SERVICE, email="kefu@example.com"
    ),
    DepartmentDef("product", "产品部", Department.Kind.BUSINESS, email="product@example.com"),
    DepartmentDef("service", "服务部", Department.Kind.BUSINESS, email="service@example.com"),
    DepartmentDef("legal", "法务部", Department.Kind.FUNCTIONAL, email="legal@example.com"),
    DepartmentDef("marketing", "市场部", Department.Kind.BUSINESS, email="marketing@example.com"),
    DepartmentDef("quality", "品控部", Department.Kind.FUNCTIONAL, email="qc@example.com"),
    DepartmentDef(
        "risk-control", "风险防控部", Department.Kind.FUNCTIONAL, email="risk@example.com"
    ),
    DepartmentDef("purchasing", "采购部", Department.Kind.BUSINESS, email="purchasing@example.com"),
    DepartmentDef("finance", "财务部", Department.Kind.FUNCTIONAL, email="finance@example.com"),
]

USERS = [
    UserDef("admin", None, None, "赵", "立新", superuser=True),
    UserDef("agent", Role.AGENT, "customer-service", "李", "晓燕", 500),
    UserDef("agent2", Role.AGENT, "customer-service", "周", "敏", 500),
    UserDef("handler", Role.HANDLER, "service", "王", "志强", 2000),
    UserDef("head", Role.DEPT_HEAD, "service", "陈", "建华", 20000, heads="service"),
    UserDef(
        "manager",
        Role.COMPLAINT_MANAGER,
        "customer-service",
        "张",
        "丽娟",
        50000,
        heads="customer-service",
    ),
    UserDef("executive", Role.EXECUTIVE, "management", "刘", "国栋", 1000000, heads="management"),
    UserDef("auditor", Role.AUDITOR, None, "孙", "静"),
    UserDef("legal", Role.HANDLER, "legal", "何", "文博", 2000),
    UserDef("legal_head", Role.DEPT_HEAD, "legal", "林", "雪", 20000, heads="legal"),
    UserDef("product", Role.HANDLER, "product", "吴", "浩", 2000),
    UserDef("product_head", Role.DEPT_HEAD, "product", "郑", "伟", 20000, heads="product"),
    UserDef("marketing", Role.HANDLER, "marketing", "许", "佳", 2000),
    UserDef("marketing_head", Role.DEPT_HEAD, "marketing", "高", "明", 20000, heads="marketing"),
    UserDef("quality", Role.HANDLER, "quality", "马", "骏", 2000),
    UserDef("quality_head", Role.DEPT_HEAD, "quality", "罗", "红梅", 20000, heads="quality"),
    UserDef("risk", Role.HANDLER, "risk-control", "韩", "勇", 2000),
    UserDef("risk_head", Role.DEPT_HEAD, "risk-control", "唐", "振国", 20000, heads="risk-control"),
    UserDef("purchasing", Role.HANDLER, "purchasing", "冯", "磊", 2000),
    UserDef("purchasing_head", Role.DEPT_HEAD, "purchasing", "曹", "丽", 20000, heads="purchasing"),
    UserDef("finance", Role.HANDLER, "finance", "彭", "娜", 2000),
    UserDef("finance_head", Role.DEPT_HEAD, "finance", "蒋", "国平", 20000, heads="finance"),
]

# Who works a department's cases: (handler, head). 客服部 cases are handled by the complaint manager.
DEPARTMENT_STAFF = {
    "customer-service": ("manager", "manager"),
    "service": ("handler", "head"),
    "legal": ("legal", "legal_head"),
    "product": ("product", "product_head"),
    "marketing": ("marketing", "marketing_head"),
    "quality": ("quality", "quality_head"),
    "risk-control": ("risk", "risk_head"),
    "purchasing": ("purchasing", "purchasing_head"),
    "finance": ("finance", "finance_head"),
}
