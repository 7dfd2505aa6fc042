"""Celery entry points for the SLA app; each only calls a service."""

from __future__ import annotations

import logging

from celery import shared_task

from sla.services import calendars_refresh_active

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
