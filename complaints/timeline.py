"""The one way to write a case's timeline. Call it inside the transaction of the change it records.

It also keeps the case's participants (`CaseParticipant`): whoever does work on a case (the actor of
an entry of WORK_KINDS), whoever the case is assigned to when such an entry is written, and the
people an entry asks to act on the case (`asked`: a department told of a quality referral or of an
order to take a product off sale), who must be able to read what they are asked about. Every
change of assignee writes one (assigned, handed off, triaged), so nobody who held or touched a case
is missed, and no service has to remember.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from complaints.models import (
    WORK_KINDS,
    CaseEvent,
    CaseParticipant,
    Complaint,
    WebhookEndpoint,
    webhook_types,
)
from complaints.models.webhooks import ACTIVE_KEY, ACTIVE_SECONDS, FAN_OUT_TASK
from config.dispatch import dispatch_now

# In an event's data: the customer did this on the public pages (the actor is empty, as for the
# system's own entries; this marker tells the two apart).
BY_CUSTOMER: dict[str, str] = {"by": "customer"}


def by_customer(event: CaseEvent) -> bool:
    return event.actor_id is None and (event.data or {}).get("by") == BY_CUSTOMER["by"]


def new_event(
    *,
    complaint: Complaint,
    kind: str,
    actor: User | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
    customer_visible: bool = False,
    from_state: str = "",
    to_state: str = "",
    transition: str = "",
    at=None,
) -> CaseEvent:
    """An event not stored yet, for `record_events`."""
    return CaseEvent(
        complaint=complaint,
        kind=kind,
        actor=actor,
        at=at or timezone.now(),
        comment=comment,
        data=data or {},
        customer_visible=customer_visible,
        from_state=from_state,
        to_state=to_state,
        transition=transition,
    )


def record_event(
    *,
    complaint: Complaint,
    kind: str,
    actor: User | None,
    comment: str = "",
    data: dict[str, Any] | None = None,
    customer_visible: bool = False,
    from_state: str = "",
    to_state: str = "",
    transition: str = "",
    at=None,
    asked: Sequence[User] = (),
) -> CaseEvent:
    """Store one timeline entry; `asked`: people the entry asks to act on the case (they may read
    it from now on, see complaints.selectors.access)."""
    event = new_event(
        complaint=complaint,
        kind=kind,
        actor=actor,
        comment=comment,
        data=data,
        customer_visible=customer_visible,
        from_state=from_state,
        to_state=to_state,
        transition=transition,
        at=at,
    )
    event.save(force_insert=True)
    _record_participants([event], asked=asked)
    _tell_webhooks([event])
    return event


def record_events(*, events: Sequence[CaseEvent]) -> list[CaseEvent]:
    """Store many events built by `new_event` in one insert (a batch job's timeline entries)."""
    if not events:
        return []
    stored = CaseEvent.objects.bulk_create(events)
    _record_participants(stored)
    _tell_webhooks(stored)
    return stored


def _tell_webhooks(events: Sequence[CaseEvent]) -> None:
    """After the commit, queue the entries that stand for a webhook event for the fan-out
    (complaints.services.webhooks), if any endpoint is active: a change that rolls back tells
    nobody, and an installation without webhooks queues nothing."""
    ids = [event.pk for event in events if webhook_types(event)]
    if ids:
        transaction.on_commit(lambda: _fan_out_if_subscribed(ids), robust=True)


def _fan_out_if_subscribed(ids: list[int]) -> None:
    try:
        active = cache.get(ACTIVE_KEY)
    except Exception:  # the cache is down: ask the database
        active = None
    if active is None:
        active = WebhookEndpoint.objects.filter(is_active=True).exists()
        with suppress(Exception):  # the cache is down: asked again next time
            cache.set(ACTIVE_KEY, active, ACTIVE_SECONDS)
    if active:
        dispatch_now(FAN_OUT_TASK, [ids])


def _record_participants(events: Sequence[CaseEvent], *, asked: Sequence[User] = ()) -> None:
    """The actor of a work entry and the case's assignee become participants, and so do the
    people asked to act (one insert, none when there is nobody new to name)."""
    pairs: set[tuple[int, int]] = {
        (event.complaint_id, person.pk) for event in events for person in asked
    }
    for event in events:
        if event.kind not in WORK_KINDS:
            continue  # reminders, escalations, re-planning: the system's entries name nobody new
        if event.actor_id is not None:
            pairs.add((event.complaint_id, event.actor_id))
        if event.complaint.assignee_id is not None:
            pairs.add((event.complaint_id, event.complaint.assignee_id))
    if pairs:
        CaseParticipant.objects.bulk_create(
            [CaseParticipant(complaint_id=case, user_id=user) for case, user in sorted(pairs)],
            ignore_conflicts=True,
        )


# Keys of an event's data that hold free text or identify a file: dropped when the case is
# anonymised. Everything else in the data is codes, numbers, times and staff snapshots.
FREE_TEXT_KEYS: frozenset[str] = frozenset(
    {
        "comment",
        "content",
        "description",
        "explanation",
        "findings",
        "message",
        "name",
        "note",
        "rationale",
        "refused_files",  # attachments' names (complaints.services.mailboxes)
        "reason_text",
        "root_cause",
        "sha256",
        "subject",
        "summary",
    }
)


def events_redact(*, complaint_ids: Sequence[int]) -> int:
    """Remove the free text of these cases' timelines (anonymisation: complaints.services.
    retention): comments emptied, FREE_TEXT_KEYS dropped from the data. Who did what, when, from
    which stage to which, stays. Call inside the transaction that anonymises the cases; returns
    how many events changed. On PostgreSQL the append-only trigger allows this change, and only
    this one, while `complaints.redact_timeline` is on for the transaction."""
    events = CaseEvent.objects.filter(complaint_id__in=complaint_ids)
    kept: dict[int, dict[str, Any]] = {}
    for pk, data in events.values_list("pk", "data").iterator(chunk_size=2000):
        if isinstance(data, dict) and FREE_TEXT_KEYS & data.keys():
            kept[pk] = {key: value for key, value in data.items() if key not in FREE_TEXT_KEYS}
    with _redaction_allowed():
        return events.redact(data=kept)


@contextmanager
def _redaction_allowed() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('complaints.redact_timeline', 'on', true)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('complaints.redact_timeline', 'off', true)")
