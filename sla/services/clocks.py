"""Deadline clocks: planned, met, paused, resumed and re-planned by the workflow services.

Every function here runs inside the caller's transaction, on a case the caller has locked, so a
clock changes in the same commit as the step that changed it (no signals, nothing scattered).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Protocol

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from sla.calendar import WorkingCalendar
from sla.models import (
    LIVE,
    Clock,
    ClockPause,
    EscalationSettings,
    SlaPolicy,
    SlaTarget,
    Stage,
    StartEvent,
    Unit,
)
from sla.selectors import (
    PlanningCalendar,
    calendar_for_deadline,
    calendar_of_clock,
    policy_book,
    policy_for,
)

# What each workflow transition does to the clocks of the current round.
MET_BY_TRANSITION: dict[str, tuple[str, ...]] = {
    "answer_on_spot": (Stage.INVESTIGATION, Stage.DECISION, Stage.RESOLUTION),
    "complete_investigation": (Stage.INVESTIGATION,),
    "decide": (Stage.DECISION, Stage.RESOLUTION),
    "send_reply": (Stage.REPLY,),
    "close": (Stage.FOLLOW_UP,),
    "reopen": (Stage.FOLLOW_UP,),
}
STARTED_BY_TRANSITION: dict[str, str] = {
    "answer_on_spot": StartEvent.DECISION_RECORDED,
    "decide": StartEvent.DECISION_RECORDED,
    "send_reply": StartEvent.REPLY_SENT,
}
STOPS_EVERY_CLOCK = {"reject", "withdraw", "close"}
# A second handling (二次处理) gets fresh investigation and decision deadlines from the reopening.
RESTARTED_ON_REOPEN = (Stage.INVESTIGATION, Stage.DECISION)


class Timed(Protocol):
    """What reminding and escalating a deadline reads and moves: a stage clock's fields, and the
    same fields on other deadlines counted like a clock (an outside body's answer, issue 16 §2),
    so that they remind, breach and escalate by the one rule (next_action_at, clock_advance)."""

    due_at: datetime
    remind_at: datetime | None
    reminded_at: datetime | None
    breached_at: datetime | None
    escalated_level: int
    breach_level: int
    next_action_at: datetime | None

    @property
    def is_live(self) -> bool: ...


def due_for(*, calendar: WorkingCalendar, unit: str, amount: int, start: datetime) -> datetime:
    if unit == Unit.HOURS:
        return calendar.add_hours(start, amount)
    if unit == Unit.SERVICE_HOURS:
        return calendar.add_service_hours(start, amount)
    return calendar.add_working_days(start, amount)


def next_action_at(
    clock: Timed, *, calendar: WorkingCalendar, level_step_working_days: int
) -> datetime | None:
    """When the sweep next has work on this clock: its reminder, its breach, or the next level.

    Level `breach_level` is due at the deadline, each following level one step (working days) later.
    """
    if not clock.is_live:
        return None
    if clock.remind_at and clock.reminded_at is None and clock.breached_at is None:
        return clock.remind_at
    if clock.breached_at is None:
        return clock.due_at
    next_level = max(clock.escalated_level + 1, clock.breach_level)
    if next_level > 3:
        return None
    steps = (next_level - clock.breach_level) * level_step_working_days
    return clock.due_at if steps == 0 else calendar.add_working_days(clock.due_at, steps)


def remind_time(
    *, calendar: WorkingCalendar, unit: str, percent: int, start: datetime, due: datetime
) -> datetime | None:
    """When a deadline from `start` to `due` reminds: at `percent` of its time, in its own unit;
    None for 0 %."""
    if not percent:
        return None
    if unit == Unit.WORKING_DAYS:
        # Of the working time, so a reminder never lands in a holiday with little time left.
        span = calendar.working_time_between(start, due)
        return calendar.add_working_time(start, span * percent / 100)
    if unit == Unit.SERVICE_HOURS:
        # Of the service time: the reminder comes while the desk is open.
        span = calendar.service_time_between(start, due)
        return calendar.add_service_time(start, span * percent / 100)
    return start + (due - start) * percent / 100


def deadline_schedule(
    deadline: Timed, *, calendar: WorkingCalendar, unit: str, percent: int, start: datetime
) -> None:
    """Set a deadline's reminder time and next sweep time from its due time: a stage clock's
    (schedule) and any deadline counted like one (an outside body's answer)."""
    deadline.remind_at = remind_time(
        calendar=calendar, unit=unit, percent=percent, start=start, due=deadline.due_at
    )
    deadline.next_action_at = next_action_at(
        deadline,
        calendar=calendar,
        level_step_working_days=EscalationSettings.current().level_step_working_days,
    )


def schedule(clock: Clock, *, calendar: WorkingCalendar) -> None:
    """Set the reminder time, the provisional flag and the next sweep time from the due time."""
    # Working days and service hours both lie on the calendar's days, unconfirmed years included.
    clock.provisional = clock.unit != Unit.HOURS and calendar.is_provisional(clock.due_at)
    deadline_schedule(
        clock,
        calendar=calendar,
        unit=clock.unit,
        percent=clock.reminder_percent,
        start=clock.started_at,
    )


def _plan(
    *, complaint: Complaint, target: SlaTarget, chosen: PlanningCalendar, start: datetime
) -> Clock:
    calendar = chosen.working
    clock = Clock(
        complaint=complaint,
        case_department_id=complaint.department_id,
        case_assignee_id=complaint.assignee_id,
        calendar_id=chosen.calendar_id,
        stage=target.stage,
        round=complaint.reopen_count,
        target=target,
        amount=target.amount,
        unit=target.unit,
        reminder_percent=target.reminder_percent,
        breach_level=target.breach_level,
        started_at=start,
        due_at=due_for(calendar=calendar, unit=target.unit, amount=target.amount, start=start),
    )
    schedule(clock, calendar=calendar)
    return clock


def clocks_start(
    *,
    complaint: Complaint,
    event: str,
    at: datetime,
    stages: Iterable[str] | None = None,
) -> list[Clock]:
    """Open the clocks of the current round that start at `event` (only `stages`, if given)."""
    created = _start(complaint=complaint, event=event, at=at, stages=stages)
    complaint_sync_next_due(complaint=complaint)
    return created


def clocks_start_with_new_case(*, complaint: Complaint, at: datetime) -> list[Clock]:
    """Write a case that is not saved yet together with the clocks its receipt starts.

    The clocks are planned first, so the case is inserted with its next_due_at already set: the
    same rows as clocks_start after the insert, three statements fewer (no look-up of clocks a
    new case cannot have, no update and re-read of next_due_at).
    """
    clocks = _planned(complaint=complaint, event=StartEvent.RECEIVED, at=at)
    complaint.next_due_at = min((clock.due_at for clock in clocks), default=None)
    complaint.save(force_insert=True)
    return Clock.objects.bulk_create(clocks)


def _start(
    *, complaint: Complaint, event: str, at: datetime, stages: Iterable[str] | None = None
) -> list[Clock]:
    existing = set(
        Clock.objects.filter(complaint=complaint, round=complaint.reopen_count)
        .order_by()  # Meta.ordering would join the case for its receipt time
        .values_list("stage", flat=True)
    )
    return Clock.objects.bulk_create(
        _planned(complaint=complaint, event=event, at=at, stages=stages, existing=existing)
    )


def _planned(
    *,
    complaint: Complaint,
    event: str,
    at: datetime,
    stages: Iterable[str] | None = None,
    existing: Collection[str] = (),
) -> list[Clock]:
    """The clocks (unsaved) of the current round that start at `event`, but for `existing` stages."""
    book = policy_book()  # one read for the policy and every calendar below
    policy = book.policy_for(
        severity=complaint.severity,
        category_id=complaint.category_id,
    )
    if policy is None:
        return []
    wanted = set(stages) if stages is not None else None
    # The calendar depends on the policy, the case's department and the target's unit only: one
    # look-up per unit, not per target (an intake plans four clocks on one or two calendars).
    calendars: dict[str, PlanningCalendar] = {}
    planned = []
    for target in policy.targets.all():
        if (
            (target.start_event != event and wanted is None)
            or (wanted is not None and target.stage not in wanted)
            or target.stage in existing
        ):
            continue
        if target.unit not in calendars:
            calendars[target.unit] = calendar_for_deadline(
                policy=policy, department_id=complaint.department_id, unit=target.unit, book=book
            )
        planned.append(
            _plan(complaint=complaint, target=target, chosen=calendars[target.unit], start=at)
        )
    return planned


def complaint_sync_next_due(*, complaint: Complaint) -> None:
    """Copy the earliest running deadline onto the case, for queues sorted and filtered by it.

    Queues over a million cases sort by due time and filter "overdue"; an indexed column on the
    case answers that without aggregating the clocks of every row. Every service that opens,
    meets, stops, pauses, resumes or re-plans clocks calls this once, in the same transaction.
    """
    earliest = (
        Clock.objects.filter(LIVE, complaint=OuterRef("pk"))
        .order_by()
        .values("complaint")
        .annotate(earliest=Min("due_at"))
        .values("earliest")
    )
    case = Complaint.objects.filter(pk=complaint.pk)
    case.update(next_due_at=Subquery(earliest))
    # Read back as a value: refresh_from_db() would cost a second query (django-fsm's mixin loads
    # the state of the partly loaded copy it builds).
    complaint.next_due_at = case.values_list("next_due_at", flat=True).get()


def _unfinished(complaint: Complaint) -> QuerySet[Clock]:
    return Clock.objects.filter(complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True)


def clocks_meet(*, complaint: Complaint, stages: Iterable[str], at: datetime) -> int:
    """Mark the unfinished clocks of these stages met.

    A paused clock's wait ends first, at `at`: the time it stood still never counts against it, so
    one met while waiting is late only if it had run out before the wait began.
    """
    met = _meet(complaint=complaint, stages=stages, at=at)
    complaint_sync_next_due(complaint=complaint)
    return met


def _meet(*, complaint: Complaint, stages: Iterable[str], at: datetime) -> int:
    unfinished = _unfinished(complaint).filter(stage__in=list(stages))
    paused = list(unfinished.filter(paused_at__isnull=False))
    calendars: dict[int | None, WorkingCalendar] = {}
    for clock in paused:
        clock_end_pause(clock, at=at, by=None, calendar=calendar_of_clock(clock, known=calendars))
        clock.save()
    return unfinished.update(met_at=at, next_action_at=None)


def clocks_stop(*, complaint: Complaint, at: datetime) -> int:
    """The case ended (closed, rejected, withdrawn): every clock still running stops, unmet."""
    stopped = _stop(complaint=complaint, at=at)
    complaint_sync_next_due(complaint=complaint)
    return stopped


def _stop(*, complaint: Complaint, at: datetime) -> int:
    return _unfinished(complaint).update(cancelled_at=at, next_action_at=None)


def clocks_after_transition(*, complaint: Complaint, name: str, at: datetime) -> None:
    """Bring the clocks in line with transition `name`, just run on the locked `complaint`."""
    if complaint.first_response_at is not None:
        _meet(complaint=complaint, stages=[Stage.FIRST_RESPONSE], at=at)
    if name in MET_BY_TRANSITION:
        _meet(complaint=complaint, stages=MET_BY_TRANSITION[name], at=at)
    if name in STOPS_EVERY_CLOCK:
        _stop(complaint=complaint, at=at)
    if name in STARTED_BY_TRANSITION:
        _start(complaint=complaint, event=STARTED_BY_TRANSITION[name], at=at)
    if name == "reopen":
        # The earlier round's leftovers stop; the new round (reopen_count already raised) starts.
        Clock.objects.filter(
            complaint=complaint, round__lt=complaint.reopen_count, met_at__isnull=True
        ).filter(cancelled_at__isnull=True).update(cancelled_at=at, next_action_at=None)
        _start(complaint=complaint, event=StartEvent.RECEIVED, at=at, stages=RESTARTED_ON_REOPEN)
    complaint_sync_next_due(complaint=complaint)


def due_after_pause(
    *,
    due_at: datetime,
    unit: str,
    paused_at: datetime,
    resumed_at: datetime,
    calendar: WorkingCalendar,
) -> datetime:
    """The due time after a wait from `paused_at` to `resumed_at`, in the clock's own unit.

    Hour clocks move by the elapsed time they stood still; working-day clocks count the working
    days they had left again after the day they resume, and end at the end of a working day
    (sla.calendar.WorkingCalendar.deadline_after_wait); service-hour clocks count the service time
    they had left again from the resume, in service periods only. A clock that stopped at or after its
    deadline stays overdue: waiting does not undo lateness.
    """
    if unit == Unit.HOURS:
        return calendar.shift_by_wait(due_at, paused_at, resumed_at)
    if unit == Unit.SERVICE_HOURS:
        return calendar.service_deadline_after_wait(due_at, paused_at, resumed_at)
    return calendar.deadline_after_wait(due_at, paused_at, resumed_at)


def clock_end_pause(
    clock: Clock, *, at: datetime, by: User | None, calendar: WorkingCalendar
) -> datetime:
    """End the clock's wait at `at` (its ClockPause row too); the caller saves. Returns the old due."""
    paused_at = clock.paused_at
    if paused_at is None:
        raise ValueError(f"Clock {clock.pk} is not paused.")
    before = clock.due_at
    resumed_at = max(at, paused_at)
    clock.due_at = due_after_pause(
        due_at=clock.due_at,
        unit=clock.unit,
        paused_at=paused_at,
        resumed_at=resumed_at,
        calendar=calendar,
    )
    ClockPause.objects.filter(clock=clock, resumed_at__isnull=True).update(
        resumed_at=resumed_at, resumed_by=by, due_after=clock.due_at
    )
    clock.paused_at, clock.pause_reason = None, ""
    schedule(clock, calendar=calendar)
    return before


def replanned_due(clock: Clock, *, calendar: WorkingCalendar) -> datetime:
    """The clock's due time planned afresh: its target from its start, then its finished waits.

    The waits are replayed in order, as if the target and calendar had applied from the start: a
    wait begun after the new deadline gives nothing back, exactly as on resuming. A wait still open
    is left to its resume.
    """
    due_at = due_for(
        calendar=calendar, unit=clock.unit, amount=clock.amount, start=clock.started_at
    )
    # .all(), sorted here: a batch prefetches every clock's waits in one query.
    for pause in sorted(clock.pauses.all(), key=lambda pause: (pause.paused_at, pause.pk)):
        if pause.resumed_at is None:
            continue
        due_at = due_after_pause(
            due_at=due_at,
            unit=clock.unit,
            paused_at=pause.paused_at,
            resumed_at=pause.resumed_at,
            calendar=calendar,
        )
    return due_at


def clocks_replan(*, complaint: Complaint) -> list[dict]:
    """Re-plan the unfinished clocks under the policy the case's severity and category now select.

    Each clock keeps its start and its waits; the target comes from the new policy. A stage
    the new policy has no target for stops. Returns what moved, for the timeline.
    """
    policy: SlaPolicy | None = policy_for(severity=complaint.severity, category=complaint.category)
    targets = {target.stage: target for target in policy.targets.all()} if policy else {}
    now = timezone.now()
    changes = []
    for clock in _unfinished(complaint).filter(round=complaint.reopen_count):
        target = targets.get(clock.stage)
        before = clock.due_at
        # Without a target the clock just stops: no calendar is read, so none needs to exist.
        if target is None or policy is None:
            clock.cancelled_at = now
            clock.next_action_at = None
            clock.save(update_fields=["cancelled_at", "next_action_at"])
            changes.append({"stage": clock.stage, "from": before, "to": None})
            continue
        clock.target = target
        clock.amount, clock.unit = target.amount, target.unit
        clock.reminder_percent, clock.breach_level = target.reminder_percent, target.breach_level
        # The new policy's target is counted on the calendar that applies to it now, as if the
        # clock had started under it (the case's department today).
        chosen = calendar_for_deadline(
            policy=policy, department_id=complaint.department_id, unit=target.unit
        )
        clock.calendar_id, calendar = chosen.calendar_id, chosen.working
        clock.due_at = replanned_due(clock, calendar=calendar)
        schedule(clock, calendar=calendar)
        clock.save()
        if clock.due_at != before:
            changes.append({"stage": clock.stage, "from": before, "to": clock.due_at})
    complaint_sync_next_due(complaint=complaint)
    return changes
