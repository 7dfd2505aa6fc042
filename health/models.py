"""Heartbeats: the last time a periodic process proved it was alive, read by /readyz."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    # One row per source ("beat"), overwritten on each beat: no history, no growth.
    name = models.CharField(_("name"), max_length=40, primary_key=True)
    at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
