"""API routes, included under /api/: the versioned API at v1/, its OpenAPI schema and docs."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView

from complaints.api.schema import API_DESCRIPTION
from complaints.api.views import (
    complaints,
    decisions,
    evidence,
    injury,
    links,
    outside_bodies,
    procedures,
    records,
    reference,
    registers,
    transitions,
)
from complaints.api.views.schema import ApiSchemaView
from config.api_errors import route_not_found

case_routes = [
    path("", complaints.ComplaintDetailView.as_view(), name="api-complaint-detail"),
    path("transitions/", transitions.TransitionListView.as_view(), name="api-transitions"),
    path(
        "transitions/<str:name>/",
        transitions.TransitionRunView.as_view(),
        name="api-transition-run",
    ),
    path("events/", records.EventListView.as_view(), name="api-events"),
    path(
        "possible-duplicates/",
        links.PossibleDuplicatesView.as_view(),
        name="api-possible-duplicates",
    ),
    path("links/", links.LinkListView.as_view(), name="api-links"),
    path("merge/", links.MergeView.as_view(), name="api-merge"),
    path("notes/", records.NoteCreateView.as_view(), name="api-notes"),
    path("contacts/", records.ContactCreateView.as_view(), name="api-contacts"),
    path("follow-ups/", records.FollowUpCreateView.as_view(), name="api-follow-ups"),
    path("handoffs/", records.HandoffCreateView.as_view(), name="api-handoffs"),
    path("pause/", records.PauseView.as_view(), name="api-pause"),
    path("resume/", records.ResumeView.as_view(), name="api-resume"),
    path("checklist/", records.ChecklistView.as_view(), name="api-checklist"),
    path(
        "checklist/<int:step_id>/tick/",
        records.ChecklistTickView.as_view(),
        name="api-checklist-tick",
    ),
    path(
        "outside-bodies/",
        outside_bodies.OutsideBodyListView.as_view(),
        name="api-outside-bodies",
    ),
    path(
        "outside-bodies/<int:body_id>/documents/",
        outside_bodies.OutsideBodyDocumentView.as_view(),
        name="api-outside-body-documents",
    ),
    path(
        "outside-bodies/<int:body_id>/sign/",
        outside_bodies.OutsideBodySignView.as_view(),
        name="api-outside-body-sign",
    ),
    path(
        "outside-bodies/<int:body_id>/close/",
        outside_bodies.OutsideBodyCloseView.as_view(),
        name="api-outside-body-close",
    ),
    path(
        "outside-bodies/<int:body_id>/off-sale-orders/",
        outside_bodies.OffSaleOrderCreateView.as_view(),
        name="api-off-sale-orders",
    ),
    path(
        "off-sale-orders/<int:order_id>/done/",
        outside_bodies.OffSaleOrderDoneView.as_view(),
        name="api-off-sale-order-done",
    ),
    path("injury/", injury.InjuryRecordView.as_view(), name="api-injury"),
    path("injury/accompany/", injury.AccompanyView.as_view(), name="api-injury-accompany"),
    path("injury/advance/", injury.AdvanceView.as_view(), name="api-injury-advance"),
    path(
        "injury/advance/request/",
        injury.AdvanceRequestView.as_view(),
        name="api-injury-advance-request",
    ),
    path(
        "injury/advance/approve/",
        injury.AdvanceApproveView.as_view(),
        name="api-injury-advance-approve",
    ),
    path("injury/advance/paid/", injury.AdvancePaidView.as_view(), name="api-injury-advance-paid"),
    path(
        "injury/receipts-exception/",
        injury.ReceiptsExceptionView.as_view(),
        name="api-injury-receipts-exception",
    ),
    path("injury/witnesses/", injury.WitnessView.as_view(), name="api-injury-witnesses"),
    path("injury/documents/", injury.DocumentView.as_view(), name="api-injury-documents"),
    path("injury/calls/", injury.CallView.as_view(), name="api-injury-calls"),
    path("injury/insurer/", injury.InsurerView.as_view(), name="api-injury-insurer"),
    path(
        "injury/insurer/opinion/",
        injury.InsurerOpinionView.as_view(),
        name="api-injury-insurer-opinion",
    ),
    path(
        "injury/compensation/",
        injury.CompensationView.as_view(),
        name="api-injury-compensation",
    ),
    path("agreements/", procedures.AgreementListView.as_view(), name="api-agreements"),
    path(
        "agreements/<int:agreement_id>/hand-over/",
        procedures.AgreementHandOverView.as_view(),
        name="api-agreement-hand-over",
    ),
    path(
        "agreements/<int:agreement_id>/payments/",
        procedures.AgreementPaymentView.as_view(),
        name="api-agreement-payments",
    ),
    path(
        "quality-referrals/",
        procedures.QualityReferralListView.as_view(),
        name="api-quality-referrals",
    ),
    path(
        "quality-referrals/<int:referral_id>/answers/",
        procedures.QualityAnswerView.as_view(),
        name="api-quality-answers",
    ),
    path("evidence/", evidence.EvidenceListView.as_view(), name="api-evidence"),
    path(
        "evidence/<int:evidence_id>/",
        evidence.EvidenceDetailView.as_view(),
        name="api-evidence-detail",
    ),
    path(
        "evidence/<int:evidence_id>/download/",
        evidence.EvidenceDownloadView.as_view(),
        name="api-evidence-download",
    ),
    path("decisions/", decisions.DecisionListView.as_view(), name="api-decisions"),
    path(
        "decisions/<int:decision_id>/approve/",
        decisions.DecisionApproveView.as_view(),
        name="api-decision-approve",
    ),
    path(
        "decisions/<int:decision_id>/reject/",
        decisions.DecisionRejectView.as_view(),
        name="api-decision-reject",
    ),
]

v1: list[URLPattern | URLResolver] = [
    path("auth/token/", reference.TokenView.as_view(), name="api-token"),
    path("complaints/", complaints.ComplaintListView.as_view(), name="api-complaints"),
    path("complaints/<str:reference>/", include(case_routes)),
    path("customers/", reference.CustomerListView.as_view(), name="api-customers"),
    path(
        "customers/<int:customer_id>/",
        reference.CustomerDetailView.as_view(),
        name="api-customer-detail",
    ),
    path("departments/", reference.DepartmentListView.as_view(), name="api-departments"),
    path("categories/", reference.CategoryListView.as_view(), name="api-categories"),
    path("users/me/", reference.MeView.as_view(), name="api-me"),
    path("signing-texts/", outside_bodies.SigningTextListView.as_view(), name="api-signing-texts"),
    path(
        "legal-documents/",
        registers.LegalDocumentListView.as_view(),
        name="api-legal-documents",
    ),
    path(
        "legal-documents/<int:pk>/",
        registers.LegalDocumentDetailView.as_view(),
        name="api-legal-document-detail",
    ),
    path(
        "legal-documents/<int:pk>/forward/",
        registers.LegalDocumentForwardView.as_view(),
        name="api-legal-document-forward",
    ),
    path(
        "legal-documents/<int:pk>/files/",
        registers.LegalDocumentFilesView.as_view(),
        name="api-legal-document-files",
    ),
    path(
        "legal-documents/<int:pk>/link/",
        registers.LegalDocumentLinkView.as_view(),
        name="api-legal-document-link",
    ),
    path("lost-property/", registers.LostPropertyListView.as_view(), name="api-lost-property"),
    path(
        "lost-property/statistics/",
        registers.LostPropertyStatisticsView.as_view(),
        name="api-lost-property-statistics",
    ),
    path(
        "lost-property/<int:pk>/",
        registers.LostPropertyDetailView.as_view(),
        name="api-lost-property-detail",
    ),
    path(
        "lost-property/<int:pk>/outcome/",
        registers.LostPropertyOutcomeView.as_view(),
        name="api-lost-property-outcome",
    ),
    path(
        "lost-property/<int:pk>/link/",
        registers.LostPropertyLinkView.as_view(),
        name="api-lost-property-link",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path(
        "schema/",
        ApiSchemaView.as_view(custom_settings={"DESCRIPTION": API_DESCRIPTION}),
        name="api-schema",
    ),
    # The split view serves Swagger UI's start-up script as a file of its own (?script), and
    # templates/drf_spectacular/swagger_ui.html moves its <style> into a static file: the docs
    # need no exception to the Content-Security-Policy.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Last: any other path (a reference with a "/" in it...) is the API's JSON 404, with DEBUG
    # too (whose 404 page would be HTML).
    re_path(r"^.*$", route_not_found, name="api-not-found"),
]
