from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in a person's in-app inbox (and, if sent, their e-mail)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Deadline reminder")
        ESCALATION = "escalation", _("Escalation")
        ASSIGNMENT = "assignment", _("Assignment")
        APPROVAL_REQUEST = "approval_request", _("Approval requested")
        CALENDAR = "calendar", _("Calendar to confirm")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    # Subject and body are rendered when created, in the recipient's language.
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    # The e-mail's HTML part, rendered with the text; the inbox shows `body`.
    body_html = models.TextField(_("message (HTML)"), blank=True)
    # Whatever caused it (an escalation key, a reminder's clock): one notification per cause.
    key = models.CharField(_("key"), max_length=120)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # Whether an e-mail was due when it was created (sending on, recipient with an address): a
    # periodic job sends those still unsent, e.g. when the broker was down at the commit.
    email_due = models.BooleanField(_("e-mail due"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_cause")
        ]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(email_due=True, emailed_at__isnull=True),
                name="notification_email_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject
