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


class DeferredTask(models.Model):
    """A background task the broker could not take when it was due (it was down or hung).

    Written after the commit of what caused it (config.dispatch); queued again, oldest first, by
    the every-minute job once the broker answers, and deleted as it is queued.
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("deferred task")
        verbose_name_plural = _("deferred tasks")

    def __str__(self) -> str:
        return f"{self.task_name}{tuple(self.args)!r}"
