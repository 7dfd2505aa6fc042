"""Do what is due on a chunk of clocks as one batch: reminders, breaches and escalation levels.

A chunk costs a fixed number of queries, not some twenty per clock: its cases are locked in one
ordered SELECT ... FOR UPDATE SKIP LOCKED (cases another transaction holds are done after the rest,
waiting for their lock then, so two workers share a backlog instead of queueing behind each other);
calendars, settings and recipients are read once; reminders, escalations, timeline entries,
notifications and the clocks themselves are written in bulk.

Exactly once, however often a chunk runs and whoever runs it: everything is decided and written
under the case's row lock (lock order as in the workflow services: the case, then its clock),
after reading what exists, so a retried or overlapping chunk finds its rows there and writes
nothing; the unique keys (Escalation.key, one Reminder per clock, one Notification per recipient
and cause) make a writer that skipped the lock fail and roll back rather than double. What is due
is worked out from the clock's own fields, not from `next_action_at`, which the sweep moves ahead
as a lease; every live clock looked at gets its true `next_action_at` back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import OperationalError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from accounts.people import person_snapshot
from complaints.models import CaseEvent, Complaint, Notification
from complaints.services.notifications import Message, notify_many
from complaints.timeline import new_event, record_events
from sla.calendar import WorkingCalendar
from sla.models import Clock, EscalationSettings, Reminder
from sla.selectors import calendar_of_clock
from sla.services.clocks import Timed, next_action_at
from sla.services.escalation import (
    Planned,
    Reason,
    Recipients,
    escalations_record,
    facts_planned,
    largest_amounts,
)

logger = logging.getLogger(__name__)

CLOCK_FIELDS = ["reminded_at", "breached_at", "escalated_level", "next_action_at"]


@dataclass
class Steps:
    """What one clock has due now, decided on its fields alone."""

    reminder: bool = False
    breach: bool = False
    levels: list[int] = field(default_factory=list)

    def done(self) -> list[str]:
        first = ["reminder"] if self.reminder else ["breach"] if self.breach else []
        return first + [f"level {level}" for level in self.levels]


def clock_advance(
    clock: Timed, *, calendar: WorkingCalendar, level_step_working_days: int, now: datetime
) -> Steps:
    """Move the (live) clock's fields on to `now`: its reminder, its breach, the levels passed.

    Pure: no queries. Sets `next_action_at` to when the clock next has something due.
    """
    steps = Steps()
    # The deadline is the last moment allowed (23:59:59 of the last day): late only after it.
    if clock.breached_at is None and clock.due_at < now:
        # A reminder not sent by the deadline is skipped: the breach says more.
        clock.breached_at = now
        steps.breach = True
    elif (
        clock.breached_at is None
        and clock.reminded_at is None
        and clock.remind_at is not None
        and clock.remind_at <= now
    ):
        clock.reminded_at = now
        steps.reminder = True
    while clock.breached_at is not None:
        due = next_action_at(
            clock, calendar=calendar, level_step_working_days=level_step_working_days
        )
        if due is None or due >= now:
            break
        clock.escalated_level = max(clock.escalated_level + 1, clock.breach_level)
        steps.levels.append(clock.escalated_level)
    clock.next_action_at = next_action_at(
        clock, calendar=calendar, level_step_working_days=level_step_working_days
    )
    return steps


def clocks_process(
    *, clock_ids: Sequence[int], now: datetime | None = None
) -> dict[int, list[str]]:
    """Do what is due on these clocks; returns, per clock acted on, what was done.

    ("reminder", "breach", "level 1", ...). A clock with nothing due is missing from the answer,
    which is what a second run, a second worker or a retry sees.
    """
    now = now or timezone.now()
    done, waiting = _process(clock_ids=clock_ids, now=now, skip_locked=True)
    if waiting:
        # Cases someone else had locked: a user's change or another worker's chunk, both short.
        more, _none = _process(clock_ids=waiting, now=now, skip_locked=False)
        done.update(more)
    return done


def clock_process(*, clock_id: int, now: datetime | None = None) -> list[str]:
    """Do what is due on one clock (a batch of one); see `clocks_process`."""
    return clocks_process(clock_ids=[clock_id], now=now).get(clock_id, [])


def clocks_process_chunk(*, clock_ids: Sequence[int], now: datetime | None = None) -> int:
    """The chunk task's work: the chunk as one batch; returns how many clocks were acted on.

    Should the batch fail on anything but the database, the clocks are done one by one, so that one
    broken clock (logged, left due for a later sweep) does not hold up the others. A database error
    (deadlock, lost connection) is raised for the task to retry the chunk; the retry finds the
    clocks already done with nothing due.
    """
    try:
        return len(clocks_process(clock_ids=clock_ids, now=now))
    except OperationalError:
        raise
    except Exception:
        logger.exception("Chunk of %d clocks failed; processing them one by one", len(clock_ids))
    acted = 0
    retry_error: OperationalError | None = None
    for clock_id in clock_ids:
        try:
            acted += bool(clock_process(clock_id=clock_id, now=now))
        except OperationalError as error:
            logger.warning("Clock %s: database error, will retry: %s", clock_id, error)
            retry_error = retry_error or error
        except Exception:
            logger.exception("Clock %s could not be processed", clock_id)
    if retry_error is not None:
        raise retry_error
    return acted


def _process(
    *, clock_ids: Sequence[int], now: datetime, skip_locked: bool
) -> tuple[dict[int, list[str]], list[int]]:
    """One transaction over the clocks whose cases it can lock; returns what was done and the
    clocks whose cases were locked by someone else (only with `skip_locked`)."""
    with transaction.atomic():
        complaints = {
            complaint.pk: complaint
            for complaint in Complaint.objects.select_for_update(
                skip_locked=skip_locked, of=("self",)
            )
            .select_related("department", "assignee__department")
            .filter(pk__in=Clock.objects.filter(pk__in=clock_ids).values("complaint_id"))
            .order_by("pk")
        }
        clocks = list(
            Clock.objects.select_for_update(of=("self",))
            .filter(pk__in=clock_ids, complaint_id__in=list(complaints))
            .order_by("complaint_id", "pk")
        )
        locked = {clock.pk for clock in clocks}
        waiting = [pk for pk in clock_ids if pk not in locked] if skip_locked else []
        done = _advance_and_record(clocks=clocks, complaints=complaints, now=now)
    return done, waiting


def _advance_and_record(
    *, clocks: list[Clock], complaints: dict[int, Complaint], now: datetime
) -> dict[int, list[str]]:
    if not clocks:
        return {}
    settings = EscalationSettings.current()
    step = settings.level_step_working_days
    calendars: dict[int | None, WorkingCalendar] = {}
    recipients = Recipients()
    done: dict[int, list[str]] = {}
    changed: list[Clock] = []
    reminded: list[Clock] = []
    planned: list[Planned] = []
    for clock in clocks:
        if not clock.is_live:
            continue  # met, stopped or paused since the sweep: the workflow has set it
        complaint = complaints[clock.complaint_id]
        clock.complaint = complaint
        before = [getattr(clock, name) for name in CLOCK_FIELDS]
        if not complaint.is_open:
            # The workflow stops every clock of a finished case; should one slip through, stop
            # sweeping it instead of escalating a closed case every minute.
            clock.next_action_at = None
        else:
            steps = clock_advance(
                clock,
                calendar=calendar_of_clock(clock, known=calendars),
                level_step_working_days=step,
                now=now,
            )
            if steps.reminder:
                reminded.append(clock)
            planned += [
                Planned(complaint=complaint, level=level, reason=Reason.BREACH, at=now, clock=clock)
                for level in steps.levels
            ]
            if steps.done():
                done[clock.pk] = steps.done()
        if [getattr(clock, name) for name in CLOCK_FIELDS] != before:
            changed.append(clock)
    # The open cases' urgent facts too, so a fact that reached a case some other way (an import, a
    # repair in the database) still goes up; those recorded at intake or triage are skipped, and
    # a fact and a breach of one case and level make one message.
    open_cases = [complaint for complaint in complaints.values() if complaint.is_open]
    amounts = largest_amounts(complaints=open_cases) if open_cases else {}
    for complaint in open_cases:
        planned += facts_planned(
            complaint=complaint, amount=amounts[complaint.pk], settings=settings, at=now
        )
    _reminders_record(clocks=reminded, recipients=recipients, at=now)
    escalations_record(planned=planned, recipients=recipients)
    _clocks_save(changed)
    return done


def _clocks_save(clocks: list[Clock]) -> None:
    """Write the clocks' progress in one UPDATE ... SET field = CASE id WHEN ... END.

    By hand because Django's bulk_update resolves one ORM expression per clock and field, which
    took longer than all the other bookkeeping of a chunk together.
    """
    if not clocks:
        return
    quote = connection.ops.quote_name
    pk_column = quote(_column(Clock._meta.pk.name)[1])
    assignments: list[str] = []
    params: list[Any] = []
    for name in CLOCK_FIELDS:
        column, column_name = _column(name)
        case = f"CASE {pk_column} {' '.join(['WHEN %s THEN %s'] * len(clocks))} END"
        if connection.features.requires_casted_case_in_updates:
            # PostgreSQL types a CASE of parameters as text (all NULL: unknown) without it.
            case = f"CAST({case} AS {column.db_type(connection)})"
        assignments.append(f"{quote(column_name)} = {case}")
        for clock in clocks:
            params += [clock.pk, column.get_db_prep_save(getattr(clock, name), connection)]
    ids = ", ".join(["%s"] * len(clocks))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(Clock._meta.db_table)} SET {', '.join(assignments)} "
            f"WHERE {pk_column} IN ({ids})",
            [*params, *(clock.pk for clock in clocks)],
        )


def _column(name: str) -> tuple[Field, str]:
    """A concrete field of Clock and its column name (the primary key and CLOCK_FIELDS are)."""
    model_field = Clock._meta.get_field(name)
    if not isinstance(model_field, Field) or model_field.column is None:
        raise TypeError(f"Clock.{name} has no column of its own.")
    return model_field, model_field.column


def _reminders_record(*, clocks: list[Clock], recipients: Recipients, at: datetime) -> None:
    """The reminders of these (locked) clocks not sent before: to the assignee, else the head."""
    if not clocks:
        return
    sent = set(
        Reminder.objects.filter(clock__in=clocks).values_list("clock_id", flat=True)
    )  # sent before; the clock row just had not caught up
    new = []
    for clock in clocks:
        if clock.pk in sent:
            continue
        recipient = recipients.for_reminder(complaint=clock.complaint)
        new.append(Reminder(clock=clock, recipient=recipient, at=at))
    Reminder.objects.bulk_create(new)
    record_events(
        events=[
            new_event(
                complaint=reminder.clock.complaint,
                kind=CaseEvent.Kind.REMINDER,
                actor=None,
                at=at,
                data={
                    "stage": reminder.clock.stage,
                    "due_at": reminder.clock.due_at,
                    "recipient": person_snapshot(reminder.recipient),
                },
            )
            for reminder in new
        ]
    )
    notify_many(
        messages=[
            Message(
                recipients=[reminder.recipient],
                kind=Notification.Kind.REMINDER,
                complaint=reminder.clock.complaint,
                key=f"reminder:{reminder.clock.pk}",
                template="reminder",
                context={"clock": reminder.clock},
            )
            for reminder in new
        ]
    )
