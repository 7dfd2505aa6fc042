"""The customers' pages, under /complaint/ (URL namespace "public"): submit, then track, add
information, withdraw and answer the satisfaction survey."""

from django.urls import path

from complaints.views.public import submit, survey, texts, tracking

app_name = "public"

urlpatterns: list = [
    path("", submit.submit, name="submit"),
    path("submitted/<str:token>/", submit.submitted, name="submitted"),
    path("track/", tracking.track_lookup, name="track_lookup"),
    path("track/resend/", tracking.resend_link, name="resend_link"),
    path("track/<str:token>/", tracking.track, name="track"),
    path("track/<str:token>/add/", tracking.track_add, name="track_add"),
    path("track/<str:token>/withdraw/", tracking.track_withdraw, name="track_withdraw"),
    path("survey/<str:token>/", survey.survey, name="survey"),
    # Text messages: their short links, and the provider's push of the customers' replies.
    path("m/<str:code>/", texts.text_link, name="text_link"),
    path("sms/replies/<str:secret>/", texts.sms_replies, name="sms_replies"),
]
