"""Routes of people's requests about their data (names: rights_*), for holders of the permission."""

from django.urls import path

from complaints.views import rights

urlpatterns = [
    path("privacy/requests/", rights.rights_list, name="rights_list"),
    path("privacy/requests/new/", rights.rights_new, name="rights_new"),
    path("privacy/requests/<int:pk>/", rights.rights_detail, name="rights_detail"),
    path("privacy/requests/<int:pk>/export/", rights.rights_export, name="rights_export"),
    path(
        "privacy/requests/<int:pk>/export/download/",
        rights.rights_download,
        name="rights_download",
    ),
    path("privacy/requests/<int:pk>/erase/", rights.rights_erase_page, name="rights_erase"),
    path("privacy/requests/<int:pk>/refuse/", rights.rights_refuse, name="rights_refuse"),
]
