"""Pausing and resuming a case's clocks while it waits on the customer or an outside body.

Whether a wait stops a clock is a property of its stage target (`SlaTarget.pause_reasons`, defaults
in README "Pauses"): time spent on testing or appraisal (检测/鉴定) is not counted under the SAMR
rules, waiting on the customer is the company's call, and the 72-hour settlement alert never stops.
A clock the reason does not stop keeps running through the pause, and can breach and escalate. On
resuming each stopped clock gets its time back in its own unit: working days counted again from the
resume (ending at the end of a working day), elapsed time for hour clocks.

An outside body's deadline counted from its kind's target (complaints.models.OutsideBodyTarget) is
a deadline like these: it stops for the reasons its target names and gets its time back the same
way. A date the body named on its notice is theirs and never moves.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import ConditionNotMet, InvalidInput
from complaints.models import CaseEvent, Complaint, OutsideBody, OutsideBodyTarget
from complaints.services.common import ensure_can_act, lock_for_change, save_change
from complaints.timeline import BY_CUSTOMER, record_event
from sla.calendar import WorkingCalendar
from sla.models import LIVE, Clock, ClockPause, PauseReason, Stage
from sla.selectors import calendar_of_clock, working_calendar
from sla.services.clocks import (
    Timed,
    clock_end_pause,
    complaint_sync_next_due,
    deadline_schedule,
    due_after_pause,
)

# Stages in the order a case meets them, for the timeline and messages.
STAGE_ORDER = {stage: number for number, stage in enumerate(Stage.values)}

# Whoever works the case may stop its clock for a recognised reason.
PAUSE_PERMISSIONS = ("investigate_complaint", "triage_complaint", "follow_up_complaint")


@transaction.atomic
def clocks_pause(*, complaint: Complaint, actor: User, reason: str, note: str = "") -> list[Clock]:
    ensure_can_act(actor=actor, complaint=complaint, perms=PAUSE_PERMISSIONS)
    if reason not in PauseReason.values:
        raise InvalidInput({"reason": [_("Choose why the clock stops.")]})
    if reason == PauseReason.OTHER and not (note or "").strip():
        raise InvalidInput({"note": [_("Explain why the clock stops.")]})
    locked = lock_for_change(complaint, must_be_current=False)
    if not locked.is_open:
        raise ConditionNotMet([_("A finished complaint has no running clock.")])
    unfinished = sorted(
        Clock.objects.filter(
            complaint=locked, met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True
        ).select_related("target"),
        key=lambda clock: STAGE_ORDER.get(clock.stage, len(STAGE_ORDER)),
    )
    if not unfinished:
        raise ConditionNotMet([_("No clock is running on this complaint.")])
    stopping = [clock for clock in unfinished if clock.target.stops_for(reason)]
    running = [clock for clock in unfinished if not clock.target.stops_for(reason)]
    if not stopping:
        raise ConditionNotMet(
            [
                _("No running deadline stops for this reason; these keep running: %(stages)s.")
                % {"stages": ", ".join(str(clock.get_stage_display()) for clock in running)}
            ]
        )
    now = timezone.now()
    for clock in stopping:
        ClockPause.objects.create(
            clock=clock,
            reason=reason,
            note=(note or "").strip(),
            paused_at=now,
            paused_by=actor,
            due_before=clock.due_at,
        )
        clock.paused_at, clock.pause_reason, clock.next_action_at = now, reason, None
        clock.save(update_fields=["paused_at", "pause_reason", "next_action_at"])
    bodies = _bodies_pause(locked, reason=reason, at=now)
    complaint_sync_next_due(complaint=locked)
    save_change(locked, fields=[])
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.CLOCKS_PAUSED,
        actor=actor,
        at=now,
        comment=(note or "").strip(),
        data={
            "reason": reason,
            "stages": [clock.stage for clock in stopping],
            "running": [clock.stage for clock in running],
            "outside_bodies": [_body_facts(body) for body in bodies],
        },
    )
    return stopping


def _body_facts(body: OutsideBody) -> dict:
    return {"id": body.pk, "kind": body.kind, "name": body.name}


def _bodies_pause(locked: Complaint, *, reason: str, at: datetime) -> list[OutsideBody]:
    """Stop the case's running outside-body deadlines whose target stops for `reason`."""
    running = list(
        OutsideBody.objects.select_for_update(of=("self",)).filter(
            complaint=locked,
            closed_at__isnull=True,
            paused_at__isnull=True,
            due_at__isnull=False,
            their_deadline__isnull=True,
        )
    )
    if not running:
        return []
    targets = {target.kind: target for target in OutsideBodyTarget.objects.all()}
    stopping = [
        body for body in running if body.kind in targets and targets[body.kind].stops_for(reason)
    ]
    for body in stopping:
        body.paused_at, body.pause_reason, body.next_action_at = at, reason, None
    OutsideBody.objects.bulk_update(stopping, ["paused_at", "pause_reason", "next_action_at"])
    return stopping


def _bodies_resume(locked: Complaint, *, at: datetime, reason: str | None) -> list[dict]:
    """Give the case's paused outside-body deadlines (those paused for `reason`, or all) their
    time back as a stage clock gets it; returns what moved, for the timeline."""
    waiting = OutsideBody.objects.select_for_update(of=("self",)).filter(
        complaint=locked, paused_at__isnull=False, due_at__isnull=False
    )
    if reason is not None:
        waiting = waiting.filter(pause_reason=reason)
    bodies = list(waiting)
    calendars: dict[int | None, WorkingCalendar] = {}
    moved = []
    for body in bodies:
        assert body.paused_at is not None and body.due_at is not None  # filtered
        if body.calendar_id not in calendars:
            calendars[body.calendar_id] = working_calendar(calendar_id=body.calendar_id)
        calendar = calendars[body.calendar_id]
        before = body.due_at
        body.due_at = due_after_pause(
            due_at=body.due_at,
            unit=body.unit or "working_days",
            paused_at=body.paused_at,
            resumed_at=max(at, body.paused_at),
            calendar=calendar,
        )
        body.paused_at, body.pause_reason = None, ""
        deadline_schedule(
            cast(Timed, body),
            calendar=calendar,
            unit=body.unit or "working_days",
            percent=body.reminder_percent,
            start=body.received_at,
        )
        moved.append({"outside_body": _body_facts(body), "from": before, "to": body.due_at})
    OutsideBody.objects.bulk_update(
        bodies, ["due_at", "paused_at", "pause_reason", "remind_at", "next_action_at"]
    )
    return moved


@transaction.atomic
def clocks_resume(*, complaint: Complaint, actor: User) -> list[Clock]:
    ensure_can_act(actor=actor, complaint=complaint, perms=PAUSE_PERMISSIONS)
    locked = lock_for_change(complaint, must_be_current=False)
    paused, bodies = _resume(locked, by=actor)
    if not paused and not bodies:
        raise ConditionNotMet([_("No clock is paused on this complaint.")])
    return paused


def clocks_resume_waiting_on_customer(*, complaint: Complaint) -> list[Clock]:
    """The customer answered (added information on the public pages): the clocks stopped while
    waiting on them run again. Waits on anyone else (an insurer, an appraisal) go on. The caller
    holds the case lock; returns the clocks resumed (none: nothing was waiting on the customer)."""
    paused, _bodies = _resume(
        complaint, by=None, reason=PauseReason.WAITING_CUSTOMER, data=BY_CUSTOMER
    )
    return paused


def _resume(
    locked: Complaint, *, by: User | None, reason: str | None = None, data: dict | None = None
) -> tuple[list[Clock], list[dict]]:
    """Resume the locked case's paused clocks and outside-body deadlines (those paused for
    `reason`, or all); timeline too. Returns the clocks and what moved of the bodies."""
    waiting = Clock.objects.filter(
        complaint=locked,
        met_at__isnull=True,
        cancelled_at__isnull=True,
        paused_at__isnull=False,
    )
    if reason is not None:
        waiting = waiting.filter(pause_reason=reason)
    paused = list(waiting)
    now = timezone.now()
    bodies = _bodies_resume(locked, at=now, reason=reason)
    if not paused and not bodies:
        return [], []
    calendars: dict[int | None, WorkingCalendar] = {}
    # Clocks the pause did not stop (or that started during it) ran all along.
    kept_running = list(
        Clock.objects.filter(LIVE, complaint=locked).values_list("stage", flat=True)
    )
    moved = []
    for clock in paused:
        before = clock_end_pause(
            clock, at=now, by=by, calendar=calendar_of_clock(clock, known=calendars)
        )
        clock.save()
        moved.append({"stage": clock.stage, "from": before, "to": clock.due_at})
    complaint_sync_next_due(complaint=locked)
    save_change(locked, fields=[])
    record_event(
        complaint=locked,
        kind=CaseEvent.Kind.CLOCKS_RESUMED,
        actor=by,
        at=now,
        data={
            "clocks": moved,
            "running": kept_running,
            **({"outside_bodies": bodies} if bodies else {}),
            **(data or {}),
        },
    )
    return paused, bodies
