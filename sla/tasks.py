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
    clock_process,
    sweep_due_clocks,
)

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
    finds the same clocks still due.
    """
    return sweep_due_clocks()


@shared_task(
    name="sla.tasks.process_clocks_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def process_clocks_task(clock_ids: list[int]) -> int:
    """Process each clock in its own transaction; one failing clock does not hold up the others.

    A database error (deadlock, lost connection) retries the whole chunk after the others are
    done: the clocks already processed have nothing due any more, so a retry only redoes the rest.
    Any other error is logged and the clock stays due for the next sweep.
    """
    acted = 0
    retry_error: OperationalError | None = None
    for clock_id in clock_ids:
        try:
            acted += bool(clock_process(clock_id=clock_id))
        except OperationalError as error:
            logger.warning("Clock %s: database error, will retry: %s", clock_id, error)
            retry_error = retry_error or error
        except Exception:
            logger.exception("Clock %s could not be processed", clock_id)
    if retry_error is not None:
        raise retry_error
    return acted


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
