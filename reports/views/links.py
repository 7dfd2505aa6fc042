"""Where each figure of the dashboard leads: the queue listing the cases behind it.

Those who see every case go to "All"; a department head to "My department" (exactly their
subtree, as their figures). Both hold open cases; "All" takes every state when the state filter
names them, "My department" cannot, so a figure that counts closed cases has no link for a head.
A figure the queue filters cannot express (a satisfaction share) has none.

The deadline figures count clocks and link to the cases with such a clock (`clock_stage`,
`clock_status`, `clock_on`: the same conditions, sla.models.clocks_*): the two agree except
when one case has two handling rounds' clocks of a stage counted (a reopened case met its
decision twice in the month), which the list shows once.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.http import urlencode

from complaints.models import State
from reports.selectors import ReportScope

EVERY_STATE = list(State.values)


class CaseLinks:
    def __init__(self, scope: ReportScope) -> None:
        self.slug = "all" if scope.everything else "department"

    def _url(self, params: dict[str, object]) -> str:
        query = urlencode({key: value for key, value in params.items() if value}, doseq=True)
        base = reverse("queue", args=[self.slug])
        return f"{base}?{query}" if query else base

    def open(self, **params: object) -> str:
        """Open cases of the scope, narrowed by queue filters."""
        return self._url(params)

    def overdue_clock(self, stage: str) -> str:
        """Open cases with a running `stage` clock past its deadline now."""
        return self._url({"clock_stage": stage, "clock_status": "overdue"})

    def clock(self, stage: str, status: str, first: date, last: date) -> str | None:
        """Cases in any state with a `stage` clock met on time or late ("on_time", "late") or
        breached and unmet ("breached") from `first` to `last` (local days)."""
        if self.slug != "all":
            return None
        return self._url(
            {
                "state": EVERY_STATE,
                "clock_stage": stage,
                "clock_status": status,
                "clock_on_after": first.isoformat(),
                "clock_on_before": last.isoformat(),
            }
        )

    def received(self, first: date, last: date, **params: object) -> str | None:
        """Cases in any state received from `first` to `last` (local days, both included)."""
        if self.slug != "all":
            return None
        return self._url(
            {
                "state": EVERY_STATE,
                "received_on_after": first.isoformat(),
                "received_on_before": last.isoformat(),
                **params,
            }
        )
