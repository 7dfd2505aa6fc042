"""The one way to write a case's timeline. Call it inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User
from complaints.models import CaseEvent, Complaint


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
    return CaseEvent.objects.create(
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
