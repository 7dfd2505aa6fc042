"""Read queries for complaints, one module per concern; visibility is decided in `access`, once.

The names every door uses are importable from here.
"""

from complaints.selectors.access import (
    complaint_get_for_user,
    complaint_is_visible_to,
    complaint_is_workable_by,
    complaints_in_branch,
    complaints_visible_to,
    complaints_workable_by,
    workable_branches,
)
from complaints.selectors.case import case_for_page, case_for_panel, customer_history
from complaints.selectors.customers import (
    customer_complaints,
    customer_contact_history,
    customer_find,
    customer_get_for_user,
)
from complaints.selectors.decisions import (
    decision_eligible_approvers,
    decisions_of_round,
    decisions_with_people,
)
from complaints.selectors.follow_ups import follow_up_summary
from complaints.selectors.notifications import (
    notification_get_for_user,
    notifications_for,
    notifications_grouped,
    unread_count,
)
from complaints.selectors.search import complaint_search, customer_contact_lookup

__all__ = [
    "case_for_page",
    "case_for_panel",
    "complaint_get_for_user",
    "complaint_is_visible_to",
    "complaint_is_workable_by",
    "complaint_search",
    "complaints_in_branch",
    "complaints_visible_to",
    "complaints_workable_by",
    "customer_complaints",
    "customer_contact_history",
    "customer_contact_lookup",
    "customer_find",
    "customer_get_for_user",
    "customer_history",
    "decision_eligible_approvers",
    "decisions_of_round",
    "decisions_with_people",
    "follow_up_summary",
    "notification_get_for_user",
    "notifications_for",
    "notifications_grouped",
    "unread_count",
    "workable_branches",
]
