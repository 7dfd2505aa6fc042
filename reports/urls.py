"""The reports' pages (namespace "reports"): the managers' dashboard, the report and the exports."""

from django.urls import path

from reports.views import dashboard, exports, improvement, report, snapshots

app_name = "reports"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("reports/", report.report_page, name="report"),
    path("reports/snapshots/", snapshots.snapshot_list, name="snapshots"),
    path("reports/snapshots/<int:pk>/", snapshots.snapshot_detail, name="snapshot"),
    path("reports/snapshots/<int:pk>/xlsx/", snapshots.snapshot_download, name="snapshot-xlsx"),
    path("reports/exports/", exports.export_page, name="exports"),
    path("reports/exports/csv/", exports.export_csv, name="export-csv"),
    path("reports/exports/<int:pk>/", exports.export_job, name="export-job"),
    path("reports/exports/<int:pk>/download/", exports.export_download, name="export-download"),
    # Improvement actions (整改措施, issue 18 §1).
    path("improvement/", improvement.improvement_list, name="improvement_list"),
    path("improvement/new/", improvement.improvement_new, name="improvement_new"),
    path("improvement/<int:pk>/", improvement.improvement_detail, name="improvement_detail"),
    path("improvement/<int:pk>/start/", improvement.improvement_start, name="improvement_start"),
    path(
        "improvement/<int:pk>/complete/",
        improvement.improvement_complete,
        name="improvement_complete",
    ),
    path("improvement/<int:pk>/verify/", improvement.improvement_verify, name="improvement_verify"),
    path("improvement/<int:pk>/link/", improvement.improvement_link, name="improvement_link"),
    path("improvement/<int:pk>/files/", improvement.improvement_files, name="improvement_files"),
    path(
        "improvement/<int:pk>/files/<int:file_id>/",
        improvement.improvement_file_download,
        name="improvement_file",
    ),
]
