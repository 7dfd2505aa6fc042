"""Playing a demo case's planned steps through the services, under the simulated clock."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accounts.models import User
from complaints.models import Complaint
from complaints.services import (
    complaint_add_note,
    complaint_assign,
    complaint_create,
    complaint_hand_off,
    complaint_transition,
    complaint_triage,
    contact_record,
    decision_approve,
    decision_propose,
    decision_refuse,
    follow_up_record,
)
from demo.seed.clock import SimulatedClock
from demo.seed.story.base import StoryBase
from sla.services import checklist_step_tick


class Playback(StoryBase):
    """Each planned step calls the service a person would have used, at the step's time.

    `play()` runs the steps that CaseStory.plan() lays out.
    """

    def play(self, clock: SimulatedClock, limit: datetime) -> Complaint:
        steps = self.plan()
        start = self.spec.received_at
        last = steps[-1].at
        if last > limit:
            # A recent case: squeeze its story in between its receipt and now, keeping the order.
            factor = (limit - start) / (last - start)
            for step in steps:
                step.at = start + (step.at - start) * factor
        for step in steps:
            clock.current = max(step.at, start)
            getattr(self, f"do_{step.action}")(**step.kwargs)
            if self.complaint is not None:
                self.complaint.refresh_from_db()
        return self.complaint

    def do_create(self, **fields: Any) -> None:
        self.complaint = complaint_create(**fields)

    def do_transition(self, *, actor: User, name: str, data: dict | None = None, **extra) -> None:
        payload = dict(data or {})
        if extra.get("comment"):
            payload["comment"] = extra["comment"]
        complaint_transition(complaint=self.complaint, name=name, actor=actor, data=payload)

    def do_triage(self, *, actor: User, **changes: Any) -> None:
        complaint_triage(complaint=self.complaint, actor=actor, **changes)

    def do_assign(self, *, actor: User, assignee: User, comment: str) -> None:
        complaint_assign(complaint=self.complaint, actor=actor, assignee=assignee, comment=comment)

    def do_note(self, *, actor: User, text: str) -> None:
        complaint_add_note(complaint=self.complaint, actor=actor, text=text)

    def do_contact(self, *, actor: User, **fields: Any) -> None:
        contact_record(complaint=self.complaint, actor=actor, **fields)

    def do_hand_off(self, *, actor: User, **fields: Any) -> None:
        complaint_hand_off(complaint=self.complaint, actor=actor, **fields)

    def do_propose(self, *, actor: User, amount: int, approver: User | None, **fields) -> None:
        self.decision = decision_propose(
            complaint=self.complaint,
            actor=actor,
            amount=Decimal(amount),
            requested_approver=approver,
            **fields,
        )

    def do_approve(self, *, actor: User, comment: str) -> None:
        decision_approve(decision=self.decision, actor=actor, comment=comment)

    def do_refuse(self, *, actor: User, comment: str) -> None:
        decision_refuse(decision=self.decision, actor=actor, comment=comment)

    def do_follow_up(self, *, actor: User, **fields: Any) -> None:
        follow_up_record(complaint=self.complaint, actor=actor, **fields)

    def do_checklist(self, *, actor: User, on_time: bool = False) -> None:
        """Tick the steps of the case's checklist that ask for no evidence file (those that do
        stay open: the demo's cases have few files, and an open step shows how reminders look);
        `on_time`: only those not yet due (the desk's on-the-spot steps)."""
        # The injury checklist's steps are ticked by the injury record (demo/seed/injury.py).
        steps = self.complaint.checklist_steps.filter(
            done_at__isnull=True, evidence_required=False, injury_item=""
        )
        if on_time:
            steps = steps.filter(due_at__gte=timezone.now())
        for step in steps.order_by("position"):
            checklist_step_tick(
                complaint=self.complaint, step_id=step.pk, actor=actor, outcome="done"
            )
            self.complaint.refresh_from_db()
