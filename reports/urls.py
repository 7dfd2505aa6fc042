"""Routes of the reports: the managers' dashboard."""

from django.urls import path

from reports.views import dashboard

app_name = "reports"

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
