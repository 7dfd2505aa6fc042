"""Reminders and escalations, each stored once: database constraints make re-runs harmless."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .clocks import Clock


class Reminder(models.Model):
    """The one reminder of a clock, sent to its assignee before the deadline."""

    clock = models.OneToOneField(
        Clock, verbose_name=_("clock"), on_delete=models.PROTECT, related_name="reminder"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")

    def __str__(self) -> str:
        return f"{self.clock} @ {self.at:%Y-%m-%d %H:%M}"


class Escalation(models.Model):
    class Reason(models.TextChoices):
        BREACH = "breach", _("Deadline missed")
        LARGE_CLAIM = "large_claim", _("Large complaint (大型投诉)")
        PERSONAL_INJURY = "personal_injury", _("Personal injury")
        MEDIA = "media", _("Media involvement")
        REGULATOR = "regulator", _("Regulator involvement")
        LEGAL = "legal", _("Court or lawyer's letter (律师函)")
        OUTSIDE_BODY = "outside_body", _("An outside body's deadline missed")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="escalations",
    )
    level = models.PositiveSmallIntegerField(_("level"))
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    clock = models.ForeignKey(
        Clock,
        verbose_name=_("clock"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalations",
    )
    # complaint/reason/level/clock in one string: unique, so a re-run or a second worker adds nothing.
    key = models.CharField(_("key"), max_length=100, unique=True, editable=False)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["complaint", "at"], name="escalation_complaint_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} → {self.level}"
