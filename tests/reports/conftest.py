"""Hand-built cases for the report figures: rows written directly with the times a test needs.

The workflow services stamp "now" on everything they do; a figure's edges (23:30 local on a
holiday eve, a clock paused before its deadline) need chosen times, so these helpers write the
rows the services would leave behind, and the tests state what each figure must be.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Complaint, Decision, FollowUp, State
from reports.domain import Periods, periods_at
from sla.models import Clock, SlaTarget
from tests.complaints.conftest import complaint_in, flow  # noqa: F401  (fixtures)
from tests.factories import ComplaintFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday, a week after the National Day holidays (1-7 October).
NOW = datetime(2026, 10, 14, 15, 0, tzinfo=SHANGHAI)


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def periods(settings) -> Periods:
    settings.TIME_ZONE = "Asia/Shanghai"
    return periods_at(NOW, SHANGHAI)


@pytest.fixture
def case(org):
    """`case(received_at, **fields)`: a complaint of the service department, open in intake."""

    def make(received_at: datetime, **fields) -> Complaint:
        fields.setdefault("department", org.service)
        fields.setdefault("category", org.category)
        return ComplaintFactory(received_at=received_at, **fields)

    return make


@pytest.fixture
def clock(db):
    """`clock(complaint, stage, due_at, ...)`: a deadline clock as the sla services leave it."""

    def make(
        complaint: Complaint,
        stage: str,
        due_at: datetime,
        *,
        met_at: datetime | None = None,
        paused_at: datetime | None = None,
        cancelled_at: datetime | None = None,
        round: int = 0,
    ) -> Clock:
        target = SlaTarget.objects.filter(stage=stage).first()
        return Clock.objects.create(
            complaint=complaint,
            case_department_id=complaint.department_id,
            case_assignee_id=complaint.assignee_id,
            stage=stage,
            round=round,
            target=target,
            amount=target.amount,
            unit=target.unit,
            reminder_percent=target.reminder_percent,
            breach_level=target.breach_level,
            started_at=complaint.received_at,
            due_at=due_at,
            met_at=met_at,
            paused_at=paused_at,
            cancelled_at=cancelled_at,
        )

    return make


@pytest.fixture
def decision(org):
    def make(
        complaint: Complaint,
        remedy: str,
        amount: int,
        *,
        approved_at: datetime | None,
        state: str = Decision.Status.APPROVED,
    ) -> Decision:
        return Decision.objects.create(
            complaint=complaint,
            remedy=remedy,
            outcome="upheld",
            amount=Decimal(amount),
            rationale="依据维修记录",
            state=state,
            proposed_by=org.head,
            approved_by=org.head if approved_at else None,
            approved_at=approved_at,
            created_at=approved_at or complaint.received_at,
        )

    return make


@pytest.fixture
def follow_up(org):
    def make(
        complaint: Complaint,
        at: datetime,
        *,
        reached: bool = True,
        satisfaction: int | None = None,
        resolved: bool | None = None,
    ) -> FollowUp:
        return FollowUp.objects.create(
            complaint=complaint,
            case_department_id=complaint.department_id,
            case_assignee_id=complaint.assignee_id,
            method="phone",
            reached=reached,
            satisfaction=satisfaction,
            resolved=resolved,
            by=org.manager,
            at=at,
        )

    return make


__all__ = ["NOW", "SHANGHAI", "State", "local"]


# The page tests' signed-in clients.
from tests.pages.conftest import client_for  # noqa: E402, F401
