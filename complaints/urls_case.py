"""Routes of the intake page and the case page."""

urlpatterns: list = []
