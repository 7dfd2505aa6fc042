"""Staff workspace routes. Case-page and intake routes live in complaints/urls_case.py."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("", include("complaints.urls_case")),
]
