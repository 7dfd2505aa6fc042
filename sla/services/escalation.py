"""Reminders and escalations (逐级上报, 直至妥善解决), each recorded once.

Who hears of a level: 1 the head of the case's department (the first head up Department.chain(),
or the complaint managers when no department above has one), 2 the members of the
`complaint_manager` role group, 3 the members of the `executive` group. Role groups rather than
permissions: no permission belongs to exactly one of these roles (agents see every case too, heads
approve decisions too).

Exactly once, whoever runs it and however often: every Escalation has a unique key, every Reminder
is one-to-one with its clock, every Notification unique per person and cause; a clock is processed
under the case's row lock and re-checked there, so a second sweep, a second worker or a retried task
finds nothing left to do. Lock order, as in the workflow services: the case, then its clock.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from complaints.models import CaseEvent, Complaint, Decision, EscalationLevel, Notification
from complaints.services.notifications import notify
from complaints.timeline import record_event
from sla.models import Clock, Escalation, EscalationSettings, Reminder
from sla.selectors import calendar_for_policy, due_clocks
from sla.services.clocks import next_action_at

logger = logging.getLogger(__name__)

Reason = Escalation.Reason
TOP_LEVEL = EscalationLevel.SENIOR_MANAGEMENT
LEVEL_ROLES = {
    EscalationLevel.COMPLAINT_MANAGER: Role.COMPLAINT_MANAGER,
    EscalationLevel.SENIOR_MANAGEMENT: Role.EXECUTIVE,
}
# Facts that send a case straight to senior management, besides a large amount.
FACT_FLAGS = (
    (Reason.PERSONAL_INJURY, "personal_injury"),
    (Reason.MEDIA, "media_involved"),
    (Reason.REGULATOR, "regulator_involved"),
)
# A chunk waiting longer than this in the queue is dropped; the next sweep (every minute) sends
# the same clocks again, so a backlog holds at most about two copies of each.
CHUNK_EXPIRES_SECONDS = 120


# --- who hears of it ------------------------------------------------------------------------


def department_head(*, complaint: Complaint) -> User | None:
    """The active head nearest the case's department, walking up the parent chain."""
    if complaint.department is None:
        return None
    for department in complaint.department.chain():
        if department.head_id and department.head.is_active:
            return department.head
    return None


def role_members(*, role: Role) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=role.value).distinct().order_by("pk")


def level_recipients(*, complaint: Complaint, level: int) -> list[User]:
    if level <= EscalationLevel.DEPARTMENT_HEAD:
        head = department_head(complaint=complaint)
        if head is not None:
            return [head]
        # Nobody heads the departments above the case: an escalation must still reach someone.
        level = EscalationLevel.COMPLAINT_MANAGER
    return list(role_members(role=LEVEL_ROLES[min(level, TOP_LEVEL)]))


# --- recording ------------------------------------------------------------------------------


def escalation_key(*, complaint: Complaint, reason: str, clock: Clock | None, level: int) -> str:
    return f"{complaint.pk}:{reason}:{clock.pk if clock else '-'}:{level}"


def escalate(
    *,
    complaint: Complaint,
    level: int,
    reason: str,
    clock: Clock | None = None,
    at: datetime,
) -> Escalation | None:
    """Record one escalation of the (locked) case; None when this one was recorded before.

    The case's level only ever rises, by a compare-and-set update that leaves `version` alone:
    an escalation must not make the pages staff have open stale.
    """
    key = escalation_key(complaint=complaint, reason=reason, clock=clock, level=level)
    if Escalation.objects.filter(key=key).exists():
        return None
    try:
        with transaction.atomic():
            escalation = Escalation.objects.create(
                complaint=complaint, level=level, reason=reason, clock=clock, key=key, at=at
            )
    except IntegrityError:
        return None  # a concurrent run recorded it first
    Complaint.objects.filter(pk=complaint.pk, escalation_level__lt=level).update(
        escalation_level=level
    )
    complaint.escalation_level = max(complaint.escalation_level, level)
    record_event(
        complaint=complaint,
        kind=CaseEvent.Kind.ESCALATED,
        actor=None,
        at=at,
        data={
            "escalation_id": escalation.pk,
            "level": level,
            "reason": reason,
            "stage": clock.stage if clock else None,
            "due_at": clock.due_at if clock else None,
        },
    )
    notify(
        recipients=level_recipients(complaint=complaint, level=level),
        kind=Notification.Kind.ESCALATION,
        complaint=complaint,
        key=f"escalation:{key}",
        template="escalation",
        context={
            "escalation": escalation,
            "level_label": EscalationLevel(min(level, TOP_LEVEL)).label,
            "clock": clock,
        },
    )
    return escalation


def largest_amount(*, complaint: Complaint) -> Decimal | None:
    """The larger of the amount claimed and the amount of a live (pending or approved) decision."""
    offered = Decision.objects.filter(
        complaint=complaint,
        state__in=[Decision.Status.PENDING_APPROVAL, Decision.Status.APPROVED],
    ).aggregate(largest=Max("amount"))["largest"]
    amounts = [amount for amount in (complaint.amount_claimed, offered) if amount is not None]
    return max(amounts) if amounts else None


def escalate_on_facts(*, complaint: Complaint, at: datetime | None = None) -> list[Escalation]:
    """Send the (locked) case to senior management for each fact that calls for it, once each:
    a large claim or offer (大型投诉), personal injury, media, regulator."""
    at = at or timezone.now()
    reasons = [reason for reason, flag in FACT_FLAGS if getattr(complaint, flag)]
    amount = largest_amount(complaint=complaint)
    if EscalationSettings.current().is_large_claim(amount):
        reasons.insert(0, Reason.LARGE_CLAIM)
    recorded = [
        escalate(complaint=complaint, level=TOP_LEVEL, reason=reason, at=at) for reason in reasons
    ]
    return [escalation for escalation in recorded if escalation is not None]


# --- the clocks -----------------------------------------------------------------------------


def _remind(*, complaint: Complaint, clock: Clock, now: datetime) -> None:
    assignee = complaint.assignee
    recipient = (
        assignee if assignee and assignee.is_active else department_head(complaint=complaint)
    )
    clock.reminded_at = now
    try:
        with transaction.atomic():
            Reminder.objects.create(clock=clock, recipient=recipient, at=now)
    except IntegrityError:
        return  # sent before; the clock row just had not caught up
    record_event(
        complaint=complaint,
        kind=CaseEvent.Kind.REMINDER,
        actor=None,
        at=now,
        data={
            "stage": clock.stage,
            "due_at": clock.due_at,
            "recipient": str(recipient) if recipient else None,
        },
    )
    notify(
        recipients=[recipient],
        kind=Notification.Kind.REMINDER,
        complaint=complaint,
        key=f"reminder:{clock.pk}",
        template="reminder",
        context={"clock": clock},
    )


def clock_process(*, clock_id: int, now: datetime | None = None) -> list[str]:
    """Do what is due on one clock: its reminder, its breach, the escalation levels that follow.

    Returns what was done ("reminder", "breach", "level 1", ...); an empty list when nothing was
    due, which is what a second run, a second worker or a retry sees.
    """
    now = now or timezone.now()
    complaint_id = Clock.objects.filter(pk=clock_id).values_list("complaint_id", flat=True).first()
    if complaint_id is None:
        return []
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
        clock = (
            Clock.objects.select_for_update(of=("self",))
            .select_related("target__policy__calendar")
            .get(pk=clock_id)
        )
        if not clock.is_live or clock.next_action_at is None or clock.next_action_at > now:
            return []
        if not complaint.is_open:
            # The workflow stops every clock of a finished case; should one slip through, stop
            # sweeping it instead of escalating a closed case every minute.
            clock.next_action_at = None
            clock.save(update_fields=["next_action_at"])
            return []
        calendar = calendar_for_policy(policy=clock.target.policy)
        step = EscalationSettings.current().level_step_working_days
        done: list[str] = []
        # The deadline is the last moment allowed (23:59:59 of the last day): late only after it.
        if clock.breached_at is None and clock.due_at < now:
            # A reminder not sent by the deadline is skipped: the breach says more.
            clock.breached_at = now
            done.append("breach")
        elif (
            clock.breached_at is None
            and clock.reminded_at is None
            and clock.remind_at is not None
            and clock.remind_at <= now
        ):
            _remind(complaint=complaint, clock=clock, now=now)
            done.append("reminder")
        while clock.breached_at is not None:
            due = next_action_at(clock, calendar=calendar, level_step_working_days=step)
            if due is None or due >= now:
                break
            level = max(clock.escalated_level + 1, clock.breach_level)
            escalate(complaint=complaint, level=level, reason=Reason.BREACH, clock=clock, at=now)
            clock.escalated_level = level
            done.append(f"level {level}")
        clock.next_action_at = next_action_at(
            clock, calendar=calendar, level_step_working_days=step
        )
        clock.save(
            update_fields=["reminded_at", "breached_at", "escalated_level", "next_action_at"]
        )
    return done


def sweep_due_clocks(
    *, now: datetime | None = None, chunk_size: int = 100, limit: int = 10_000
) -> int:
    """Queue the live clocks with something due, oldest first, in chunks; returns how many.

    Nothing is written here: the state lives in the clocks, so a sweep that fails to queue (broker
    down) raises, and the next sweep finds the same clocks still due.
    """
    from sla.tasks import process_clocks_task

    now = now or timezone.now()
    ids = list(due_clocks(now=now).values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        try:
            process_clocks_task.apply_async(args=[chunk], expires=CHUNK_EXPIRES_SECONDS)
        except Exception:
            logger.exception(
                "Sweep could not queue %d of %d due clocks; the next sweep retries them.",
                len(ids) - start,
                len(ids),
            )
            raise
    return len(ids)
