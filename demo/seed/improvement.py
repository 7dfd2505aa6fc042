"""The demo's improvement actions (整改措施, issue 18 §1; README "Improvement actions"), played
through the services at past times, once:

- verified effective: a process change for the after-sales category whose complaints fell most
  around a day six weeks back (the figures are the demo cases', counted by the reports' selector);
- overdue: the service department's repair check, due some working days ago and still in
  progress, reminded and escalated to the head by the reminder job;
- in progress from a case, and open from a recurring product (started from the dashboard).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint, ImprovementAction, State
from complaints.services.improvement import (
    improvement_action_complete,
    improvement_action_record,
    improvement_action_start,
    improvement_actions_remind,
    improvement_calendar,
)
from demo.seed.organisation import Org
from demo.seed.outside_bodies import scan
from reports.selectors.improvement import action_effect
from reports.services.improvement import improvement_action_check

CHECK_DAYS = 30


def _at(moment: datetime):  # type: ignore[no-untyped-def]
    return mock.patch.object(timezone, "now", lambda: moment)


def _working_day(org: Org, department: str, start: datetime, days: int) -> date:
    _id, calendar = improvement_calendar(department_id=org.departments[department].pk)
    return calendar.local_date(calendar.add_working_days(start, days))


def _case(category: str, before: datetime) -> Complaint | None:
    """The newest case of the category (or one just below it) closed before `before`: the
    action follows from it, so its timeline has it first."""
    return (
        Complaint.objects.filter(
            Q(category__code=category) | Q(category__parent__code=category),
            state=State.CLOSED,
            closed_at__lt=before,
        )
        .order_by("-received_at", "-id")
        .first()
    )


def _fallen_category(org: Org, done_at: datetime) -> str:
    """The category whose complaints fell most around `done_at` (by the reports' own count), so
    the verified action shows what a working change looks like."""
    best, drop = "repair-quality", None
    for code, category in org.categories.items():
        # The service department's categories: the action is a change of its after-sales visits.
        if category.default_department_id != org.departments["service"].pk:
            continue
        probe = ImprovementAction(category=category, done_at=done_at, check_days=CHECK_DAYS)
        effect = action_effect(action=probe, now=done_at + timedelta(days=CHECK_DAYS + 2))
        fell = effect.before - effect.after if effect is not None else 0
        if fell > 0 and (drop is None or fell > drop):
            best, drop = code, fell
    return best


def ensure_improvement_actions(org: Org, now: datetime) -> None:
    if ImprovementAction.objects.exists():
        return
    manager, head = org.users["manager"], org.users["head"]
    handler = org.users["handler"]
    service = org.departments["service"]

    # Verified effective: started eight weeks back, done six weeks back, checked now.
    done_at = now - timedelta(days=CHECK_DAYS + 12)
    started = done_at - timedelta(days=14)
    code = _fallen_category(org, done_at)
    category = org.categories[code]
    department = category.default_department or service
    owner = department.head or manager
    case = _case(code, started)
    with _at(started):
        verified = improvement_action_record(
            actor=manager,
            title="售后回访话术和上门预约确认流程修订",
            root_cause="process",
            description="同类投诉集中在上门时间未确认、未提前告知客户。修订预约确认流程：上门前一日电话确认，"
            "当日出发前短信告知，并纳入服务规范考核。",
            department=department,
            owner=owner,
            due_date=_working_day(org, department.code, started, 12),
            category=category,
            complaint=case.reference if case else "",
            check_days=CHECK_DAYS,
            now=started,
        )
        improvement_action_start(actor=owner, action_id=verified.pk, now=started)
    with _at(done_at):
        improvement_action_complete(
            actor=owner,
            action_id=verified.pk,
            evidence="《上门服务预约确认规范》第2版已发布（服务规范 SOP-07）；18 名服务人员完成培训并签到；"
            "派单系统增加“已确认”必填项。",
            files=[
                SimpleUploadedFile("培训签到表.png", scan(9, 6), "image/png"),
                SimpleUploadedFile("派单系统截图.png", scan(12, 8), "image/png"),
            ],
            now=done_at,
        )
    with _at(now):
        improvement_action_check(
            actor=manager,
            action_id=verified.pk,
            effective=True,
            note="执行后 30 天同类投诉明显减少，抽查 20 单预约记录均已确认；措施有效，纳入常规考核。",
            now=now,
        )

    # Overdue: due four working days ago, still in progress.
    created = now - timedelta(days=30)
    repair = _case("repair-quality", created)
    with _at(created):
        overdue = improvement_action_record(
            actor=head,
            title="维修完工后增加通电试机并拍照留档",
            root_cause="people",
            description="返修投诉多为维修后未试机即交付。完工单增加试机照片，班组长每周抽查。",
            department=service,
            owner=handler,
            due_date=_working_day(org, "service", created, 15),
            category=org.categories["repair-quality"],
            # A head links a case of their own department.
            complaint=repair.reference if repair and repair.department_id == service.pk else "",
            now=created,
        )
    with _at(created + timedelta(days=2)):
        improvement_action_start(
            actor=handler,
            action_id=overdue.pk,
            note="完工单模板已改，等待系统上线。",
            now=created + timedelta(days=2),
        )

    # In progress from a case, and open from a recurring product.
    soon = now - timedelta(days=3)
    delivery = _case("delivery-damage", soon) or _case("installation", soon)
    with _at(soon):
        running = improvement_action_record(
            actor=manager,
            title="送货搬运增加护角包装检查",
            root_cause="people",
            description="送货磕碰投诉：出车前检查护角和包装，送达后与客户当面验货签字。",
            department=service,
            owner=handler,
            due_date=_working_day(org, "service", soon, 10),
            complaint=delivery.reference if delivery else "",
            category=delivery.category if delivery else None,
            now=soon,
        )
        improvement_action_start(actor=handler, action_id=running.pk, now=soon)
    quality = org.departments.get("quality", service)
    with _at(now - timedelta(days=1)):
        improvement_action_record(
            actor=manager,
            title="实木家具进货检验增加含水率指标",
            root_cause="product",
            description="“仪表盘·反复出现的问题”中实木餐桌开裂投诉上升：进货检验增加含水率抽检，"
            "不合格批次退回供应商。",
            department=quality,
            owner=quality.head or manager,
            due_date=_working_day(org, quality.code, now, 20),
            product="实木餐桌",
            from_report=True,
            now=now - timedelta(days=1),
        )
    # The reminder job, as it would have run: the overdue action reminded, late and escalated.
    improvement_actions_remind(now=now)
