"""Satisfaction, reopen and escalation rates, and redress totals of this month."""

from __future__ import annotations

from decimal import Decimal

import pytest

from complaints.models import Decision, State
from reports.selectors.outcomes import redress, reopen_and_escalation, satisfaction
from reports.selectors.scope import ReportScope
from tests.reports.conftest import local

EVERYTHING = ReportScope(departments=None)


def test_satisfaction_of_this_months_follow_ups(case, follow_up, periods) -> None:
    complaint = case(local(2026, 9, 20), state=State.FOLLOW_UP)
    follow_up(complaint, local(2026, 10, 2), satisfaction=5, resolved=True)  # satisfied
    follow_up(complaint, local(2026, 10, 3), satisfaction=2, resolved=False)  # dissatisfied
    follow_up(complaint, local(2026, 10, 5), reached=False)  # no answer
    follow_up(complaint, local(2026, 10, 6), satisfaction=4, resolved=True)  # satisfied
    follow_up(complaint, local(2026, 9, 30, 23, 30), satisfaction=1, resolved=False)  # September

    figures = satisfaction(scope=EVERYTHING, periods=periods)

    assert (figures.visits, figures.reached, figures.satisfied) == (4, 3, 2)
    assert figures.mean_score == pytest.approx(11 / 3)
    assert figures.satisfied_share == pytest.approx(2 / 3)
    assert figures.response_rate == pytest.approx(3 / 4)


def test_reopen_and_escalation_rates_of_cases_closed_this_month(case, periods) -> None:
    closed = {"state": State.CLOSED, "closed_at": local(2026, 10, 9)}
    case(local(2026, 9, 1), reopen_count=1, **closed)  # reopened once
    case(local(2026, 9, 2), escalation_level=2, **closed)  # escalated
    case(local(2026, 9, 3), **closed)
    case(local(2026, 9, 4), state=State.WITHDRAWN, reopen_count=1, withdrawn_at=local(2026, 10, 9))
    case(local(2026, 8, 4), state=State.CLOSED, closed_at=local(2026, 9, 30), reopen_count=2)

    rates = reopen_and_escalation(scope=EVERYTHING, periods=periods)

    assert (rates.closed, rates.reopened, rates.escalated) == (3, 1, 1)
    assert rates.reopen_rate == pytest.approx(1 / 3)
    assert rates.escalation_rate == pytest.approx(1 / 3)


def test_redress_totals_of_decisions_approved_this_month(case, decision, periods) -> None:
    complaint = case(local(2026, 9, 20), state=State.REPLY)
    decision(complaint, "compensation", 1000, approved_at=local(2026, 10, 2))
    decision(complaint, "gift", 200, approved_at=local(2026, 10, 3))
    decision(complaint, "financial_assistance", 300, approved_at=local(2026, 10, 4))
    decision(complaint, "refund", 500, approved_at=local(2026, 10, 5))
    # A superseded proposal and one awaiting approval pay nothing; September's is last month's.
    decision(
        complaint,
        "compensation",
        9999,
        approved_at=local(2026, 10, 6),
        state=Decision.Status.SUPERSEDED,
    )
    decision(
        complaint, "compensation", 5000, approved_at=None, state=Decision.Status.PENDING_APPROVAL
    )
    decision(complaint, "compensation", 700, approved_at=local(2026, 9, 30, 23, 30))

    totals = redress(scope=EVERYTHING, periods=periods)

    assert totals.compensation == Decimal(1000)
    assert totals.goodwill == Decimal(500)
    assert totals.total == Decimal(2000)
    assert totals.by_remedy["refund"] == (1, Decimal(500))
