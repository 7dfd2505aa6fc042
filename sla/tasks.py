"""Celery entry points for the SLA app; each only calls a service.

acks_late (set for every task in settings) and idempotent services make a worker crash harmless:
the message is delivered again and the services find the work already done.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

from sla.services import (
    calendar_changes_apply,
    calendars_alert_provisional_years,
    calendars_load_missing_years,
    calendars_refresh_active,
    checklist_steps_remind,
    clocks_process_chunk,
    sweep_due_clocks,
)
from sla.services.sweep import CHUNK_EXPIRES_SECONDS, SWEEP_LIMIT

logger = logging.getLogger(__name__)


@shared_task(name="sla.tasks.refresh_calendars_task")
def refresh_calendars_task(years: list[int] | None = None) -> dict[str, list[int]]:
    """Keep every active calendar filled for last, this and next year (scheduled monthly).

    Safe to run twice or concurrently: the service locks each calendar and only writes differences.
    """
    provisional: dict[str, list[int]] = {}
    for summary in calendars_refresh_active(years=years):
        provisional[summary.calendar.code] = summary.provisional_years
        if summary.provisional_years:
            logger.warning(
                "Calendar %s has provisional years %s",
                summary.calendar.code,
                summary.provisional_years,
            )
    return provisional


@shared_task(name="sla.tasks.sweep_clocks_task", acks_late=True)
def sweep_clocks_task() -> int:
    """Beat, every minute: queue the clocks with a reminder or escalation due.

    Not retried: if the broker is down the run fails (logged), and the next run a minute later
    finds the same clocks still due. A backlog larger than one run goes on at once, in a sweep
    queued behind the chunks just queued: it starts as the workers reach them, not a minute later.
    """
    queued = sweep_due_clocks(enqueue=_queue_chunk, limit=SWEEP_LIMIT)
    if queued >= SWEEP_LIMIT:
        sweep_clocks_task.apply_async(expires=CHUNK_EXPIRES_SECONDS)
    return queued


def _queue_chunk(clock_ids: list[int]) -> None:
    process_clocks_task.apply_async(args=[clock_ids], expires=CHUNK_EXPIRES_SECONDS)


@shared_task(
    name="sla.tasks.process_clocks_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def process_clocks_task(clock_ids: list[int]) -> int:
    """Do what is due on a chunk of clocks, as one batch; returns how many were acted on.

    A database error (deadlock, lost connection) retries the chunk: what was done has nothing due
    any more, so a retry only redoes the rest.
    """
    return clocks_process_chunk(clock_ids=clock_ids)


@shared_task(name="sla.tasks.alert_provisional_calendar_years_task", acks_late=True)
def alert_provisional_calendar_years_task() -> int:
    """Daily: tell administrators about unconfirmed calendar years deadlines will soon fall in."""
    return len(calendars_alert_provisional_years())


@shared_task(name="sla.tasks.load_missing_calendar_years_task", acks_late=True)
def load_missing_calendar_years_task() -> list[str]:
    """Daily, and when a worker or beat starts: load any year an active calendar lacks."""
    return [
        f"{summary.calendar.code}:{year.year}"
        for summary in calendars_load_missing_years()
        for year in summary.years
    ]


@shared_task(
    name="sla.tasks.replan_after_calendar_changes_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def replan_after_calendar_changes_task() -> int:
    """Every minute: move the running deadlines over calendar days that changed (idempotent)."""
    return calendar_changes_apply()


@shared_task(name="sla.tasks.remind_checklist_steps_task", acks_late=True)
def remind_checklist_steps_task() -> int:
    """Beat, every minute: remind the open procedure checklist steps whose time has passed.

    Not retried: the next run finds the same steps still due; two runs at once share them out.
    """
    return checklist_steps_remind()
