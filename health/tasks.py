"""Celery entry points of the health app; each only calls a service."""

from __future__ import annotations

from celery import shared_task

from health.services import heartbeat_record


@shared_task(name="health.tasks.beat_heartbeat_task", ignore_result=True)
def beat_heartbeat_task() -> str:
    """Beat, every minute, on the `sla` queue: a fresh row proves beat schedules and the deadline
    worker consumes (a stale one is what /readyz reports)."""
    return heartbeat_record().isoformat()
