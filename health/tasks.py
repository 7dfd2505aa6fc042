"""Celery entry points of the health app; each only calls a service."""

from __future__ import annotations

from celery import shared_task

from config.dispatch import publish
from health.services import deferred_tasks_requeue, heartbeat_record


@shared_task(name="health.tasks.beat_heartbeat_task", ignore_result=True)
def beat_heartbeat_task() -> str:
    """Beat, every minute, on the `sla` queue: a fresh row proves beat schedules and the deadline
    worker consumes (a stale one is what /readyz reports)."""
    return heartbeat_record().isoformat()


@shared_task(name="health.tasks.requeue_deferred_tasks_task", acks_late=True, ignore_result=True)
def requeue_deferred_tasks_task() -> int:
    """Beat, every minute: queue the tasks the broker could not take when they were due."""
    return deferred_tasks_requeue(publish=publish)
