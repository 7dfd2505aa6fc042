"""The case's owning department and assignee, copied onto its deadline clocks and follow-ups.

The reports count deadlines kept and satisfaction per department and per handler over a quarter's
million clocks; joining each to its case cost seconds, so those rows carry the case's owner (as it
is now: a case handed on counts where it is, like every other figure). New rows take it when they
are made; the services that change a case's department or assignee call `case_owner_copy` in the
same transaction. tests/complaints/test_case_owner_copies.py holds them to the cases' own columns.
"""

from __future__ import annotations

from complaints.models import Complaint, FollowUp
from sla.models import Clock


def case_owner_copy(*, complaint: Complaint) -> None:
    """Write the case's department and assignee on its clocks and follow-ups (two updates)."""
    owner = {
        "case_department_id": complaint.department_id,
        "case_assignee_id": complaint.assignee_id,
    }
    Clock.objects.filter(complaint=complaint).update(**owner)
    FollowUp.objects.filter(complaint=complaint).update(**owner)
