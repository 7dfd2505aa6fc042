"""The dashboard's counts of improvement actions (issue 18 §1): open and overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from complaints.models import LIVE_ACTION, ImprovementAction
from reports.selectors.scope import ReportScope


@dataclass(frozen=True)
class ActionCounts:
    open: int
    overdue: int


def action_counts(*, scope: ReportScope, now: datetime) -> ActionCounts:
    """Improvement actions still to do (open or in progress) and those of them past their due
    time, of the owning departments in `scope` (everything: every department). One query."""
    actions = ImprovementAction.objects.filter(LIVE_ACTION)
    if scope.departments is not None:
        actions = actions.filter(department_id__in=sorted(scope.departments))
    row = actions.aggregate(open=Count("id"), overdue=Count("id", filter=Q(due_at__lt=now)))
    return ActionCounts(open=row["open"], overdue=row["overdue"])
