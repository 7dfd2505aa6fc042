"""The staff workspace's routes, by concern: queues, inbox and customers; the case page and intake;
people's requests about their data; the registers beside the cases; the case library."""

from complaints.urls import case, library, registers, rights, workspace

urlpatterns = [
    *workspace.urlpatterns,
    *case.urlpatterns,
    *rights.urlpatterns,
    *registers.urlpatterns,
    *library.urlpatterns,
]
