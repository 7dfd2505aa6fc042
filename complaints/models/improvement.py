"""Improvement actions (整改措施, issue 18 §1): what is to change after a case or a recurring
problem, who owns it, by when, what was done, and whether complaints fell afterwards.

Every seed ends its procedure the same way (事后检讨、改善、避免再犯). An action is written only by
complaints.services.improvement; its effect is counted by the reports' own figure selectors
(reports.selectors.improvement), never here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models.investigation import evidence_upload_to


class RootCause(models.TextChoices):
    """Root cause categories (人、机、料、法、环 and communication): what the cause was of."""

    PEOPLE = "people", _("People: skills, training, attitude")
    PROCESS = "process", _("Process or rule")
    PRODUCT = "product", _("Product or supplier")
    EQUIPMENT = "equipment", _("Equipment or system")
    COMMUNICATION = "communication", _("Information and communication")
    ENVIRONMENT = "environment", _("Environment or premises")
    OTHER = "other", _("Other")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done, effect to check")
    EFFECTIVE = "effective", _("Verified effective")
    NOT_EFFECTIVE = "not_effective", _("Not effective")


# Statuses in which the action's due date runs (reminded, breached, escalated).
LIVE_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
LIVE_ACTION = Q(status__in=LIVE_STATUSES)


class ActionOrigin(models.TextChoices):
    CASE = "case", _("From a case")
    REPORT = "report", _("From a recurring problem of the reports")
    OWN = "own", _("On its own")


class ImprovementAction(models.Model):
    """One improvement action (整改措施) with its due date counted like a stage clock
    (sla.services.clocks.Timed: reminded at a share of its working time, breached at the due
    time, escalated a level each level step later)."""

    title = models.CharField(_("what is to change"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    root_cause = models.CharField(_("root cause category"), max_length=20, choices=RootCause)
    origin = models.CharField(_("started"), max_length=10, choices=ActionOrigin)
    # What the effect check counts: complaints of this category (and those below it) and/or of
    # this product, received before and after the action was done.
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("owning department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus, default=ActionStatus.OPEN
    )

    # The due date, on a business calendar (the owning department's, else the default).
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due at"))
    reminder_percent = models.PositiveSmallIntegerField(_("remind at (%)"), default=75)
    breach_level = models.PositiveSmallIntegerField(_("escalation level at breach"), default=1)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded at"), null=True, blank=True)
    escalated_level = models.PositiveSmallIntegerField(_("escalated to level"), default=0)
    next_action_at = models.DateTimeField(_("next check at"), null=True, blank=True)

    started_at = models.DateTimeField(_("work started at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence = models.TextField(_("evidence of what was done"), blank=True)
    # The effect check: complaints received in `check_days` local days before the day it was
    # done against as many days after it (that day counted in neither).
    check_days = models.PositiveSmallIntegerField(_("days compared"), default=30)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    # The figures the verifier saw, frozen: complaints before and after (None: nothing to count).
    effect_before = models.PositiveIntegerField(_("complaints before"), null=True, blank=True)
    effect_after = models.PositiveIntegerField(_("complaints after"), null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["due_at", "id"]
        permissions = [
            ("manage_improvement_action", _("Start improvement actions")),
            ("verify_improvement_action", _("Verify the effect of improvement actions")),
            ("view_all_improvement_actions", _("See every improvement action")),
        ]
        indexes = [
            # The reminder scan and the overdue counts: live actions by their next check/due time.
            models.Index(fields=["next_action_at"], condition=LIVE_ACTION, name="action_next_idx"),
            models.Index(fields=["due_at"], condition=LIVE_ACTION, name="action_live_due_idx"),
            models.Index(fields=["department", "status"], name="action_dept_status_idx"),
            models.Index(fields=["owner", "status"], name="action_owner_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["done", "effective", "not_effective"])
                | Q(done_at__isnull=False),
                name="action_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    def is_overdue(self, now) -> bool:  # type: ignore[no-untyped-def]
        return self.is_live and self.due_at < now


class ImprovementActionCase(models.Model):
    """A case an improvement action follows from (or was linked to later)."""

    action = models.ForeignKey(
        ImprovementAction,
        verbose_name=_("improvement action"),
        on_delete=models.CASCADE,
        related_name="case_links",
    )
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="improvement_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("case of an improvement action")
        verbose_name_plural = _("cases of improvement actions")
        ordering = ["linked_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["action", "complaint"], name="action_case_once")
        ]
        indexes = [models.Index(fields=["complaint"], name="action_case_complaint_idx")]

    def __str__(self) -> str:
        return f"#{self.action_id} ↔ {self.complaint_id}"


def action_file_upload_to(instance: ImprovementActionFile, filename: str) -> str:
    # Named by checksum and checked content type like evidence, in their own folder.
    return "improvement/" + evidence_upload_to(instance, filename).removeprefix("evidence/")  # type: ignore[arg-type]


class ImprovementActionFile(models.Model):
    """A file showing what was done (a photo of the changed shelf, the new rule as a PDF, a
    training sign-in sheet), checked like evidence (complaints.services.evidence)."""

    action = models.ForeignKey(
        ImprovementAction,
        verbose_name=_("improvement action"),
        on_delete=models.PROTECT,
        related_name="files",
    )
    file = models.FileField(_("file"), upload_to=action_file_upload_to, max_length=255)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("improvement action file")
        verbose_name_plural = _("improvement action files")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"#{self.action_id} {self.original_name}"
