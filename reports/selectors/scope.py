"""Whose cases a dashboard counts: everything, or a department head's subtree.

Complaint managers, senior management and auditors (who see every case) count every case; a
department head counts the cases owned by their department and the departments below it, by the
case's owning department now (a case handed from one department to another counts where it is).
The figures of a department-scoped user leave out the cases they only read because they are
assigned to them or worked on them elsewhere: a department's dashboard is its department's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db.models import Q

from accounts.models import User
from accounts.selectors import department_scope_ids

VIEW_DASHBOARD = "reports.view_dashboard"
VIEW_ALL = "complaints.view_all_complaints"


@dataclass(frozen=True)
class ReportScope:
    """None: every case; else the ids of the owning departments counted (maybe none).

    `narrow`: a report's filters, as (complaint lookup, value) pairs all of which must hold,
    e.g. ("channel", "phone") or ("category_id__in", (3, 4)); the dashboard has none.
    """

    departments: frozenset[int] | None
    narrow: tuple[tuple[str, object], ...] = ()

    @property
    def everything(self) -> bool:
        return self.departments is None

    def narrowed(self, *conditions: tuple[str, object]) -> ReportScope:
        """The same scope with more conditions on the cases counted."""
        return replace(self, narrow=self.narrow + tuple(conditions))

    def cases(self, prefix: str = "") -> Q:
        """The scope as a condition on complaints, or on rows reaching one through `prefix`
        (e.g. "complaint__"): no condition at all for everything, so no join is added."""
        condition = Q(**{f"{prefix}{lookup}": value for lookup, value in self.narrow})
        if self.departments is None:
            return condition
        return condition & Q(**{f"{prefix}department_id__in": sorted(self.departments)})

    def carried(self, prefix: str = "complaint__") -> Q:
        """The scope as a condition on rows that carry their case's department (deadline clocks
        and follow-ups: `case_department`, kept equal to the case's by
        complaints.services.ownership): no join to the cases unless a report filter other than
        the department narrows them, through `prefix`."""
        condition = Q()
        for lookup, value in self.narrow:
            if lookup == "department_id__in":
                condition &= Q(case_department_id__in=value)
            else:
                condition &= Q(**{f"{prefix}{lookup}": value})
        if self.departments is None:
            return condition
        return condition & Q(case_department_id__in=sorted(self.departments))


def report_scope_for(*, user: User) -> ReportScope | None:
    """The user's dashboard scope, or None if they may not open dashboards at all."""
    if not (user.is_active and user.has_perm(VIEW_DASHBOARD)):
        return None
    if user.has_perm(VIEW_ALL):
        return ReportScope(departments=None)
    return ReportScope(departments=frozenset(department_scope_ids(user=user)))
