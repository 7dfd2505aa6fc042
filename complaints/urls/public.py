"""The customers' pages, under /complaint/ (URL namespace "public"): submit, then track, add
information, withdraw and answer the satisfaction survey."""

app_name = "public"

urlpatterns: list = []
