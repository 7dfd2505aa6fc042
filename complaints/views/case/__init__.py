"""The case page and its actions: page, perform (how actions answer), actions, decisions, files,
timeline (events in words)."""

from complaints.views.case.actions import (
    case_checklist_step,
    case_contact,
    case_follow_up,
    case_handoff,
    case_note,
    case_pause,
    case_resume,
    case_transition,
    case_triage,
    case_unmask,
)
from complaints.views.case.decisions import (
    case_decision,
    case_decision_approve,
    case_decision_approvers,
    case_decision_refuse,
)
from complaints.views.case.files import case_evidence, case_evidence_file
from complaints.views.case.injury import case_injury
from complaints.views.case.legal_hold import case_legal_hold
from complaints.views.case.links import case_link, case_merge
from complaints.views.case.outside_bodies import case_outside_body
from complaints.views.case.page import case_detail, case_panel
from complaints.views.case.procedures import (
    case_agreement,
    case_agreement_hand_over,
    case_agreement_payment,
    case_quality_answer,
    case_quality_refer,
)

__all__ = [
    "case_agreement",
    "case_agreement_hand_over",
    "case_agreement_payment",
    "case_checklist_step",
    "case_contact",
    "case_decision",
    "case_decision_approve",
    "case_decision_approvers",
    "case_decision_refuse",
    "case_detail",
    "case_evidence",
    "case_evidence_file",
    "case_follow_up",
    "case_handoff",
    "case_injury",
    "case_legal_hold",
    "case_link",
    "case_merge",
    "case_note",
    "case_outside_body",
    "case_panel",
    "case_pause",
    "case_quality_answer",
    "case_quality_refer",
    "case_resume",
    "case_transition",
    "case_triage",
    "case_unmask",
]
