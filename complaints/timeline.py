"""The one way to write a case's timeline. Call it inside the transaction of the change it records.

It also keeps the case's participants (`CaseParticipant`): whoever does work on a case (the actor of
an entry of WORK_KINDS) and whoever the case is assigned to when such an entry is written. Every
change of assignee writes one (assigned, handed off, triaged), so nobody who held or touched a case
is missed, and no service has to remember.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from accounts.models import User
from complaints.models import WORK_KINDS, CaseEvent, CaseParticipant, Complaint

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
) -> CaseEvent:
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
    _record_participants([event])
    return event


def record_events(*, events: Sequence[CaseEvent]) -> list[CaseEvent]:
    """Store many events built by `new_event` in one insert (a batch job's timeline entries)."""
    if not events:
        return []
    stored = CaseEvent.objects.bulk_create(events)
    _record_participants(stored)
    return stored


def _record_participants(events: Sequence[CaseEvent]) -> None:
    """The actor of a work entry and the case's assignee become participants (one insert, none
    when there is nobody new to name)."""
    pairs: set[tuple[int, int]] = set()
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
