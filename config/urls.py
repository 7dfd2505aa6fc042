from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import AdminSignInView

admin.site.site_header = _("Complaint handling system")
admin.site.site_title = _("Complaint handling")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", include("health.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's sign-in with the same second step as the staff's (accounts.views); before the
    # admin's own URLs so that it answers /admin/login/ (still reversed as "admin:login").
    path("admin/login/", AdminSignInView.as_view()),
    path("admin/", admin.site.urls),
    # Before the API's own routes, whose last one answers any other path with the JSON 404.
    path("api/v1/", include("reports.api_urls")),
    path("api/", include("complaints.api.urls")),
    path("accounts/", include("accounts.urls")),
    path("complaint/", include("complaints.urls.public")),
    path("", include("reports.urls")),
    path("", include("complaints.urls")),
]
# Under /api/ every error is the API's JSON body, even one raised before a view (config.api_errors).
handler400 = "config.api_errors.bad_request"
handler403 = "config.api_errors.permission_denied"
handler404 = "config.api_errors.page_not_found"
handler500 = "config.api_errors.server_error"

# No route serves MEDIA_ROOT, not even with DEBUG: evidence leaves only through the views that ask
# the case's access selector first (complaints.downloads).
