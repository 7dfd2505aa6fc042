"""Routes of the intake page and the case page (names: intake, customer_lookup, case_*)."""

from django.urls import path, register_converter

from complaints.domain.references import URL_REGEX
from complaints.views import case
from complaints.views.intake import customer_lookup, intake


class ReferenceConverter:
    """CP-2026-000123; anything else under /complaints/ is not a case."""

    regex = URL_REGEX

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "complaint_ref")

_case = "complaints/<complaint_ref:reference>/"

urlpatterns = [
    path("complaints/new/", intake, name="intake"),
    path("complaints/new/customer/", customer_lookup, name="customer_lookup"),
    path(_case, case.case_detail, name="case_detail"),
    path(f"{_case}panels/<str:key>/", case.case_panel, name="case_panel"),
    path(f"{_case}steps/<slug:name>/", case.case_transition, name="case_transition"),
    path(f"{_case}triage/", case.case_triage, name="case_triage"),
    path(f"{_case}handoff/", case.case_handoff, name="case_handoff"),
    path(f"{_case}notes/", case.case_note, name="case_note"),
    path(f"{_case}evidence/", case.case_evidence, name="case_evidence"),
    path(f"{_case}evidence/<int:pk>/", case.case_evidence_file, name="case_evidence_file"),
    path(f"{_case}decisions/", case.case_decision, name="case_decision"),
    path(
        f"{_case}decisions/approvers/",
        case.case_decision_approvers,
        name="case_decision_approvers",
    ),
    path(
        f"{_case}decisions/<int:pk>/approve/",
        case.case_decision_approve,
        name="case_decision_approve",
    ),
    path(
        f"{_case}decisions/<int:pk>/refuse/",
        case.case_decision_refuse,
        name="case_decision_refuse",
    ),
    path(f"{_case}contacts/", case.case_contact, name="case_contact"),
    path(f"{_case}follow-ups/", case.case_follow_up, name="case_follow_up"),
    path(f"{_case}deadlines/pause/", case.case_pause, name="case_pause"),
    path(f"{_case}deadlines/resume/", case.case_resume, name="case_resume"),
    path(f"{_case}checklist/", case.case_checklist_step, name="case_checklist_step"),
    path(f"{_case}contact-details/", case.case_unmask, name="case_unmask"),
    path(f"{_case}legal-hold/", case.case_legal_hold, name="case_legal_hold"),
    path(f"{_case}links/", case.case_link, name="case_link"),
    path(f"{_case}merge/", case.case_merge, name="case_merge"),
    path(
        f"{_case}outside-bodies/<slug:action>/",
        case.case_outside_body,
        name="case_outside_body",
    ),
    path(f"{_case}agreements/", case.case_agreement, name="case_agreement"),
    path(
        f"{_case}agreements/hand-over/",
        case.case_agreement_hand_over,
        name="case_agreement_hand_over",
    ),
    path(
        f"{_case}agreements/payments/", case.case_agreement_payment, name="case_agreement_payment"
    ),
    path(f"{_case}injury/<slug:action>/", case.case_injury, name="case_injury"),
    path(f"{_case}quality/", case.case_quality_refer, name="case_quality_refer"),
    path(f"{_case}quality/answers/", case.case_quality_answer, name="case_quality_answer"),
]
