from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from accounts.models import Department, User
        from complaints import checks  # noqa: F401  (registers the system checks)
        from complaints.forms.queues import forget_long_choices
        from complaints.models import Category, EvidenceFile, WebhookEndpoint
        from complaints.selectors.categories import forget_intake_categories
        from complaints.selectors.reference_labels import forget_reference_labels
        from complaints.services.legal_hold import evidence_delete_guard

        def reference_table_changed(
            sender: type, update_fields: frozenset[str] | None = None, **kwargs: object
        ) -> None:
            if update_fields is not None and set(update_fields) <= {"last_login"}:
                return  # a sign-in only stamps last_login: no name changes
            forget_reference_labels()
            forget_long_choices()
            if sender is not User:
                forget_intake_categories()

        # What is cached of categories, departments and people: the names queue rows print, the
        # queue filter bar's lists and the categories an intake form routes by.
        for model in (Category, Department, User):
            post_save.connect(reference_table_changed, sender=model, weak=False)
            post_delete.connect(reference_table_changed, sender=model, weak=False)

        # Whether any webhook endpoint is active is cached for the timeline: forget it when one
        # changes, however it changed (admin, shell, fixtures).
        def webhook_endpoints_changed(sender: type, **kwargs: object) -> None:
            from complaints.services.webhooks import webhook_endpoints_changed as forget

            forget()

        post_save.connect(webhook_endpoints_changed, sender=WebhookEndpoint, weak=False)
        post_delete.connect(webhook_endpoints_changed, sender=WebhookEndpoint, weak=False)

        # Issue 16 §6: a held case's evidence files cannot be deleted, by any door.
        pre_delete.connect(evidence_delete_guard, sender=EvidenceFile, weak=False)
