"""Every figure of the managers' dashboard, read in a fixed number of queries (one per family)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

from reports.domain import Periods, periods_at
from reports.selectors.actions import ActionCounts, action_counts
from reports.selectors.backlog import Backlog, backlog_summary, overdue_by_stage
from reports.selectors.databases import reads_from_replica
from reports.selectors.deadlines import (
    Compliance,
    Durations,
    durations,
    report_calendars,
    sla_compliance,
)
from reports.selectors.outcomes import (
    Rates,
    Redress,
    Satisfaction,
    redress,
    reopen_and_escalation,
    satisfaction,
)
from reports.selectors.recurring import (
    RepeatComplainant,
    RiseRule,
    Rising,
    repeat_complainants,
    rising_by_dimension,
)
from reports.selectors.scope import ReportScope
from reports.selectors.volume import (
    DIMENSIONS,
    NewCases,
    Share,
    monthly_volume,
    new_cases,
    volume_by,
)


@dataclass(frozen=True)
class Dashboard:
    periods: Periods
    backlog: Backlog
    new: NewCases
    overdue_by_stage: dict[str, int]
    compliance: dict[str, Compliance]
    durations: Durations
    satisfaction: Satisfaction
    rates: Rates
    redress: Redress
    trend: list[tuple[date, int]]
    breakdowns: dict[str, list[Share]]
    rule: RiseRule
    rising: dict[str, list[Rising]]
    repeat_threshold: int
    repeat_days: int
    repeat: list[RepeatComplainant]
    # Improvement actions of the scope's departments (issue 18 §1).
    actions: ActionCounts


def rise_rule() -> RiseRule:
    return RiseRule(
        window_days=settings.REPORTS_RISE_WINDOW_DAYS,
        min_cases=settings.REPORTS_RISE_MIN_CASES,
        min_percent=settings.REPORTS_RISE_MIN_PERCENT,
    )


@reads_from_replica()  # the heaviest reads of the product: the replica, if any
def dashboard_figures(*, scope: ReportScope, now: datetime | None = None) -> Dashboard:
    """The dashboard of `scope` at `now`, in local days of settings.TIME_ZONE."""
    periods = periods_at(now or timezone.now(), ZoneInfo(settings.TIME_ZONE))
    rule = rise_rule()
    return Dashboard(
        periods=periods,
        backlog=backlog_summary(scope=scope, periods=periods),
        new=new_cases(scope=scope, periods=periods),
        overdue_by_stage=overdue_by_stage(scope=scope, periods=periods),
        compliance=sla_compliance(scope=scope, periods=periods),
        durations=durations(scope=scope, periods=periods, calendars=report_calendars()),
        satisfaction=satisfaction(scope=scope, periods=periods),
        rates=reopen_and_escalation(scope=scope, periods=periods),
        redress=redress(scope=scope, periods=periods),
        trend=monthly_volume(scope=scope, periods=periods),
        breakdowns={
            dimension: volume_by(scope=scope, periods=periods, dimension=dimension)
            for dimension in DIMENSIONS
        },
        rule=rule,
        rising=rising_by_dimension(
            scope=scope, periods=periods, rule=rule, dimensions=("category", "product", "region")
        ),
        repeat_threshold=settings.REPORTS_REPEAT_MIN_COMPLAINTS,
        repeat_days=settings.REPORTS_REPEAT_WINDOW_DAYS,
        repeat=repeat_complainants(
            scope=scope,
            periods=periods,
            more_than=settings.REPORTS_REPEAT_MIN_COMPLAINTS,
            days=settings.REPORTS_REPEAT_WINDOW_DAYS,
        ),
        actions=action_counts(scope=scope, now=periods.now),
    )


def dashboard_figures_cached(*, scope: ReportScope) -> Dashboard:
    """`dashboard_figures` now, or as counted less than REPORTS_DASHBOARD_CACHE_SECONDS ago for
    the same scope, language and local day. Counting a million cases takes the database about a
    second; a dashboard a minute old is as good to the people who read it, and a dozen managers
    opening it at nine then cost one count, not a dozen."""
    seconds = settings.REPORTS_DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard_figures(scope=scope)
    departments = (
        "all" if scope.departments is None else ",".join(map(str, sorted(scope.departments)))
    )
    # The labels (categories, departments, codes) are in the active language; the day is in the
    # key so that "today" never outlives midnight.
    day = timezone.localdate(timezone=ZoneInfo(settings.TIME_ZONE))
    key = f"reports:dashboard:v2:{departments}:{translation.get_language()}:{day.isoformat()}"
    figures = cache.get(key)
    if isinstance(figures, Dashboard):
        return figures
    figures = dashboard_figures(scope=scope)
    cache.set(key, figures, seconds)
    return figures
