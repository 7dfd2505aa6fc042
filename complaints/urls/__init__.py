"""The staff workspace's routes, by concern: queues, inbox and customers; the case page and intake."""

from complaints.urls import case, workspace

urlpatterns = [*workspace.urlpatterns, *case.urlpatterns]
