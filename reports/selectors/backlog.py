"""The open cases now: by stage, escalation level, age and deadline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from complaints.models import OPEN_STATES, Complaint, EscalationLevel
from reports.domain import AGE_BUCKETS, Periods
from reports.selectors.scope import ReportScope
from sla.models import Clock, Stage, clocks_overdue

ESCALATION_LEVELS = [level for level in EscalationLevel.values if level]


@dataclass(frozen=True)
class Backlog:
    total: int
    by_state: dict[str, int]  # every open state, in workflow order
    by_level: dict[int, int]  # escalation levels 1-3
    by_age: dict[str, int]  # AGE_BUCKETS keys
    overdue: int


def age_condition(periods: Periods, first: int, last: int | None) -> Q:
    """Received between `first` and `last` whole local calendar days before today (inclusive):
    0 is today, 1 yesterday; as a range of receipt times, so the receipt index serves it."""
    condition = Q(received_at__lt=periods.days_ago(first - 1))
    if last is not None:
        condition &= Q(received_at__gte=periods.days_ago(last))
    return condition


def backlog_summary(*, scope: ReportScope, periods: Periods) -> Backlog:
    """Open cases (intake to follow-up) of the scope, counted in one query.

    - by state: the stage the case is in now;
    - by level: its escalation level now (a level never goes down, so ≥ 1 means escalated);
    - by age: calendar days from its local receipt date to today (AGE_BUCKETS);
    - overdue: cases with a running deadline past due now (the "Overdue" queue's rule: a paused
      clock does not count while it waits).
    """
    # Counted on received_at (never null) rather than the id: complaint_open_report_idx carries
    # every column read here, so the open cases are counted from the index alone.
    figures: dict[str, Count] = {"total": Count("received_at")}
    for state in OPEN_STATES:
        figures[f"state_{state}"] = Count("received_at", filter=Q(state=state))
    for level in ESCALATION_LEVELS:
        figures[f"level_{level}"] = Count("received_at", filter=Q(escalation_level=level))
    for key, first, last in AGE_BUCKETS:
        figures[f"age_{key}"] = Count("received_at", filter=age_condition(periods, first, last))
    figures["overdue"] = Count("received_at", filter=Q(next_due_at__lt=periods.now))
    row = Complaint.objects.filter(scope.cases(), state__in=OPEN_STATES).aggregate(**figures)
    return Backlog(
        total=row["total"],
        by_state={str(state): row[f"state_{state}"] for state in OPEN_STATES},
        by_level={level: row[f"level_{level}"] for level in ESCALATION_LEVELS},
        by_age={key: row[f"age_{key}"] for key, _first, _last in AGE_BUCKETS},
        overdue=row["overdue"],
    )


def overdue_by_stage(*, scope: ReportScope, periods: Periods) -> dict[str, int]:
    """Running (not met, stopped or paused) deadline clocks past due now, per stage clock; every
    stage listed. A case late on two clocks counts under both. Served by clock_live_due_idx."""
    rows = (
        Clock.objects.filter(clocks_overdue(periods.now), scope.cases("complaint__"))
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    counted = dict(rows)
    return {str(stage): counted.get(stage, 0) for stage in Stage.values}
