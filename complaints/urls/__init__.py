"""The staff workspace's routes, by concern: queues, inbox and customers; the case page and intake;
people's requests about their data."""

from complaints.urls import case, rights, workspace

urlpatterns = [*workspace.urlpatterns, *case.urlpatterns, *rights.urlpatterns]
