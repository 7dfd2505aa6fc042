from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Unread means: not opened and still asking for something. The top bar's count, the inbox's
# "unread" marks and its Unread filter all use this one condition (and the partial index on it).
UNREAD = Q(read_at__isnull=True, settled_at__isnull=True)


class Notification(models.Model):
    """One message in a person's in-app inbox (and, if sent, their e-mail)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Deadline reminder")
        ESCALATION = "escalation", _("Escalation")
        ASSIGNMENT = "assignment", _("Assignment")
        APPROVAL_REQUEST = "approval_request", _("Approval requested")
        CALENDAR = "calendar", _("Calendar to confirm")
        CUSTOMER = "customer", _("From the customer")
        OFF_SALE = "off_sale", _("Product to take off sale")
        QUALITY = "quality", _("Quality referral")
        LEGAL_DOCUMENT = "legal_document", _("Legal document received")
        WEBHOOK = "webhook", _("Webhook endpoint switched off")
        MAILBOX = "mailbox", _("Complaints mailbox not reachable")
        MAIL_FAILED = "mail_failed", _("E-mail not handled")
        IMPROVEMENT = "improvement", _("Improvement action")

    class Settled(models.TextChoices):
        """Why a notification needs no action any more (its subject was settled)."""

        APPROVED = "approved", _("Decision approved")
        REFUSED = "refused", _("Decision refused")
        SUPERSEDED = "superseded", _("Replaced by a new proposal")
        CLOCK_MET = "clock_met", _("Deadline met")
        CLOCK_STOPPED = "clock_stopped", _("Deadline no longer runs")
        CASE_CLOSED = "case_closed", _("Case closed")
        CASE_REJECTED = "case_rejected", _("Case not accepted")
        CASE_WITHDRAWN = "case_withdrawn", _("Case withdrawn")
        YEAR_CONFIRMED = "year_confirmed", _("Calendar year confirmed")
        STEP_TICKED = "step_ticked", _("Checklist step ticked")
        BODY_CLOSED = "body_closed", _("Outside body's matter closed")
        OFF_SALE_DONE = "off_sale_done", _("Product taken off sale")
        ANSWERED = "answered", _("Answered")
        ACTION_DONE = "action_done", _("Improvement action done")

    class Held(models.TextChoices):
        """Why the e-mail of a notification waited (the inbox showed it at once)."""

        QUIET_HOURS = "quiet_hours", _("Outside service hours: sent when the next period starts")

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
    # Done: what the message asked for is settled (decided, met, closed); it stays listed, greyed.
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_reason = models.CharField(
        _("settled because"),
        max_length=20,
        choices=Settled.choices,
        blank=True,
        default="",
        db_default="",
    )
    # Whether an e-mail was due when it was created (sending on, recipient with an address): a
    # periodic job sends those still unsent, e.g. when the broker was down at the commit.
    # It fell due at `created_at` and went at `emailed_at`.
    email_due = models.BooleanField(_("e-mail due"), default=False)
    # Quiet hours (complaints.services.notifications): a reminder or a non-urgent escalation
    # created outside the service hours is e-mailed at the next period's start, by the resend job.
    held_until = models.DateTimeField(_("e-mail held until"), null=True, blank=True)
    held_reason = models.CharField(
        _("e-mail held because"),
        max_length=20,
        choices=Held.choices,
        blank=True,
        default="",
        db_default="",
    )

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
                condition=UNREAD,
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["created_at"],
                condition=Q(email_due=True, emailed_at__isnull=True),
                name="notification_email_unsent_idx",
            ),
            # The resend job's second question: which held e-mails are due now.
            models.Index(
                fields=["held_until"],
                condition=Q(email_due=True, emailed_at__isnull=True, held_until__isnull=False),
                name="notification_email_held_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None and self.settled_at is None

    @property
    def headline(self) -> str:
        """The subject without its "[reference] " prefix: the inbox shows the case once, above."""
        if self.complaint_id is not None:
            prefix = f"[{self.complaint.reference}] "
            if self.subject.startswith(prefix):
                return self.subject.removeprefix(prefix)
        return self.subject
