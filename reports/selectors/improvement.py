"""Improvement actions in the reports: the check of an action's effect, and the dashboard's
counts of open and overdue actions (issue 18 §1).

The effect is counted by the report's own figure selector (`reports.selectors.report.intake`:
complaints received in a span, over a scope narrowed as the report's filters narrow it), so an
action's figures are exactly what the periodic report shows for that category or product over
the same days — never a second way of counting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from complaints.domain.improvement import (
    EffectPeriods,
    effect_change_percent,
    effect_fell,
    effect_periods,
)
from complaints.models import ImprovementAction
from reports.domain import ReportPeriod
from reports.selectors.report import ReportFilters, intake
from reports.selectors.scope import ReportScope


@dataclass(frozen=True)
class Effect:
    """Complaints of the action's category (with those below it) and/or product received in
    the days before the day it was done and as many days after it, in local days."""

    periods: EffectPeriods
    before: int
    after: int
    # Whether the period after is over, so that the figures are final and the check may be made.
    complete: bool

    @property
    def change_percent(self) -> float | None:
        return effect_change_percent(before=self.before, after=self.after)

    @property
    def fall_percent(self) -> float | None:
        """How much they fell, as a positive share of the period before (None: none before)."""
        change = self.change_percent
        return None if change is None else -change

    @property
    def fell(self) -> bool:
        return effect_fell(before=self.before, after=self.after)


def effect_scope(action: ImprovementAction) -> ReportScope | None:
    """The cases the effect is counted on: every department's, narrowed to the action's category
    (and below) and product as the report's filters narrow; None when it names neither."""
    if action.category_id is None and not action.product:
        return None
    scope = ReportFilters(category=action.category_id).narrow(ReportScope(departments=None))
    if action.product:
        scope = scope.narrowed(("product_or_service", action.product))
    return scope


def action_effect(*, action: ImprovementAction, now: datetime | None = None) -> Effect | None:
    """The effect figures of a done action (None: not done yet, or nothing to count on). Before
    the period after is over, its figures so far (`complete` False)."""
    scope = effect_scope(action)
    if action.done_at is None or scope is None:
        return None
    tz = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    periods = effect_periods(done_on=action.done_at.astimezone(tz).date(), days=action.check_days)
    before = ReportPeriod("custom", periods.before_first, periods.before_last).span(tz)
    after = ReportPeriod("custom", periods.after_first, periods.after_last).span(tz)
    return Effect(
        periods=periods,
        before=intake(scope=scope, span=before).received,
        after=intake(scope=scope, span=after).received,
        complete=periods.check_possible_on(now.astimezone(tz).date()),
    )
