from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Channel, ContactDirection, ContactPurpose, FollowUpMethod


class CustomerContact(models.Model):
    """A logged exchange with the customer; the first outbound one by staff is the first response."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=ContactDirection.choices)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=ContactPurpose.choices, default=ContactPurpose.GENERAL
    )
    summary = models.TextField(_("summary"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    # The canned reply (标准答复) the text was started from, if any (issue 18 §3).
    canned_reply = models.ForeignKey(
        "complaints.CannedReply",
        verbose_name=_("canned reply used"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.get_channel_display()} {timezone.localtime(self.at):%Y-%m-%d}"


class CustomerEmail(models.Model):
    """An e-mail to the customer: what their contact row says was sent, kept until it has gone.

    Rendered in the customer's language when the contact is recorded and handed to the mail
    server after the commit by the notify queue; one the broker never got is sent later by the
    resend job (complaints.services.customer_emails).
    """

    contact = models.OneToOneField(
        CustomerContact, verbose_name=_("contact"), on_delete=models.PROTECT, related_name="email"
    )
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail to a customer")
        verbose_name_plural = _("e-mails to customers")
        ordering = ["created_at", "id"]
        indexes = [
            # The resend job's question: which are still unsent, oldest first.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="customeremail_unsent_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class FollowUp(models.Model):
    """回访: a satisfaction visit after the reply. `reached` False is a failed attempt."""

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
        # followup_complaint_idx (below) leads with the complaint and serves its look-ups.
        db_index=False,
    )
    round = models.PositiveIntegerField(_("handling round"), default=0)
    method = models.CharField(_("method"), max_length=20, choices=FollowUpMethod.choices)
    reached = models.BooleanField(_("customer reached"), default=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    resolved = models.BooleanField(_("resolved in the customer's view"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # Empty when the customer answered the online survey (method `web`) themselves.
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    # The case's owning department and assignee now, copied (as on its deadline clocks) for the
    # reports' satisfaction per department and per handler without a join to the cases.
    case_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("case's department"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    case_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case's assignee"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_5",
            ),
        ]
        # The dashboard's satisfaction of the month (reports.selectors.outcomes).
        indexes = [
            models.Index(
                fields=["at"],
                include=["reached", "satisfaction", "resolved", "case_department", "case_assignee"],
                name="followup_at_report_idx",
            ),
            # A case's visits, latest first, with what a customer's history and repeat mark read
            # of them: index-only, one probe per case (thousands for a switchboard's number).
            models.Index(
                fields=["complaint", "at", "id"],
                include=["reached", "satisfaction"],
                name="followup_complaint_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {timezone.localtime(self.at):%Y-%m-%d}"

    @property
    def is_satisfied(self) -> bool:
        return bool(self.reached and self.resolved and (self.satisfaction or 0) >= 3)

    @property
    def is_dissatisfied(self) -> bool:
        return bool(self.reached and (self.resolved is False or (self.satisfaction or 5) <= 2))
