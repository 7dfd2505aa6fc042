"""The report's figures (issue 14, §3) against hand-built cases, with the period before.

The report is September 2026 (Asia/Shanghai), read on 14 October 2026; the period before is August.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from complaints.models import Channel, Decision
from reports.domain import month_period, quarter_period
from reports.selectors.report import ReportFilters, report_figures
from reports.selectors.scope import ReportScope
from tests.conftest import Org
from tests.reports.conftest import NOW, State, local

EVERYTHING = ReportScope(departments=None)
SEPTEMBER = month_period(2026, 9)


@pytest.fixture
def cases(org: Org, case, clock, decision, follow_up, periods):
    """
    late_eve:  received 30 Sep 23:30 local (15:30 UTC): September's, not October's.
    august:    received 31 Aug 23:30 local: the period before's.
    referred:  12315 referral received 10 Sep, closed 11 Sep (1 working day), upheld, compensation
               500 with a root cause, its decision clock met on time, a follow-up scored 4.
    slow:      received 1 Sep, closed 25 Sep (24 days), not upheld, an apology without a root
               cause, its decision clock met late, reopened once before.
    legal:     the legal department's, received 5 Sep, phone.
    """
    late_eve = case(local(2026, 9, 30, 23, 30), channel=Channel.PHONE)
    august = case(local(2026, 8, 31, 23, 30), channel=Channel.PHONE)
    referred = case(
        local(2026, 9, 10, 10),
        channel=Channel.REGULATOR_12315,
        state=State.CLOSED,
        closed_at=local(2026, 9, 11, 16),
        assignee=org.handler,
    )
    slow = case(
        local(2026, 9, 1, 10),
        channel=Channel.EMAIL,
        state=State.CLOSED,
        closed_at=local(2026, 9, 25, 16),
        reopen_count=1,
        assignee=org.handler,
    )
    legal = case(local(2026, 9, 5, 10), channel=Channel.PHONE, department=org.legal)
    first = decision(referred, "compensation", 500, approved_at=local(2026, 9, 11, 12))
    Decision.objects.filter(pk=first.pk).update(root_cause="配件缺陷")
    second = decision(slow, "apology", 0, approved_at=local(2026, 9, 20, 12))
    Decision.objects.filter(pk=second.pk).update(outcome="not_upheld")
    before = decision(august, "refund", 80, approved_at=local(2026, 8, 31, 12))
    Decision.objects.filter(pk=before.pk).update(outcome="partly_upheld")
    clock(referred, "decision", local(2026, 9, 20), met_at=local(2026, 9, 11, 12))
    clock(slow, "decision", local(2026, 9, 10), met_at=local(2026, 9, 20, 12))
    follow_up(referred, local(2026, 9, 15), satisfaction=4, resolved=True)
    return {
        "late_eve": late_eve,
        "august": august,
        "referred": referred,
        "slow": slow,
        "legal": legal,
    }


def test_volume_and_intake_count_local_days(cases) -> None:
    report = report_figures(scope=EVERYTHING, period=SEPTEMBER, now=NOW)

    assert report.current.intake.received == 4  # late_eve, referred, slow, legal
    assert report.previous.intake.received == 1  # august
    assert report.current.intake.referrals["regulator_12315"] == 1
    assert report.current.intake.referred == 1
    assert report.current.intake.by_state["closed"] == 2


def test_outcomes_remedies_and_root_causes(cases) -> None:
    report = report_figures(scope=EVERYTHING, period=SEPTEMBER, now=NOW)

    assert report.current.decisions.by_outcome == {
        "upheld": 1,
        "partly_upheld": 0,
        "not_upheld": 1,
    }
    assert report.previous.decisions.by_outcome["partly_upheld"] == 1
    assert report.current.decisions.without_root_cause == 1
    assert report.root_causes == [("配件缺陷", 1)]
    assert report.current.redress.compensation == Decimal(500)
    assert report.previous.redress.by_remedy == {"refund": (1, Decimal(80))}


def test_closed_within_buckets(cases) -> None:
    report = report_figures(scope=EVERYTHING, period=SEPTEMBER, now=NOW)

    assert report.current.closed_within == {"3wd": 1, "5wd": 0, "15d": 0, "30d": 1, "beyond": 0}
    assert report.current.rates.closed == 2
    assert report.current.rates.reopened == 1


def test_deadlines_and_satisfaction(cases) -> None:
    report = report_figures(scope=EVERYTHING, period=SEPTEMBER, now=NOW)

    decision = report.current.compliance["decision"]
    assert (decision.on_time, decision.late, decision.breached_open) == (1, 1, 0)
    assert report.current.compliance_rate == 0.5
    assert report.current.satisfaction.mean_score == 4.0
    assert report.previous.compliance_rate is None


def test_per_department_and_per_handler_tables(org: Org, cases) -> None:
    report = report_figures(scope=EVERYTHING, period=SEPTEMBER, now=NOW)

    service = next(row for row in report.departments if row.key == org.service.pk)
    assert (service.received, service.closed, service.reopened) == (3, 2, 1)
    assert service.on_time_rate == 0.5
    assert service.satisfaction == 4.0
    # 1 working day (10 -> 11 Sep) and 18 (1 -> 25 Sep: 2-4, 7-11, 14-18, 21-25): the median.
    assert service.median_days == 9.5
    legal = next(row for row in report.departments if row.key == org.legal.pk)
    assert (legal.received, legal.closed, legal.on_time_rate) == (1, 0, None)
    handler = next(row for row in report.handlers if row.key == org.handler.pk)
    assert (handler.received, handler.closed) == (2, 2)
    unassigned = next(row for row in report.handlers if row.key is None)
    assert unassigned.received == 2


def test_filters_narrow_every_figure(org: Org, cases) -> None:
    referred = report_figures(
        scope=EVERYTHING,
        period=SEPTEMBER,
        filters=ReportFilters(channel=Channel.REGULATOR_12315),
        now=NOW,
    )
    legal = report_figures(
        scope=EVERYTHING, period=SEPTEMBER, filters=ReportFilters(department=org.legal.pk), now=NOW
    )
    management = report_figures(
        scope=EVERYTHING,
        period=SEPTEMBER,
        filters=ReportFilters(department=org.management.pk),
        now=NOW,
    )

    assert referred.current.intake.received == 1
    assert referred.current.decisions.total == 1
    assert legal.current.intake.received == 1
    assert legal.current.decisions.total == 0
    assert management.current.intake.received == 4  # the departments below it


def test_a_head_sees_their_subtree_only(org: Org, cases) -> None:
    head = ReportScope(departments=frozenset({org.service.pk}))

    report = report_figures(scope=head, period=SEPTEMBER, now=NOW)

    assert report.current.intake.received == 3
    assert {row.key for row in report.departments} == {org.service.pk}


def test_a_period_not_over_is_counted_up_to_now(cases, case) -> None:
    case(local(2026, 10, 14, 16))  # an hour after NOW: not counted yet
    case(local(2026, 10, 1, 0, 0))  # the first minute of Q4

    report = report_figures(scope=EVERYTHING, period=quarter_period(2026, 4), now=NOW)

    assert report.current.intake.received == 1
    assert report.current.span.end.date() == date(2026, 10, 14)
    assert report.previous.intake.received == 5  # Q3: the four of September and August's
