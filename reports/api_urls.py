"""The improvement actions' API routes (issue 18 §1), under /api/v1/ beside complaints.api.urls:
their views are the reports' because verifying an action counts its effect with the reports'
figures (reports.services.improvement), which nothing in complaints may import."""

from django.urls import URLPattern, path

from reports.views import improvement_api

urlpatterns: list[URLPattern] = [
    path(
        "improvement-actions/",
        improvement_api.ImprovementActionListView.as_view(),
        name="api-improvement-actions",
    ),
    path(
        "improvement-actions/<int:pk>/",
        improvement_api.ImprovementActionDetailView.as_view(),
        name="api-improvement-action-detail",
    ),
    path(
        "improvement-actions/<int:pk>/start/",
        improvement_api.ImprovementStartView.as_view(),
        name="api-improvement-action-start",
    ),
    path(
        "improvement-actions/<int:pk>/complete/",
        improvement_api.ImprovementCompleteView.as_view(),
        name="api-improvement-action-complete",
    ),
    path(
        "improvement-actions/<int:pk>/verify/",
        improvement_api.ImprovementVerifyView.as_view(),
        name="api-improvement-action-verify",
    ),
    path(
        "improvement-actions/<int:pk>/link/",
        improvement_api.ImprovementLinkView.as_view(),
        name="api-improvement-action-link",
    ),
    path(
        "improvement-actions/<int:pk>/files/",
        improvement_api.ImprovementFilesView.as_view(),
        name="api-improvement-action-files",
    ),
    path(
        "improvement-actions/<int:pk>/files/<int:file_id>/download/",
        improvement_api.ImprovementFileDownloadView.as_view(),
        name="api-improvement-action-file-download",
    ),
]
