"""The reports app keeps no table of its own yet; this model only carries its permission."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportAccess(models.Model):
    """Holder of the reports permissions (no table): who may open the managers' dashboard."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("report access")
        verbose_name_plural = _("report access")
        permissions = [("view_dashboard", _("See the complaint dashboards of one's scope"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
