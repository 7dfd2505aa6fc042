"""The customers' pages, under /complaint/ (URL namespace "public"): submit, then track, add
information, withdraw and answer the satisfaction survey."""

from django.urls import path

from complaints.views.public import tracking_pending

app_name = "public"

urlpatterns: list = [
    # Until the tracking page lands: the signed link opens a stand-in (tracking_pending).
    path("track/<str:token>/", tracking_pending.track, name="track"),
]
