from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Deadlines and escalation")

    def ready(self) -> None:
        # Policies, escalation settings and clocks have their own admin module, kept apart from
        # the calendar admin (sla/admin.py); the admin site is filled in before the first request.
        from sla import admin_policies, checks  # noqa: F401
        from sla.receivers import load_calendar_years_after_migrate

        post_migrate.connect(load_calendar_years_after_migrate, sender=self)
