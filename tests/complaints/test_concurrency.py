"""Races on purpose: two connections act on one case at the same moment (PostgreSQL only).

Each contender runs in its own thread with its own database connection, loads the case, waits at a
barrier and then acts, so both reach the row lock together. The rule under test: exactly one wins,
the other is told someone else changed the case first, and the timeline records one change.
SQLite serialises whole-database writes, so these races are only meaningful on PostgreSQL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections

from accounts.models import User
from complaints.errors import Conflict
from complaints.models import (
    CaseEvent,
    Complaint,
    Customer,
    Decision,
    DecisionApproval,
    Severity,
    State,
)
from complaints.services import (
    complaint_create,
    complaint_transition,
    complaint_triage,
    decision_approve,
)
from complaints.services import transitions as transitions_module

ROUNDS = 5

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Result:
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0


def race(*contenders: tuple[Callable[[], Any], Callable[[Any], Any]]) -> list[Result]:
    """Run each (load, act) in its own thread: all load, meet at a barrier, then all act."""
    barrier = threading.Barrier(len(contenders))
    results = [Result() for _ in contenders]

    def contend(result: Result, load: Callable[[], Any], act: Callable[[Any], Any]) -> None:
        try:
            loaded = load()
            barrier.wait(timeout=10)
            started = time.monotonic()
            try:
                result.value = act(loaded)
            finally:
                result.seconds = time.monotonic() - started
        except BaseException as exc:  # reported to the test thread, which asserts on it
            result.error = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=contend, args=(result, load, act))
        for result, (load, act) in zip(results, contenders, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a contender hung"
    return results


def transition_as(complaint_pk: int, user_pk: int, name: str, data: dict | None = None):
    """A contender that opens the case as `user` and runs transition `name` on that copy."""

    def load():
        return Complaint.objects.get(pk=complaint_pk), User.objects.get(pk=user_pk)

    def act(loaded):
        complaint, user = loaded
        return complaint_transition(complaint=complaint, name=name, actor=user, data=data or {})

    return load, act


def winner_and_loser(results: list[Result]) -> tuple[Result, Result]:
    winners = [r for r in results if r.error is None]
    losers = [r for r in results if r.error is not None]
    assert len(winners) == 1, [r.error for r in results]
    assert len(losers) == 1
    return winners[0], losers[0]


def transition_events(complaint_pk: int) -> list[str]:
    return list(
        CaseEvent.objects.filter(complaint_id=complaint_pk, kind=CaseEvent.Kind.TRANSITION)
        .order_by("id")
        .values_list("transition", flat=True)
    )


def test_two_different_transitions_at_once_one_wins_one_conflicts(org, new_complaint):
    for _round in range(ROUNDS):
        # given a new case, opened at the same time by the agent and the complaint manager
        complaint = new_complaint()

        # when the agent starts triage while the manager rejects it
        results = race(
            transition_as(complaint.pk, org.agent.pk, "start_triage"),
            transition_as(complaint.pk, org.manager.pk, "reject", {"reason": "duplicate"}),
        )

        # then one of them went through and the other was told about the conflict
        winner, loser = winner_and_loser(results)
        assert isinstance(loser.error, Conflict)
        triage_won = winner is results[0]
        stored = Complaint.objects.get(pk=complaint.pk)
        assert stored.state == winner.value.state
        assert stored.state == (State.TRIAGE if triage_won else State.REJECTED)
        assert stored.version == complaint.version + 1
        assert transition_events(complaint.pk) == ["start_triage" if triage_won else "reject"]


def test_the_same_transition_twice_at_once_happens_once(org, new_complaint):
    for _round in range(ROUNDS):
        complaint = new_complaint()

        results = race(
            transition_as(complaint.pk, org.agent.pk, "start_triage"),
            transition_as(complaint.pk, org.manager.pk, "start_triage"),
        )

        winner, loser = winner_and_loser(results)
        assert isinstance(loser.error, Conflict)
        assert Complaint.objects.get(pk=complaint.pk).state == State.TRIAGE
        assert transition_events(complaint.pk) == ["start_triage"]
        event = CaseEvent.objects.get(complaint_id=complaint.pk, kind=CaseEvent.Kind.TRANSITION)
        assert event.actor == (org.agent if winner is results[0] else org.manager)


def triage_as(complaint_pk: int, user_pk: int, **changes):
    def load():
        return Complaint.objects.get(pk=complaint_pk), User.objects.get(pk=user_pk)

    def act(loaded):
        complaint, user = loaded
        return complaint_triage(complaint=complaint, actor=user, **changes)

    return load, act


def test_two_edits_that_keep_the_state_do_not_overwrite_each_other(org, new_complaint):
    # The state machine cannot catch this lost update (the state does not change): the row lock
    # and the version must.
    for _round in range(ROUNDS):
        # given a case opened by the agent and the manager at once
        complaint = new_complaint()

        # when one raises the severity while the other moves the case to 法务部
        results = race(
            triage_as(complaint.pk, org.agent.pk, severity=Severity.URGENT),
            triage_as(complaint.pk, org.manager.pk, department=org.legal),
        )

        # then only the winner's change is stored, and the other is asked to reload
        winner, loser = winner_and_loser(results)
        assert isinstance(loser.error, Conflict)
        stored = Complaint.objects.get(pk=complaint.pk)
        if winner is results[0]:
            assert (stored.severity, stored.department) == (Severity.URGENT, org.service)
        else:
            assert (stored.severity, stored.department) == (Severity.GENERAL, org.legal)
        assert stored.version == complaint.version + 1
        assert (
            CaseEvent.objects.filter(complaint=complaint, kind=CaseEvent.Kind.TRIAGED).count() == 1
        )


def test_an_edit_and_a_transition_at_once_one_conflicts(org, new_complaint):
    for _round in range(ROUNDS):
        complaint = new_complaint()

        results = race(
            triage_as(complaint.pk, org.manager.pk, severity=Severity.COMPLEX),
            transition_as(complaint.pk, org.agent.pk, "start_triage"),
        )

        winner, loser = winner_and_loser(results)
        assert isinstance(loser.error, Conflict)
        stored = Complaint.objects.get(pk=complaint.pk)
        if winner is results[0]:
            assert (stored.state, stored.severity) == (State.INTAKE, Severity.COMPLEX)
        else:
            assert (stored.state, stored.severity) == (State.TRIAGE, Severity.GENERAL)


def test_the_loser_waits_for_the_winners_commit_then_conflicts(org, new_complaint, monkeypatch):
    # given a winner that holds the row lock a while before committing
    hold = 0.3
    real_save_change = transitions_module.save_change

    def slow_save_change(complaint, **kwargs):
        real_save_change(complaint, **kwargs)
        time.sleep(hold)

    monkeypatch.setattr(transitions_module, "save_change", slow_save_change)
    complaint = new_complaint()

    # when two people act at once
    results = race(
        transition_as(complaint.pk, org.agent.pk, "withdraw"),
        transition_as(complaint.pk, org.manager.pk, "start_triage"),
    )

    # then the loser was blocked by the lock until the winner committed, and then refused
    winner, loser = winner_and_loser(results)
    assert isinstance(loser.error, Conflict)
    assert loser.seconds >= hold * 0.8
    assert Complaint.objects.get(pk=complaint.pk).state == winner.value.state
    assert len(transition_events(complaint.pk)) == 1


def test_two_approvers_at_once_give_one_approval(org, new_complaint, flow):
    for _round in range(ROUNDS):
        # given a decision of 5000 awaiting approval, which both the head and the manager may approve
        complaint = flow.advance(new_complaint(), State.DECISION)
        decision = flow.propose(complaint, amount=Decimal(5000))
        assert decision.state == Decision.Status.PENDING_APPROVAL

        def approve_as(user_pk: int, decision_pk: int = decision.pk):
            def load():
                return Decision.objects.get(pk=decision_pk), User.objects.get(pk=user_pk)

            def act(loaded):
                pending, user = loaded
                return decision_approve(decision=pending, actor=user)

            return load, act

        # when both approve at the same moment
        results = race(approve_as(org.head.pk), approve_as(org.manager.pk))

        # then there is exactly one approval, by the winner, and the other is told of the conflict
        winner, loser = winner_and_loser(results)
        assert isinstance(loser.error, Conflict)
        approvals = DecisionApproval.objects.filter(decision=decision)
        assert approvals.count() == 1
        stored = Decision.objects.get(pk=decision.pk)
        assert stored.state == Decision.Status.APPROVED
        assert stored.approved_by_id == approvals.get().approver_id == winner.value.approved_by_id
        assert (
            CaseEvent.objects.filter(
                complaint=complaint, kind=CaseEvent.Kind.DECISION_APPROVED
            ).count()
            == 1
        )


def test_two_intakes_at_once_get_their_own_numbers_and_share_the_customer(org):
    for round_number in range(ROUNDS):
        # given a customer nobody knows yet, calling two hotlines at once
        phone = f"13700000{round_number:03d}"

        def intake_by(user_pk: int, phone: str = phone):
            def load():
                return User.objects.get(pk=user_pk)

            def act(user):
                return complaint_create(
                    actor=user,
                    channel="phone",
                    subject="同一问题重复来电",
                    description="客户同时拨打了两条热线。",
                    customer_name="赵女士",
                    customer_phone=phone,
                    category=org.category,
                )

            return load, act

        results = race(intake_by(org.agent.pk), intake_by(org.manager.pk))

        # then both are recorded, with different consecutive references, for one customer record
        assert [r.error for r in results] == [None, None]
        first, second = (r.value for r in results)
        numbers = sorted(int(c.reference.rsplit("-", 1)[1]) for c in (first, second))
        assert numbers[1] == numbers[0] + 1
        assert first.customer_id == second.customer_id
        assert Customer.objects.filter(phone=f"+86{phone}").count() == 1
