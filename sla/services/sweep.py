"""The beat side of escalation: find the clocks with something due and queue them in chunks.

The sweep leases what it queues: in the same transaction that picks the due clocks (oldest first,
SKIP LOCKED so two sweeps at once split them), it moves their `next_action_at` ahead by LEASE, so
later sweeps do not queue them again while their chunk waits in the queue or runs. The chunk puts
the true `next_action_at` back (sla.services.escalation_batch); a chunk that never runs (expired,
its worker killed) leaves its clocks to the first sweep after the lease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from sla.models import Clock
from sla.selectors import due_clocks

logger = logging.getLogger(__name__)

# Clocks per chunk task: one transaction holding this many cases' locks for a fraction of a second.
CHUNK_SIZE = 100
# Clocks one sweep leases at most; a larger backlog is for the next sweep.
SWEEP_LIMIT = 10_000
# A chunk waiting longer than this in the queue is dropped: its clocks are left to the sweep after
# the lease, rather than worked on long after a newer sweep may have queued them again.
CHUNK_EXPIRES_SECONDS = 120
# Long enough for a chunk to wait out its expiry and then run; short enough that the clocks of a
# chunk that died are taken up again within minutes.
LEASE = timedelta(seconds=CHUNK_EXPIRES_SECONDS + 60)


def sweep_due_clocks(
    *,
    enqueue: Callable[[list[int]], object],
    now: datetime | None = None,
    chunk_size: int = CHUNK_SIZE,
    limit: int = SWEEP_LIMIT,
) -> int:
    """Lease the live clocks with something due, oldest first, and pass them to `enqueue` in
    chunks; returns how many.

    A sweep that cannot queue (broker down) gives the clocks it has not queued their times back
    and raises, so the next sweep finds them as they were.
    """
    now = now or timezone.now()
    lease_until = now + LEASE
    with transaction.atomic():
        due = list(
            due_clocks(now=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", "next_action_at")[:limit]
        )
        Clock.objects.filter(pk__in=[pk for pk, _at in due]).update(next_action_at=lease_until)
    ids = [pk for pk, _at in due]
    for start in range(0, len(ids), chunk_size):
        try:
            enqueue(ids[start : start + chunk_size])
        except Exception:
            logger.exception(
                "Sweep could not queue %d of %d due clocks; the next sweep retries them.",
                len(ids) - start,
                len(ids),
            )
            _release(due[start:], lease_until=lease_until)
            raise
    return len(ids)


def _release(due: list[tuple[int, datetime | None]], *, lease_until: datetime) -> None:
    """Give leased clocks their times back, unless something has moved them since."""
    try:
        Clock.objects.filter(pk__in=[pk for pk, _at in due], next_action_at=lease_until).update(
            next_action_at=Case(
                *(When(pk=pk, then=Value(at)) for pk, at in due), output_field=DateTimeField()
            )
        )
    except Exception:
        # The database is down too: the leases simply run out.
        logger.exception("Could not release %d leased clocks", len(due))
