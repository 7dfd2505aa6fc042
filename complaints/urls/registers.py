"""Routes of the registers beside the cases (seed 004): legal documents received, lost property."""

from django.urls import path

from complaints.views import registers

urlpatterns = [
    path("registers/legal/", registers.legal_list, name="legal_document_list"),
    path("registers/legal/new/", registers.legal_new, name="legal_document_new"),
    path("registers/legal/<int:pk>/", registers.legal_detail, name="legal_document_detail"),
    path(
        "registers/legal/<int:pk>/forward/",
        registers.legal_forward,
        name="legal_document_forward",
    ),
    path("registers/legal/<int:pk>/files/", registers.legal_files, name="legal_document_files"),
    path("registers/legal/<int:pk>/link/", registers.legal_link, name="legal_document_link"),
    path(
        "registers/legal/<int:pk>/files/<int:file_id>/",
        registers.legal_file_download,
        name="legal_document_file",
    ),
    path("registers/lost/", registers.lost_list, name="lost_property_list"),
    path("registers/lost/new/", registers.lost_new, name="lost_property_new"),
    path(
        "registers/lost/statistics/",
        registers.lost_statistics,
        name="lost_property_statistics",
    ),
    path("registers/lost/<int:pk>/", registers.lost_detail, name="lost_property_detail"),
    path(
        "registers/lost/<int:pk>/outcome/",
        registers.lost_outcome,
        name="lost_property_outcome",
    ),
    path("registers/lost/<int:pk>/link/", registers.lost_link, name="lost_property_link"),
]
