import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from .contacts import CustomerContact


def new_link_code() -> str:
    """The short code of a text's link (/m/<code>): 10 characters, about 60 random bits."""
    return secrets.token_urlsafe(8)[:10]


class CustomerText(models.Model):
    """A text message (SMS) to a customer: one per event, kept until it has gone or failed.

    Stored as codes and data (`kind`, `params`, `language`), rendered when it is sent; `key`, unique,
    is the event's idempotency key, so a retried task or a second delivery of it never makes a
    second text. When the provider takes it, it is recorded as an outbound SMS contact on the case
    (`contact`). Sent by the notify queue after the commit; held until `not_before` outside the
    hours customers may be texted (complaints.services.customer_texts).
    """

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        TRACKING_LINK = "tracking_link", _("Tracking link")
        REPLY = "reply", _("Reply notice and survey link")
        MERGED = "merged", _("Notice of merged complaints")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Handed to the provider")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The provider took the request and no answer came: it may have gone; never sent again.
        UNKNOWN = "unknown", _("Outcome unknown")
        # The customer asked for no more texts, or their details were removed, before it went.
        CANCELLED = "cancelled", _("Not sent")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="texts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    to = models.CharField(_("to"), max_length=32)
    language = models.CharField(_("language"), max_length=10)
    params = models.JSONField(_("data"), default=dict)
    link_code = models.CharField(
        _("link code"), max_length=16, unique=True, default=new_link_code, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    provider_id = models.CharField(_("provider's id"), max_length=100, blank=True)
    contact = models.OneToOneField(
        CustomerContact,
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="text",
    )
    created_at = models.DateTimeField(_("created at"))
    # Not before this time (the customer's hours); the due-texts job sends it then.
    not_before = models.DateTimeField(_("not before"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("text message to a customer")
        verbose_name_plural = _("text messages to customers")
        ordering = ["created_at", "id"]
        indexes = [
            # The due-texts job's question: which are waiting and due, oldest first.
            models.Index(
                fields=["not_before"],
                condition=models.Q(status="pending"),
                name="customertext_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to}"
