"""The report snapshots a person may browse: those of their scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from reports.models import ReportSnapshot
from reports.selectors.scope import ReportScope


def snapshots_for(*, scope: ReportScope) -> QuerySet[ReportSnapshot]:
    """Everyone with the whole company's scope sees every snapshot; a department head those of
    departments in their subtree (never the company-wide ones: they hold other departments)."""
    snapshots = ReportSnapshot.objects.select_related("department").defer("figures")
    if scope.everything:
        return snapshots
    return snapshots.filter(Q(department_id__in=sorted(scope.departments or ())))
