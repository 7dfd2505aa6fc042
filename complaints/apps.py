from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from accounts.models import Department, User
        from complaints.forms.queues import long_choices_changed
        from complaints.models import Category

        # The queue filter bar's cached lists of categories, departments and people.
        for model in (Category, Department, User):
            post_save.connect(long_choices_changed, sender=model)
            post_delete.connect(long_choices_changed, sender=model)
