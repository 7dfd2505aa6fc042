"""Procedure checklists (issue 16 §8): steps to follow on a case of a category, each with who does
it and within how long, ticked with who and when; a step past its time reminds like a clock.

A category's template is data the administrator edits (seed 004 §五 to §八 in the demo); a case
gets a copy of the steps when it is received or re-categorised, so editing a template later does
not change the steps of cases already under way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import localized_name
from complaints.models.injury import InjuryItem

from .policies import Unit


class ChecklistTemplate(models.Model):
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        help_text=_("Shown to people who read English; the Chinese name when empty."),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    categories = models.ManyToManyField(
        "complaints.Category",
        verbose_name=_("categories"),
        related_name="checklist_templates",
        blank=True,
        help_text=_("Cases of these categories (and of their sub-categories) get the checklist."),
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the procedure is written down, e.g. the section of a rule book."),
    )
    # Seed 004 §三: the injury procedure follows the case's flag, whatever its category.
    personal_injury = models.BooleanField(
        _("for personal injuries"),
        default=False,
        help_text=_(
            "Cases flagged as a personal injury get the checklist, whatever their category."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return localized_name(self.name, self.name_en)


class ChecklistTemplateStep(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        verbose_name=_("checklist template"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("step"), max_length=300)
    text_en = models.CharField(_("step in English"), max_length=300, blank=True)
    who = models.CharField(
        _("who"), max_length=100, blank=True, help_text=_("Who does it, e.g. 风险防控部当班主管.")
    )
    who_en = models.CharField(_("who in English"), max_length=100, blank=True)
    amount = models.PositiveIntegerField(
        _("within"), help_text=_("How long after the complaint is received the step is due.")
    )
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices, default=Unit.HOURS)
    evidence_required = models.BooleanField(
        _("evidence required"),
        default=False,
        help_text=_("The step is ticked only with one of the case's evidence files."),
    )
    injury_item = models.CharField(
        _("personal-injury item"),
        max_length=30,
        choices=InjuryItem.choices,
        blank=True,
        help_text=_(
            "The item of the personal-injury record that ticks this step when it is recorded there."
        ),
    )

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        ordering = ["template_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="checkliststep_amount_positive")
        ]

    def __str__(self) -> str:
        return localized_name(self.text, self.text_en)


class CaseChecklistStep(models.Model):
    """One step of a procedure on one case, copied from its template step when the case got it."""

    class Outcome(models.TextChoices):
        DONE = "done", pgettext_lazy("checklist step", "Done")
        NOT_APPLICABLE = "not_applicable", pgettext_lazy("checklist step", "Not applicable")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="checklist_steps",
    )
    template_step = models.ForeignKey(
        ChecklistTemplateStep,
        verbose_name=_("template step"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The template as it was when the case got the step.
    template_name = models.CharField(_("checklist"), max_length=100)
    template_name_en = models.CharField(_("checklist in English"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("step"), max_length=300)
    text_en = models.CharField(_("step in English"), max_length=300, blank=True)
    who = models.CharField(_("who"), max_length=100, blank=True)
    who_en = models.CharField(_("who in English"), max_length=100, blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    injury_item = models.CharField(
        _("personal-injury item"), max_length=30, choices=InjuryItem.choices, blank=True
    )
    amount = models.PositiveIntegerField(_("within"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    # Counted like a clock: on the calendar of the case's department (None: the default).
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    done_at = models.DateTimeField(_("ticked at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ticked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case checklist step")
        verbose_name_plural = _("case checklist steps")
        ordering = ["complaint_id", "template_name", "position", "id"]
        constraints = [
            # A case gets each template step once, however often it is re-categorised.
            models.UniqueConstraint(
                fields=["complaint", "template_step"], name="casechecklist_step_once"
            ),
            models.CheckConstraint(
                condition=Q(outcome="", done_at__isnull=True)
                | (~Q(outcome="") & Q(done_at__isnull=False)),
                name="casechecklist_outcome_with_time",
            ),
        ]
        indexes = [
            # The reminder job's one query: open steps past their time, not reminded yet.
            models.Index(
                fields=["due_at"],
                condition=Q(done_at__isnull=True, reminded_at__isnull=True),
                name="casechecklist_to_remind_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.local_text}"

    @property
    def local_text(self) -> str:
        return localized_name(self.text, self.text_en)

    @property
    def local_who(self) -> str:
        return localized_name(self.who, self.who_en)

    @property
    def local_template_name(self) -> str:
        return localized_name(self.template_name, self.template_name_en)

    @property
    def is_open(self) -> bool:
        return self.done_at is None
