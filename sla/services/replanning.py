"""Re-plan running working-day and service-hour deadlines after the days under them changed.

A year loaded late (a deployment whose calendar was empty, a holidays package upgraded after the
State Council's notice), a day off or make-up day added or removed by an administrator, a calendar's
weekly rest days or service hours changed: each is recorded as a CalendarChange by the calendar services, and this
service moves every unfinished working-day clock whose span covers the changed dates. Each moved
deadline goes on the case's timeline with its old and new date. What was already sent stays sent:
reminders, breaches and escalations are history; the new plan only decides what comes next.

Idempotent: a clock is re-planned from its start, its target and its finished waits, so running a
change twice (a retried task, two workers) moves nothing the second time and writes no event.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from complaints.models import CaseEvent, Complaint
from complaints.timeline import new_event, record_events
from sla.calendar import WorkingCalendar
from sla.models import BusinessCalendar, CalendarChange, Clock, Unit
from sla.selectors import calendar_of_clock
from sla.services.clocks import complaint_sync_next_due, replanned_due, schedule

logger = logging.getLogger(__name__)

# Cases locked and re-planned per transaction: short enough that staff working on a case wait at
# most a moment, long enough that a year loaded late over 100,000 open cases takes minutes.
CASES_PER_TRANSACTION = 200


def calendar_changes_apply(*, now: datetime | None = None) -> int:
    """Re-plan the deadlines of every pending calendar change; returns how many clocks moved."""
    now = now or timezone.now()
    pending = list(
        CalendarChange.objects.filter(processed_at__isnull=True)
        .select_related("calendar")
        .order_by("pk")
    )
    moved = 0
    for calendar_id in dict.fromkeys(change.calendar_id for change in pending):
        changes = [change for change in pending if change.calendar_id == calendar_id]
        count = _apply(calendar=changes[0].calendar, changes=changes, now=now)
        CalendarChange.objects.filter(
            pk__in=[change.pk for change in changes], processed_at__isnull=True
        ).update(processed_at=timezone.now(), clocks_replanned=count)
        moved += count
    return moved


def _apply(*, calendar: BusinessCalendar, changes: list[CalendarChange], now: datetime) -> int:
    clocks = _affected_clocks(calendar=calendar, changes=changes)
    complaint_ids = sorted(set(clocks.values_list("complaint_id", flat=True)))
    reasons = sorted({change.reason for change in changes})
    # The changed dates, for the timeline: a handler wants to see why a deadline moved.
    span = _changed_span(changes)
    dates = [span[0].isoformat(), span[1].isoformat()] if span else None
    why = {"calendar": calendar.name, "reasons": reasons, "dates": dates}
    calendars: dict[int | None, WorkingCalendar] = {}
    moved = 0
    for start in range(0, len(complaint_ids), CASES_PER_TRANSACTION):
        chunk = complaint_ids[start : start + CASES_PER_TRANSACTION]
        with transaction.atomic():
            # Case rows first, in id order, as every workflow service locks them.
            locked = list(
                Complaint.objects.select_for_update(of=("self",))
                .filter(pk__in=chunk)
                .order_by("pk")
            )
            by_case: dict[int, list[Clock]] = {}
            for clock in clocks.filter(complaint_id__in=chunk).prefetch_related("pauses"):
                by_case.setdefault(clock.complaint_id, []).append(clock)
            events = []
            for complaint in locked:
                moves = _replan_case(
                    complaint=complaint, clocks=by_case.get(complaint.pk, []), calendars=calendars
                )
                if moves:
                    events.append(
                        new_event(
                            complaint=complaint,
                            kind=CaseEvent.Kind.DEADLINES_REPLANNED,
                            actor=None,
                            at=now,
                            data={"why": why, "clocks": moves},
                        )
                    )
                    moved += len(moves)
            record_events(events=events)
    if moved:
        logger.info("Calendar %s: %d deadlines re-planned", calendar.code, moved)
    return moved


def _changed_span(changes: Iterable[CalendarChange]) -> tuple[date, date] | None:
    """The first and the last changed date; None when a change covers every date."""
    firsts, lasts = [], []
    for change in changes:
        if change.first_date is None or change.last_date is None:
            return None
        firsts.append(change.first_date)
        lasts.append(change.last_date)
    return min(firsts), max(lasts)


def _affected_clocks(
    *, calendar: BusinessCalendar, changes: Iterable[CalendarChange]
) -> QuerySet[Clock]:
    """Unfinished working-day and service-hour clocks on this calendar whose span may cover a
    changed date.

    A clock runs from its local start date (not counted) to its due date; a wait only pushes the
    due date later, so a paused clock is taken whatever its due date. Hour clocks count elapsed
    time: no calendar day changes them.
    """
    changes = list(changes)
    # Service hours move only service-hour deadlines; days move both kinds.
    hours_only = all(
        change.reason == CalendarChange.Reason.SERVICE_HOURS_CHANGED for change in changes
    )
    clocks = Clock.objects.filter(
        unit__in=[Unit.SERVICE_HOURS] if hours_only else [Unit.WORKING_DAYS, Unit.SERVICE_HOURS],
        met_at__isnull=True,
        cancelled_at__isnull=True,
    )
    own = Q(calendar=calendar)
    span = _changed_span(changes)
    if calendar.is_default or span is None:
        # Clocks planned on the default calendar follow it (and it may have moved elsewhere).
        own |= Q(calendar__isnull=True)
    clocks = clocks.filter(own)
    if span is None:
        return clocks
    zone = ZoneInfo(calendar.time_zone)
    first, last = span
    # Started before the end of the last changed date, due on or after the first changed date.
    started_before = datetime.combine(last + timedelta(days=1), time(0), tzinfo=zone)
    due_from = datetime.combine(first, time(0), tzinfo=zone)
    return clocks.filter(started_at__lt=started_before).filter(
        Q(due_at__gte=due_from) | Q(paused_at__isnull=False)
    )


def _replan_case(
    *, complaint: Complaint, clocks: list[Clock], calendars: dict[int | None, WorkingCalendar]
) -> list[dict[str, Any]]:
    """Re-plan the case's clocks; returns the moves for its timeline event."""
    moves = []
    for clock in clocks:
        # The calendar the clock was planned on (else the default), read once a run.
        working = calendar_of_clock(clock, known=calendars)
        before_due, before_provisional = clock.due_at, clock.provisional
        clock.due_at = replanned_due(clock, calendar=working)
        schedule(clock, calendar=working)
        if clock.due_at == before_due and clock.provisional == before_provisional:
            continue
        clock.save(update_fields=["due_at", "remind_at", "provisional", "next_action_at"])
        if clock.due_at != before_due:
            # Both in UTC, as the database gives `from`: one form in the event's data.
            moves.append(
                {"stage": clock.stage, "from": before_due, "to": clock.due_at.astimezone(UTC)}
            )
    if moves:
        complaint_sync_next_due(complaint=complaint)
    return moves
