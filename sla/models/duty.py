"""The duty manager rota (值班经理): who is on duty on each local day.

A personal injury in the store or on a delivery is answered on the spot by the day's duty manager
(seed 004 §三): the escalation of an injury tells them at once, beside senior management. The
administrators keep the rota a few weeks ahead in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyDay(models.Model):
    day = models.DateField(_("day"), unique=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("duty manager"),
        on_delete=models.PROTECT,
        related_name="duty_days",
        limit_choices_to={"is_active": True},
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty manager day")
        verbose_name_plural = _("duty manager rota")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.manager}"
