"""The case library (案例库) and canned replies (标准答复): issue 18 §2 and §3.

A library case is a copy, not a view of the case: its own row, with no link to the customer and
no text taken from the case as it was written. The proposer writes the story and the lesson (the
system scrubs them, complaints.services.library); the facts are coded values copied from the case.
Retention and anonymisation of the case (complaints.services.retention) never touch it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Channel, Outcome, Remedy, Severity


class CaseStudy(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("library case", "Waiting for review")
        PUBLISHED = "published", _("Published")
        REFUSED = "refused", _("Refused")
        UNPUBLISHED = "unpublished", _("Withdrawn from the library")

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    # Which case it was drawn from, for the reviewers and to allow one live copy per case; never
    # shown to readers (it would lead back to the customer). Kept when the case is anonymised.
    source = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("drawn from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    story = models.TextField(_("what happened"))
    went_well = models.TextField(_("what went well"), blank=True)
    went_wrong = models.TextField(_("what went wrong"), blank=True)
    lesson = models.TextField(_("lesson"))

    # The facts, copied as codes from the case when proposed.
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.CharField(_("product or service"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    remedy = models.CharField(_("remedy"), max_length=30, choices=Remedy.choices, blank=True)
    # Rounded (services.library.AMOUNT_STEP): close enough to teach, too coarse to identify.
    amount = models.DecimalField(
        _("amount decided (rounded)"), max_digits=12, decimal_places=0, null=True, blank=True
    )
    working_days = models.PositiveIntegerField(
        _("working days from receipt to close"), null=True, blank=True
    )
    reopened = models.BooleanField(_("reopened"), default=False)
    escalated = models.BooleanField(_("escalated"), default=False)
    personal_injury = models.BooleanField(_("personal injury"), default=False)
    outside_body = models.BooleanField(_("regulator, media or court involved"), default=False)
    # The quarter the case closed in (2026-Q1): when, without a date to match.
    period = models.CharField(_("period"), max_length=7, blank=True)

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.TextField(_("reviewer's reason"), blank=True)
    # The approver's choice: the names of the people who handled the case, shown with the story.
    show_staff = models.BooleanField(_("show the staff's names"), default=False)
    staff_names = models.CharField(_("handled by"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("library case")
        verbose_name_plural = _("library cases")
        ordering = ["-published_at", "-proposed_at", "-id"]
        permissions = [
            ("propose_case_study", "Can propose a closed case for the case library"),
            ("review_case_study", "Can approve, refuse and withdraw library cases"),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="casestudy_status_idx"),
            models.Index(fields=["status", "category"], name="casestudy_category_idx"),
        ]
        constraints = [
            # One copy of a case waiting or in the library at a time; refused ones may be redone.
            models.UniqueConstraint(
                fields=["source"],
                condition=models.Q(status__in=["proposed", "published"]),
                name="casestudy_one_live_per_case",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CannedReply(models.Model):
    """A ready answer (标准答复) staff pick when they reply, answer on the spot or log a contact;
    its placeholders are filled from the case (complaints.domain.canned)."""

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    title = models.CharField(_("title"), max_length=120)
    # Empty: for every category.
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for a reply that fits every category."),
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders filled from the case: {customer_name}, {reference}, {received_date}, "
            "{decision_date}, {amount}. Write {{ or }} for a brace."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["sort_order", "title", "id"]
        indexes = [
            models.Index(
                fields=["language", "category"],
                condition=models.Q(is_active=True),
                name="cannedreply_active_idx",
            )
        ]

    def __str__(self) -> str:
        return self.title
