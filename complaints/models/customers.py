from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """客户档案: one person or organisation that complains, found again by phone or e-mail."""

    name = models.CharField(_("name"), max_length=100)
    # Stored in E.164 (+8613812345678) so every way of writing a number finds the same customer.
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    # What we write to them in; empty: the site's language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        default="",
        db_default="",
        help_text=_("The language of our letters and e-mails to the customer."),
    )
    # Texts (SMS): they asked to be texted at any hour (else only within the day's window), or
    # replied STOP / 退订 (then never again).
    urgent_contact = models.BooleanField(
        _("urgent contact"),
        default=False,
        db_default=False,
        help_text=_("The customer asked to be contacted urgently: texts go at any hour."),
    )
    sms_opted_out_at = models.DateTimeField(
        _("texts refused at"),
        null=True,
        blank=True,
        help_text=_("The customer replied STOP / 退订: no more text messages."),
    )
    # Set once their personal details were removed: every complaint of theirs was anonymised.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="customer_unique_phone"
            ),
        ]
        indexes = [models.Index(fields=["email"], name="customer_email_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name, or that it was removed (in the reader's language)."""
        if not self.name and self.anonymised_at is not None:
            return str(ANONYMISED_TEXT)
        return self.name


ANONYMISED_TEXT = _("Anonymised")
