"""The daily rollup (reports.services.rollup) proved equal to the live count (issue 14).

A year and a half of varied cases (seeded at random, the same every run) with every edge the
report's figures have: 23:30 local receipts, clocks met late, breached and still open, finished
late after a period ended, paused before and after their deadline, stopped; reopened and
escalated cases; follow-ups reached or not, scored or not; decisions approved, refused and
superseded. The report of several periods and scopes read from the rollup must be the very
report counted from the cases, figure for figure.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from complaints.models import Channel, Complaint, Decision, Outcome, Remedy, Severity, State
from reports.domain import ReportPeriod, month_period, quarter_period, year_period
from reports.models import DailyFigure, DailyFigureBuild
from reports.selectors.report import ReportFilters, report_figures
from reports.selectors.scope import ReportScope
from reports.services.rollup import daily_figures_rebuild
from reports.tasks import rebuild_daily_figures_task
from sla.models import Stage
from tests.conftest import Org
from tests.factories import CategoryFactory, CustomerFactory
from tests.reports.conftest import NOW, local

EVERYTHING = ReportScope(departments=None)
PERIODS = [
    month_period(2026, 9),
    quarter_period(2026, 3),
    month_period(2026, 10),  # not over at NOW: cut at the build's moment
    year_period(2026),
    ReportPeriod("custom", local(2026, 8, 17).date(), local(2026, 9, 16).date()),
]
REGIONS = ["上海市", "北京市", "广东省", ""]
PRODUCTS = ["空调", "冰箱", ""]


@pytest.fixture
def year_of_cases(org: Org, case, clock, decision, follow_up, periods):
    """About 260 cases from July 2025 to NOW, two departments, three handlers (and none)."""
    rng = random.Random(14)
    categories = [org.category, CategoryFactory(name="物流配送", code="delivery", name_en="")]
    owners = [
        (org.service, org.handler),
        (org.service, org.head),
        (org.service, None),
        (org.legal, org.other_handler),
    ]
    regulars = [CustomerFactory() for _ in range(3)]
    start = local(2025, 7, 1, 0, 0)
    span_hours = int((NOW - start).total_seconds() // 3600)
    for index in range(260):
        received = start + timedelta(hours=rng.randrange(span_hours), minutes=rng.choice([0, 30]))
        if index % 17 == 0:  # 23:30 local: the local day, not the UTC one
            received = received.replace(hour=23, minute=30)
        department, assignee = rng.choice(owners)
        state = rng.choice(
            [State.CLOSED] * 5
            + [State.INVESTIGATION, State.DECISION, State.WITHDRAWN, State.REJECTED]
        )
        closed_at = received + timedelta(days=rng.randrange(0, 40), hours=rng.randrange(9))
        if state == State.CLOSED and closed_at > NOW:
            state = State.FOLLOW_UP
        fields = {
            "channel": rng.choice(Channel.values),
            "category": rng.choice([*categories, None]),
            "region": rng.choice(REGIONS),
            "product_or_service": rng.choice(PRODUCTS),
            "severity": rng.choice(Severity.values),
            "department": department,
            "assignee": assignee,
            "state": state,
            "regulator_involved": rng.random() < 0.15,
            "reopen_count": 1 if rng.random() < 0.1 else 0,
            "escalation_level": rng.choice([0, 0, 0, 1, 2]),
        }
        if rng.random() < 0.3:
            fields["customer"] = rng.choice(regulars)
        if state != State.INTAKE:
            first_response = received + timedelta(minutes=rng.randrange(5, 3000))
            fields["first_response_at"] = min(first_response, NOW - timedelta(hours=1))
        decided_at = received + timedelta(days=rng.randrange(0, 9), hours=rng.randrange(9))
        if state in (State.CLOSED, State.FOLLOW_UP) and decided_at < NOW:
            fields["decided_at"] = decided_at
        if state == State.CLOSED:
            fields["closed_at"] = closed_at
        complaint = case(received, **fields)

        for stage in rng.sample(Stage.values, k=2):
            due = received + timedelta(days=rng.randrange(1, 12))
            roll = rng.random()
            met = cancelled = paused = None
            if roll < 0.4:
                met = due - timedelta(hours=rng.randrange(1, 30))  # on time
            elif roll < 0.6:
                met = due + timedelta(days=rng.randrange(0, 40), hours=1)  # late, maybe much
            elif roll < 0.7:
                cancelled = due + timedelta(days=rng.randrange(-3, 20))
            elif roll < 0.8:
                paused = due + timedelta(hours=rng.choice([-5, 5]))
            for moment in (met, cancelled):
                if moment is not None and moment > NOW:
                    met = cancelled = None
            clock(complaint, stage, due, met_at=met, cancelled_at=cancelled, paused_at=paused)

        for _ in range(rng.choice([0, 0, 1, 2])):
            at = received + timedelta(days=rng.randrange(1, 30))
            if at < NOW:
                reached = rng.random() < 0.7
                follow_up(
                    complaint,
                    at,
                    reached=reached,
                    satisfaction=rng.choice([None, 1, 2, 3, 4, 5]) if reached else None,
                    resolved=rng.choice([True, False, None]) if reached else None,
                )
        if "decided_at" in fields:
            approved = decision(
                complaint,
                rng.choice(Remedy.values),
                rng.choice([0, 50, 120, 500, 1999]),
                approved_at=fields["decided_at"],
                state=rng.choice([Decision.Status.APPROVED] * 4 + [Decision.Status.SUPERSEDED]),
            )
            Decision.objects.filter(pk=approved.pk).update(
                outcome=rng.choice(Outcome.values),
                root_cause=rng.choice(["", "配件缺陷", "沟通不足"]),
            )
    return org


def live_and_rolled(period: ReportPeriod, scope: ReportScope, **kwargs) -> tuple:
    live = report_figures(scope=scope, period=period, now=NOW, **kwargs)
    rolled = report_figures(scope=scope, period=period, now=NOW, counted_ahead=True, **kwargs)
    return live, rolled


@pytest.mark.parametrize("period", PERIODS, ids=lambda period: f"{period.first}-{period.last}")
def test_the_report_read_from_the_rollup_is_the_report_counted_live(year_of_cases, period):
    org = year_of_cases
    daily_figures_rebuild(now=NOW)
    service_only = ReportScope(departments=frozenset({org.service.pk}))

    for scope in (EVERYTHING, service_only):
        live, rolled = live_and_rolled(period, scope)

        assert rolled.counted_ahead and not live.counted_ahead
        assert live.current.intake.received > 0  # the data reach the period
        for name in ("current", "previous"):
            assert getattr(rolled, name) == getattr(live, name), (scope, name)
        assert dataclasses.replace(rolled, counted_ahead=False) == live


def test_the_rising_and_the_trend_come_from_the_rollup_too(year_of_cases, settings):
    """A low rise rule so that something rises in some month; the report read from the rollup
    finds the same rising problems and trend as the one counted live, month after month."""
    settings.REPORTS_RISE_MIN_CASES = 1
    settings.REPORTS_RISE_MIN_PERCENT = 1
    daily_figures_rebuild(now=NOW)
    found = 0
    for month in range(1, 11):
        live, rolled = live_and_rolled(month_period(2026, month), EVERYTHING)
        assert rolled.counted_ahead
        assert rolled.rising == live.rising and rolled.trend == live.trend, month
        found += sum(len(items) for items in live.rising.values())
        assert sum(n for _month, n in live.trend) > 0
    assert found > 0


def test_a_filtered_report_a_missing_or_stale_build_are_counted_live(year_of_cases, settings):
    september = month_period(2026, 9)
    report = report_figures(scope=EVERYTHING, period=september, now=NOW, counted_ahead=True)
    assert not report.counted_ahead  # no build yet

    daily_figures_rebuild(now=NOW - timedelta(minutes=31))
    settings.REPORTS_ROLLUP_MAX_AGE_MINUTES = 30
    report = report_figures(scope=EVERYTHING, period=september, now=NOW, counted_ahead=True)
    assert not report.counted_ahead and report.now == NOW

    daily_figures_rebuild(now=NOW - timedelta(minutes=5))
    report = report_figures(scope=EVERYTHING, period=september, now=NOW, counted_ahead=True)
    assert report.counted_ahead and report.now == NOW - timedelta(minutes=5)

    live, rolled = live_and_rolled(september, EVERYTHING, filters=ReportFilters(channel="phone"))
    assert not rolled.counted_ahead and rolled == live


def test_a_rebuild_replaces_the_last_one_and_changes_nothing_on_the_same_data(year_of_cases):
    def rows() -> Counter[tuple]:
        return Counter(
            DailyFigure.objects.values_list(
                "day",
                "measure",
                "key",
                "other_day",
                "working_days",
                "department_id",
                "assignee_id",
                "n",
                "total",
            )
        )

    first = daily_figures_rebuild(now=NOW)
    counted = rows()
    second = daily_figures_rebuild(now=NOW + timedelta(seconds=1))

    assert list(DailyFigureBuild.objects.values_list("pk", flat=True)) == [second.pk]
    assert not DailyFigure.objects.filter(build_id=first.pk).exists()
    assert rows() == counted and second.rows == first.rows == counted.total() > 0


def test_only_the_latest_build_is_read_while_another_still_holds_rows(year_of_cases):
    """A build that started earlier and committed later (or the one before, for the moment
    until it is deleted) keeps its rows beside the latest's: a report reads the latest's only."""
    latest = daily_figures_rebuild(now=NOW)
    earlier = DailyFigureBuild.objects.create(
        as_of=NOW - timedelta(minutes=1),
        first_day=latest.first_day,
        finished_at=NOW,
        seconds=0,
        rows=latest.rows,
    )
    copied = [field.attname for field in DailyFigure._meta.concrete_fields if field.attname != "id"]
    DailyFigure.objects.bulk_create(
        DailyFigure(**{**{name: getattr(row, name) for name in copied}, "build_id": earlier.pk})
        for row in DailyFigure.objects.filter(build=latest)
    )
    assert DailyFigure.objects.filter(build=earlier).count() == latest.rows > 0

    for period in (month_period(2026, 9), quarter_period(2026, 3)):
        live, rolled = live_and_rolled(period, EVERYTHING)
        assert rolled.counted_ahead
        assert dataclasses.replace(rolled, counted_ahead=False) == live


def test_what_changed_after_the_build_shows_with_the_next_one(year_of_cases):
    september = month_period(2026, 9)
    daily_figures_rebuild(now=NOW)
    before = report_figures(scope=EVERYTHING, period=september, now=NOW, counted_ahead=True)
    moved = Complaint.objects.filter(
        received_at__gte=local(2026, 9, 1, 0, 0), received_at__lt=local(2026, 10, 1, 0, 0)
    ).exclude(state=State.WITHDRAWN)[:3]
    Complaint.objects.filter(pk__in=[c.pk for c in moved]).update(state=State.WITHDRAWN)

    stale = report_figures(scope=EVERYTHING, period=september, now=NOW, counted_ahead=True)
    assert stale.current.intake == before.current.intake  # as of the build

    daily_figures_rebuild(now=NOW + timedelta(minutes=1))
    later = NOW + timedelta(minutes=2)
    fresh = report_figures(scope=EVERYTHING, period=september, now=later, counted_ahead=True)
    withdrawn = fresh.current.intake.by_state["withdrawn"]
    assert withdrawn == before.current.intake.by_state["withdrawn"] + 3
    live = report_figures(scope=EVERYTHING, period=september, now=NOW + timedelta(minutes=1))
    assert fresh.current == live.current


def test_beat_counts_the_rollup_through_the_service_on_the_reports_queue(year_of_cases):
    entry = PeriodicTask.objects.get(task="reports.tasks.rebuild_daily_figures_task")
    assert entry.enabled and entry.queue == "reports" and entry.interval.every == 10

    rows = rebuild_daily_figures_task()

    build = DailyFigureBuild.objects.get()
    assert rows == build.rows == DailyFigure.objects.filter(build=build).count() > 0
    assert build.as_of <= timezone.now() and build.seconds >= 0
    paid = DailyFigure.objects.filter(measure="decision").aggregate(paid=Sum("total"))["paid"]
    assert (
        paid
        == Decision.objects.filter(state=Decision.Status.APPROVED).aggregate(paid=Sum("amount"))[
            "paid"
        ]
        > Decimal(0)
    )
