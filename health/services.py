"""The heartbeat beat writes; /readyz reads it (health.selectors). Tasks the broker could not take,
kept in the database until it can."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from health.models import DeferredTask, Heartbeat

logger = logging.getLogger(__name__)

BEAT = "beat"

# How many deferred tasks one run of the requeue job queues (the rest: the next minute's run).
REQUEUE_LIMIT = 500


def heartbeat_record(*, name: str = BEAT, at: datetime | None = None) -> datetime:
    """Store that `name` is alive now (one row, overwritten)."""
    at = at or timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"at": at})
    return at


def deferred_task_store(*, task_name: str, args: Sequence[Any]) -> DeferredTask:
    """Keep a task the broker refused, to be queued again by `deferred_tasks_requeue`."""
    return DeferredTask.objects.create(
        task_name=task_name, args=list(args), created_at=timezone.now()
    )


def deferred_tasks_requeue(
    *, publish: Callable[[str, list[Any]], bool], limit: int = REQUEUE_LIMIT
) -> int:
    """Queue the deferred tasks again, oldest first; returns how many went.

    `publish` queues one task and answers False when the broker refuses it. Each row is deleted
    in the transaction that holds its lock while it is published, so two runs at once queue each
    task once (skip_locked). The first refusal ends the run (the broker is still down): what went
    is deleted, the rest waits for the next run. A task that can never be queued (its name is no
    longer known) is logged and dropped rather than blocking the others. A process that dies
    between a publish and the commit queues that task again next time: the tasks deferred here
    are idempotent (the e-mail outboxes, the export build) or harmless twice (a tracking link).
    """
    done: list[int] = []
    published = 0
    with transaction.atomic():
        rows = list(DeferredTask.objects.select_for_update(skip_locked=True).order_by("pk")[:limit])
        for row in rows:
            try:
                if not publish(row.task_name, list(row.args)):
                    break
                published += 1
            except Exception:
                logger.exception("Deferred task %s cannot be queued; dropped", row)
            done.append(row.pk)
        DeferredTask.objects.filter(pk__in=done).delete()
    return published
