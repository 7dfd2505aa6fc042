from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
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

        from accounts.models import Department
        from complaints.models import Category
        from sla.models import (
            BusinessCalendar,
            ChecklistTemplate,
            ChecklistTemplateStep,
            DepartmentCalendar,
            SlaPolicy,
            SlaTarget,
        )
        from sla.selectors import forget_policy_book

        def policy_book_changed(sender: type, **kwargs: object) -> None:
            forget_policy_book()

        # What choosing a case's policy and its calendar reads from the cache (sla.selectors.policy_book);
        # a calendar's days change its revision with an update (sla.services.calendars forgets it).
        for model in (
            SlaPolicy,
            SlaTarget,
            Category,
            BusinessCalendar,
            Department,
            DepartmentCalendar,
            ChecklistTemplate,
            ChecklistTemplateStep,
        ):
            post_save.connect(policy_book_changed, sender=model, weak=False)
            post_delete.connect(policy_book_changed, sender=model, weak=False)
        m2m_changed.connect(
            policy_book_changed, sender=ChecklistTemplate.categories.through, weak=False
        )

        from sla.models import EscalationSettings

        def escalation_settings_changed(sender: type, **kwargs: object) -> None:
            EscalationSettings.forget()

        post_save.connect(escalation_settings_changed, sender=EscalationSettings, weak=False)
        post_delete.connect(escalation_settings_changed, sender=EscalationSettings, weak=False)
