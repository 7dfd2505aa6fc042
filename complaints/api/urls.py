"""API routes; the API work fills these in."""

urlpatterns: list = []
