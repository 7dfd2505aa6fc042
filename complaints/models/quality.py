"""The product quality loop (issue 16 §7; seed 004 §四.1 and §四.17): a quality complaint passed to
quality control (品控部) and purchasing (采购部) with the product and the supplier, and their answers
(the finding, the supplier contacted, the product taken off sale, returned to or compensated by the
supplier). A referral is pending for a department until that department's first answer is recorded.
Written by complaints.services.quality; the admin only reads.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class QualityDepartment(models.TextChoices):
    """The two departments of the loop; which Department each is comes from the settings
    (QUALITY_DEPARTMENT_CODE, PURCHASING_DEPARTMENT_CODE: department codes)."""

    QUALITY_CONTROL = "quality_control", _("Quality control (品控部)")
    PURCHASING = "purchasing", _("Purchasing (采购部)")


class QualityReferral(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="quality_referrals",
    )
    product = models.CharField(_("product"), max_length=200)
    product_code = models.CharField(_("item number or batch"), max_length=100, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200)
    problem = models.TextField(_("the quality problem"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("passed on by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("passed on at"))

    class Meta:
        verbose_name = _("quality referral")
        verbose_name_plural = _("quality referrals")
        ordering = ["referred_at", "id"]

    def __str__(self) -> str:
        return f"{self.product} / {self.supplier}"


class QualityAnswer(models.Model):
    """What quality control or purchasing did about a referral, as they answered it."""

    class Finding(models.TextChoices):
        DEFECT_CONFIRMED = "defect_confirmed", _("Quality defect confirmed")
        NO_DEFECT = "no_defect", _("No quality defect found")
        SENT_FOR_TESTING = "sent_for_testing", _("Sent for testing (检测)")

    referral = models.ForeignKey(
        QualityReferral,
        verbose_name=_("quality referral"),
        on_delete=models.PROTECT,
        related_name="answers",
    )
    department = models.CharField(
        _("answered by department"), max_length=20, choices=QualityDepartment.choices
    )
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    supplier_contacted = models.BooleanField(_("supplier contacted"), default=False)
    taken_off_sale = models.BooleanField(_("taken off sale"), default=False)
    returned_to_supplier = models.BooleanField(_("returned to the supplier"), default=False)
    compensated_by_supplier = models.BooleanField(_("compensated by the supplier"), default=False)
    compensation_amount = models.DecimalField(
        _("supplier's compensation"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    notes = models.TextField(_("notes"), blank=True)
    answered_on = models.DateField(_("answered on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("quality answer")
        verbose_name_plural = _("quality answers")
        ordering = ["answered_on", "recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.answered_on}"
