"""Notifications whose subject is settled are done (complaints/services/notifications.py, settled
by complaints/services/decisions.py and complaints/services/transitions.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from complaints.models import Notification, State
from complaints.selectors import unread_count
from complaints.services import (
    decision_approve,
    decision_propose,
    decision_refuse,
    notifications_mark_all_read,
)
from complaints.services.notifications import approval_request_key, reminder_key
from sla.models import Clock, Stage

pytestmark = pytest.mark.django_db

Settled = Notification.Settled


def propose(complaint, actor, amount: int):
    decision = decision_propose(
        complaint=complaint,
        actor=actor,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal(amount),
        rationale="维修质量问题，赔偿损失。",
    )
    complaint.refresh_from_db()
    return decision


def requests_of(decision) -> list[Notification]:
    return list(
        Notification.objects.filter(key=approval_request_key(decision.pk)).order_by(
            "recipient__username"
        )
    )


def message(user, complaint, *, kind: str, key: str) -> Notification:
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        complaint=complaint,
        subject="s",
        body="b",
        key=key,
        created_at=timezone.now(),
    )


class TestApprovalRequests:
    def test_an_approval_settles_the_request_for_every_approver(self, org, complaint_in):
        decision = propose(complaint_in(State.DECISION), org.handler, 10000)
        assert [n.recipient.username for n in requests_of(decision)] == [
            "executive",
            "head",
            "manager",
        ]
        assert unread_count(user=org.manager) == 1

        decision_approve(decision=decision, actor=org.head)

        for notification in requests_of(decision):
            assert notification.settled_reason == Settled.APPROVED
            assert notification.settled_by == org.head
            assert notification.settled_at is not None
            # Settled is not read: whoever never opened it still has not.
            assert notification.read_at is None
        assert unread_count(user=org.manager) == 0
        assert unread_count(user=org.executive) == 0

    def test_a_refusal_settles_the_request(self, org, complaint_in):
        decision = propose(complaint_in(State.DECISION), org.handler, 10000)

        decision_refuse(decision=decision, actor=org.manager, comment="金额过高")

        assert {(n.settled_reason, n.settled_by_id) for n in requests_of(decision)} == {
            (Settled.REFUSED, org.manager.pk)
        }

    def test_a_new_proposal_settles_the_request_it_replaces_and_asks_again(self, org, complaint_in):
        complaint = complaint_in(State.DECISION)
        first = propose(complaint, org.handler, 10000)

        second = propose(complaint, org.handler, 12000)

        assert {(n.settled_reason, n.settled_by_id) for n in requests_of(first)} == {
            (Settled.SUPERSEDED, org.handler.pk)
        }
        assert requests_of(second) and not any(n.settled_at for n in requests_of(second))
        # The manager had two requests; only the live one counts.
        assert unread_count(user=org.manager) == 1

    def test_a_settled_request_is_not_settled_again(self, org, complaint_in):
        complaint = complaint_in(State.DECISION)
        first = propose(complaint, org.handler, 10000)
        decision_refuse(decision=first, actor=org.manager, comment="金额过高")
        before = {n.pk: n.settled_at for n in requests_of(first)}
        complaint.refresh_from_db()

        propose(complaint, org.handler, 12000)  # replaces nothing pending

        assert {n.pk: n.settled_at for n in requests_of(first)} == before
        assert {n.settled_reason for n in requests_of(first)} == {Settled.REFUSED}


class TestCaseMessages:
    def test_a_reminder_is_settled_when_its_clock_is_met(self, org, flow, complaint_in):
        complaint = complaint_in(State.INVESTIGATION)
        clock = Clock.objects.get(complaint=complaint, stage=Stage.INVESTIGATION)
        reminder = message(
            org.handler, complaint, kind=Notification.Kind.REMINDER, key=reminder_key(clock.pk)
        )
        escalation = message(
            org.head, complaint, kind=Notification.Kind.ESCALATION, key="escalation:x"
        )

        flow.run(complaint, "complete_investigation")

        reminder.refresh_from_db()
        escalation.refresh_from_db()
        assert reminder.settled_reason == Settled.CLOCK_MET
        assert reminder.settled_by == org.handler
        # The case goes on: its escalation still stands.
        assert escalation.settled_at is None

    def test_closing_settles_everything_about_the_case(self, org, flow, complaint_in):
        complaint = complaint_in(State.FOLLOW_UP)
        other = complaint_in(State.FOLLOW_UP)
        escalation = message(
            org.executive, complaint, kind=Notification.Kind.ESCALATION, key="escalation:1"
        )
        assignment = message(
            org.handler, complaint, kind=Notification.Kind.ASSIGNMENT, key="assign:1"
        )
        elsewhere = message(
            org.executive, other, kind=Notification.Kind.ESCALATION, key="escalation:2"
        )

        flow.run(flow.prepare(complaint, "close"), "close")

        for notification in (escalation, assignment):
            notification.refresh_from_db()
            assert notification.settled_reason == Settled.CASE_CLOSED
            assert notification.settled_by == org.agent
        elsewhere.refresh_from_db()
        assert elsewhere.settled_at is None

    @pytest.mark.parametrize(
        ("name", "reason"),
        [("reject", Settled.CASE_REJECTED), ("withdraw", Settled.CASE_WITHDRAWN)],
    )
    def test_an_ended_case_settles_its_escalations(self, org, flow, new_complaint, name, reason):
        complaint = flow.advance(new_complaint(), State.TRIAGE)
        escalation = message(
            org.executive, complaint, kind=Notification.Kind.ESCALATION, key="escalation:1"
        )

        flow.run(complaint, name)

        escalation.refresh_from_db()
        assert escalation.settled_reason == reason


class TestUnread:
    def test_settled_messages_are_not_unread_and_mark_all_read_skips_them(self, org, new_complaint):
        complaint = new_complaint()
        for i in range(3):
            message(org.manager, complaint, kind=Notification.Kind.ESCALATION, key=f"e:{i}")
        Notification.objects.filter(key="e:0").update(
            settled_at=timezone.now(), settled_reason=Settled.CASE_CLOSED
        )

        assert unread_count(user=org.manager) == 2
        assert notifications_mark_all_read(user=org.manager) == 2
        assert unread_count(user=org.manager) == 0
