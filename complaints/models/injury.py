"""The personal-injury record (人身伤害, issue 16 §1; seed 004 §三): on a case flagged as a personal
injury, the duty manager's decisions (accompany the customer to hospital, advance the medical
costs), the procedure's items (witnesses, the accident report, 110/120, the insurer, the hospital's
certificates, the original receipts) and the compensation breakdown by the heads of §三.17, whose
total is the amount of the case's decision.

One record a case, made by the first thing recorded on it. Written only by
complaints.services.injury; the admin reads it. The items' deadlines and reminders are the case's
checklist steps of the injury checklist (sla.models.ChecklistTemplate.personal_injury), which the
services tick as the items are recorded.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InjuryItem(models.TextChoices):
    """The items of the procedure a checklist step of the injury checklist stands for."""

    WITNESSES = "witnesses", _("Witnesses recorded")
    ACCIDENT_REPORT = "accident_report", _("Risk control's accident report")
    EMERGENCY_CALL = "emergency_call", _("Police (110) or ambulance (120) called")
    INSURER = "insurer", _("Insurer notified")
    TRANSFER_CERTIFICATE = "transfer_certificate", _("Hospital's transfer certificate")
    DISCHARGE_CERTIFICATE = "discharge_certificate", _("Discharge certificate")
    RECEIPTS_KEPT = "receipts_kept", _("Original receipts kept")


# The items that are a paper kept as one of the case's evidence files (InjuryDocument).
DOCUMENT_ITEMS = (
    InjuryItem.ACCIDENT_REPORT,
    InjuryItem.TRANSFER_CERTIFICATE,
    InjuryItem.DISCHARGE_CERTIFICATE,
    InjuryItem.RECEIPTS_KEPT,
)


class CompensationHead(models.TextChoices):
    """The heads of compensation of seed 004 §三.17, in its order."""

    MEDICAL = "medical", _("Medical costs")
    HOSPITAL = "hospital", _("Hospital stay")
    TRANSPORT = "transport", _("Transport")
    LOST_EARNINGS = "lost_earnings", _("Lost earnings")
    NURSING = "nursing", _("Nursing")
    NUTRITION = "nutrition", _("Nutrition")
    HOSPITAL_MEALS = "hospital_meals", _("Hospital meal allowance")
    DISABILITY = "disability", _("Disability compensation")
    DEATH = "death", _("Death compensation")
    MENTAL_DAMAGES = "mental_damages", _("Mental damages")
    FOLLOW_UP_TREATMENT = "follow_up_treatment", _("Follow-up treatment")


class InjuryRecord(models.Model):
    complaint = models.OneToOneField(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="injury_record",
    )
    # Accompany the customer to hospital (seed §三.1): None while undecided.
    accompany = models.BooleanField(_("accompany to hospital"), null=True, blank=True)
    accompanied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accompanied by (staff)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accompanied_by_name = models.CharField(_("accompanied by (name)"), max_length=100, blank=True)
    accompany_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accompanying decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accompany_decided_at = models.DateTimeField(_("accompanying decided at"), null=True, blank=True)
    # Advance the medical costs (seed §三.1, §三.3, §三.9): None while undecided.
    advance = models.BooleanField(_("advance the medical costs"), null=True, blank=True)
    advance_amount = models.DecimalField(
        _("advance amount"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    advance_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advance decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    advance_decided_at = models.DateTimeField(_("advance decided at"), null=True, blank=True)
    advance_requested_at = models.DateTimeField(
        _("requested from finance at"), null=True, blank=True
    )
    advance_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested from finance by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    advance_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advance approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    advance_approved_at = models.DateTimeField(_("advance approved at"), null=True, blank=True)
    advance_approver_limit = models.DecimalField(
        _("approver's limit at the time"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    advance_paid_on = models.DateField(_("advance paid on"), null=True, blank=True)
    advance_paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("advance paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Senior management's exception to the original-receipts rule (seed §三.9).
    receipts_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("receipts exception approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receipts_exception_at = models.DateTimeField(
        _("receipts exception approved at"), null=True, blank=True
    )
    receipts_exception_reason = models.TextField(_("receipts exception reason"), blank=True)
    # Police (110) and ambulance (120), seed §三.7-8.
    police_called_at = models.DateTimeField(_("police (110) called at"), null=True, blank=True)
    police_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("police call recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ambulance_called_at = models.DateTimeField(
        _("ambulance (120) called at"), null=True, blank=True
    )
    ambulance_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ambulance call recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The insurer (seed §三.4): notified, its claim number, its written opinion, covered or not.
    insurer_body = models.ForeignKey(
        "complaints.OutsideBody",
        verbose_name=_("insurer on the case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The insurer's record among the case's outside bodies, when there is one."),
    )
    insurer_notified_on = models.DateField(_("insurer notified on"), null=True, blank=True)
    insurer_claim_number = models.CharField(_("insurer's claim number"), max_length=100, blank=True)
    insurer_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("insurer notified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    insurer_opinion = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("insurer's written opinion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    insurer_covered = models.BooleanField(_("covered by the insurer"), null=True, blank=True)
    insurer_opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("insurer's opinion recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    insurer_opinion_at = models.DateTimeField(
        _("insurer's opinion recorded at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("personal-injury record")
        verbose_name_plural = _("personal-injury records")
        constraints = [
            models.CheckConstraint(
                condition=Q(advance=True, advance_amount__isnull=False)
                | Q(advance_amount__isnull=True, advance_approved_at__isnull=True),
                name="injury_advance_amount_when_advanced",
            ),
            models.CheckConstraint(
                condition=Q(advance_paid_on__isnull=True) | Q(advance_approved_at__isnull=False),
                name="injury_advance_paid_after_approval",
            ),
        ]

    def __str__(self) -> str:
        return str(self.complaint_id)

    @property
    def accompanied_by_display(self) -> str:
        if self.accompanied_by is not None:
            return self.accompanied_by.get_full_name() or self.accompanied_by.username
        return self.accompanied_by_name

    @property
    def receipts_exception(self) -> bool:
        return self.receipts_exception_at is not None


class InjuryWitness(models.Model):
    """A witness kept in touch with (seed §三.2): name, phone and, best, a written statement."""

    record = models.ForeignKey(
        InjuryRecord,
        verbose_name=_("personal-injury record"),
        on_delete=models.PROTECT,
        related_name="witnesses",
    )
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    statement = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("written statement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return self.name


class InjuryDocument(models.Model):
    """One of the procedure's papers, kept as an evidence file of the case: the accident report,
    the transfer and discharge certificates, the original receipts (seed §三.5, §三.9-10)."""

    record = models.ForeignKey(
        InjuryRecord,
        verbose_name=_("personal-injury record"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    item = models.CharField(
        _("item"),
        max_length=30,
        choices=[(item.value, item.label) for item in DOCUMENT_ITEMS],
    )
    evidence = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("evidence file"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("personal-injury document")
        verbose_name_plural = _("personal-injury documents")
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "item"], name="injurydocument_one_per_item")
        ]

    def __str__(self) -> str:
        return self.get_item_display()


class InjuryCompensation(models.Model):
    """One head of the compensation breakdown (seed §三.17); their sum is the decision's amount."""

    record = models.ForeignKey(
        InjuryRecord,
        verbose_name=_("personal-injury record"),
        on_delete=models.PROTECT,
        related_name="compensation",
    )
    head = models.CharField(_("head"), max_length=30, choices=CompensationHead.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    basis = models.CharField(
        _("basis"),
        max_length=300,
        blank=True,
        help_text=_("What the amount rests on: receipts, the doctor's note, the insurer's word."),
    )

    class Meta:
        verbose_name = _("compensation head")
        verbose_name_plural = _("compensation breakdown")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["record", "head"], name="injurycompensation_one_head"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="injurycompensation_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_head_display()} {self.amount}"
