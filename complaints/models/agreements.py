"""Agreements (协议书, issue 16 §3; seed 004 §三.18-19, §四.14-15, §十.4): the one signed original of
an agreement with the customer, who holds it, and the payments made against it.

The agreement carries out an approved decision: it is signed for at most the approved amount, kept
as the payment voucher by the finance cash office (财务现金房), never given to the customer, and
payments against it never exceed what was approved. The services in
complaints.services.agreements write these rows; the admin only reads them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    class Status(models.TextChoices):
        # Signed by the customer, collected back by the person in charge (负责人收回).
        SIGNED = "signed", _("Signed, with the person in charge")
        # Handed to the finance cash office, which keeps it as the payment voucher.
        HELD_BY_FINANCE = "held_by_finance", _("Kept by the finance cash office")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    decision = models.ForeignKey(
        "complaints.Decision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="agreements",
        help_text=_("The approved decision the agreement carries out."),
    )
    amount = models.DecimalField(
        _("agreed amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    signed_on = models.DateField(_("signed on"))
    # The person in charge who had the customer sign and took the one original back.
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    evidence = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("scan of the agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("where the original is"), max_length=20, choices=Status.choices, default=Status.SIGNED
    )
    holder = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("held by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_by_name = models.CharField(
        _("received at the cash office by"), max_length=100, blank=True
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["created_at", "id"]
        constraints = [
            # The one original: a decision is carried out by one agreement.
            models.UniqueConstraint(fields=["decision"], name="agreement_one_per_decision"),
            models.CheckConstraint(
                condition=Q(status="signed", handed_over_at__isnull=True)
                | Q(status="held_by_finance", handed_over_at__isnull=False),
                name="agreement_handed_over_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.amount}"

    @property
    def is_with_finance(self) -> bool:
        return self.status == self.Status.HELD_BY_FINANCE


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    ALIPAY = "alipay", _("Alipay")
    CARD_REFUND = "card_refund", _("Refund to the card paid with")
    OTHER = "other", _("Other")


class AgreementPayment(models.Model):
    """One payment to the customer against a kept agreement."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(
        _("payment reference"),
        max_length=100,
        blank=True,
        help_text=_("The voucher, transfer or transaction number."),
    )
    note = models.TextField(_("note"), blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("payment against an agreement")
        verbose_name_plural = _("payments against agreements")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreementpayment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.get_method_display()}"
