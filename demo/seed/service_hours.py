"""The customer service department on service hours (README "Three clocks").

客服部 keeps a calendar of its own, "客服部服务时间" (Monday to Friday 08:30-12:00 and 13:30-18:00,
working days only, 调休 included): its cases' deadlines count on it, and its people's reminder
e-mails wait for its opening hours. Its general cases of the category "其他" (routed to 客服部) run
on their own policy: first contact within 4 service hours; every other stage as the seeded general
policy. The seeded policies themselves are left as they are: 24 clock hours for the first response.
"""

from __future__ import annotations

from datetime import time

from accounts.models import Department
from complaints.models import Category, Severity
from sla.models import (
    BusinessCalendar,
    DepartmentCalendar,
    ServicePeriod,
    SlaPolicy,
    SlaTarget,
    Stage,
    Unit,
)
from sla.selectors import forget_policy_book
from sla.services import calendar_refresh_from_package, calendar_service_hours_set, default_years

CALENDAR_CODE = "cn-customer-service"
POLICY_CODE = "customer-service-general"
CATEGORY_CODE = "other"
DEPARTMENT_CODE = "customer-service"
DESK_HOURS = [(time(8, 30), time(12)), (time(13, 30), time(18))]
FIRST_CONTACT_SERVICE_HOURS = 4


def ensure_service_hours_department() -> SlaPolicy | None:
    """Create the calendar, its hours and the policy once; later runs leave them as edited."""
    category = Category.objects.filter(code=CATEGORY_CODE).first()
    if category is None:
        return None
    calendar, created = BusinessCalendar.objects.get_or_create(
        code=CALENDAR_CODE,
        defaults={
            "name": "客服部服务时间",
            "country": "CN",
            "time_zone": "Asia/Shanghai",
            "rest_weekdays": [6, 7],
        },
    )
    if created:
        calendar_refresh_from_package(calendar=calendar, years=default_years())
    if not ServicePeriod.objects.filter(calendar=calendar).exists():
        calendar_service_hours_set(calendar=calendar, weekly=dict.fromkeys(range(1, 6), DESK_HOURS))
    department = Department.objects.filter(code=DEPARTMENT_CODE).first()
    if department is not None and created:
        DepartmentCalendar.objects.get_or_create(
            department=department, defaults={"calendar": calendar}
        )
    policy = SlaPolicy.objects.filter(code=POLICY_CODE).first()
    if policy is not None:
        return policy
    general = SlaPolicy.objects.filter(
        severity=Severity.GENERAL, category__isnull=True, is_active=True
    ).first()
    policy = SlaPolicy.objects.create(
        name="客服部：一般投诉（服务时间）",
        code=POLICY_CODE,
        severity=Severity.GENERAL,
        category=category,
        calendar=calendar,
        description="首次联系客户：4 个服务小时（工作日 08:30-12:00、13:30-18:00）。",
    )
    targets = list(general.targets.all()) if general is not None else []
    for target in targets:
        target.pk = None
        target.policy = policy
        if target.stage == Stage.FIRST_RESPONSE:
            target.amount, target.unit = FIRST_CONTACT_SERVICE_HOURS, Unit.SERVICE_HOURS
    SlaTarget.objects.bulk_create(targets)
    forget_policy_book()  # bulk_create sends no signal
    return policy
