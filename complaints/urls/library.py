"""Routes of the case library (案例库, issue 18 §2)."""

from django.urls import path

from complaints.views import library

urlpatterns = [
    path("library/", library.library_list, name="library_list"),
    path("library/<int:pk>/", library.library_detail, name="library_detail"),
    path("library/<int:pk>/<slug:action>/", library.library_review, name="library_review"),
    path(
        "complaints/<complaint_ref:reference>/library/",
        library.case_library_propose,
        name="case_library_propose",
    ),
]
