"""Every change to complaints goes through these functions, whichever door it comes in by."""

from complaints.services.common import Needs, ensure_role_may, ensure_workable
from complaints.services.contacts import contact_record, follow_up_record
from complaints.services.customers import customer_get_or_create
from complaints.services.decisions import (
    can_approve,
    decision_approve,
    decision_propose,
    decision_refuse,
)
from complaints.services.evidence import evidence_add
from complaints.services.intake import Flags, complaint_create
from complaints.services.investigation import complaint_add_note, complaint_hand_off
from complaints.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
    notifications_settle,
    notifications_settle_case,
    notify,
)
from complaints.services.privacy import contact_reveal
from complaints.services.transitions import (
    TRANSITIONS,
    available_transitions,
    complaint_transition,
    transition_needs,
)
from complaints.services.triage import complaint_assign, complaint_triage

__all__ = [
    "TRANSITIONS",
    "Flags",
    "Needs",
    "available_transitions",
    "can_approve",
    "complaint_add_note",
    "complaint_assign",
    "complaint_create",
    "complaint_hand_off",
    "complaint_transition",
    "complaint_triage",
    "contact_record",
    "contact_reveal",
    "customer_get_or_create",
    "decision_approve",
    "decision_propose",
    "decision_refuse",
    "ensure_role_may",
    "ensure_workable",
    "evidence_add",
    "follow_up_record",
    "notification_mark_read",
    "notifications_mark_all_read",
    "notifications_settle",
    "notifications_settle_case",
    "notify",
    "transition_needs",
]
