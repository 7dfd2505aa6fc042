"""The one way to write a case's timeline. Call it inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from accounts.models import User
from complaints.models import CaseEvent, Complaint


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
    return event


def record_events(*, events: Sequence[CaseEvent]) -> list[CaseEvent]:
    """Store many events built by `new_event` in one insert (a batch job's timeline entries)."""
    return CaseEvent.objects.bulk_create(events) if events else []
