"""Personal data: which contact details there are, and the log of every reveal of a masked one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ContactField(models.TextChoices):
    """The customer's contact details that are masked for roles without the right to see them."""

    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    ADDRESS = "address", _("Address")


class RevealReason(models.TextChoices):
    """Why someone needed a masked detail in clear: a code, read in the reader's language."""

    CALL_CUSTOMER = "call_customer", _("To call or text the customer")
    WRITE_TO_CUSTOMER = "write_to_customer", _("To send the customer a letter or an e-mail")
    CONFIRM_IDENTITY = "confirm_identity", _("To confirm who the customer is")
    VISIT_OR_DELIVERY = "visit_or_delivery", _("To arrange a visit, a repair or a delivery")
    OUTSIDE_BODY = "outside_body", _("For a regulator, court, insurer or mediator")
    OTHER = "other", _("Other (explain)")


class RevealLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an entry of the reveal log."""


class ContactRevealQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise RevealLogIsAppendOnly("Reveal log entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RevealLogIsAppendOnly("Reveal log entries cannot be deleted.")


class ContactReveal(models.Model):
    """One masked contact detail shown in clear: who, which detail of which customer, on which
    case, when, why, from where. Append-only (PostgreSQL refuses changes too); written by
    complaints.services.privacy.contact_reveal, read by auditors on the reveal report.

    The customer and the case are referenced without a database constraint: the entry outlives an
    erased customer (the report then shows the number only).
    """

    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    customer = models.ForeignKey(
        "complaints.Customer",
        verbose_name=_("customer"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        db_index=False,
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        db_index=False,
    )
    field = models.CharField(_("detail"), max_length=20, choices=ContactField.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=RevealReason.choices)
    note = models.CharField(_("explanation"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects = ContactRevealQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact detail reveal")
        verbose_name_plural = _("contact detail reveals")
        ordering = ["-at", "-id"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["-at", "-id"], name="contactreveal_at_idx"),
            models.Index(fields=["actor", "-at"], name="contactreveal_actor_at_idx"),
            models.Index(fields=["customer", "-at"], name="contactreveal_customer_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()} · #{self.customer_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RevealLogIsAppendOnly("Reveal log entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RevealLogIsAppendOnly("Reveal log entries cannot be deleted.")
