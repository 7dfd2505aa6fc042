"""The customers' pages, under /complaint/ (URL namespace "public"): submit, then track, add
information, withdraw and answer the satisfaction survey."""

from django.urls import path

from complaints.views.public import submit, tracking_pending

app_name = "public"

urlpatterns: list = [
    path("", submit.submit, name="submit"),
    path("submitted/<str:token>/", submit.submitted, name="submitted"),
    # Until the tracking page lands: the signed link opens a stand-in (tracking_pending).
    path("track/<str:token>/", tracking_pending.track, name="track"),
]
