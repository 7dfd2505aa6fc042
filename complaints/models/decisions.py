from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Outcome, Remedy


class Decision(models.Model):
    """A proposed outcome of a handling round; approved within someone's authority limit."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        SUPERSEDED = "superseded", _("Superseded")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="decisions",
    )
    # Which handling round (the complaint's reopen count when proposed) this decision belongs to.
    round = models.PositiveIntegerField(_("handling round"), default=0)
    remedy = models.CharField(_("remedy"), max_length=30, choices=Remedy.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    amount = models.DecimalField(
        _("amount"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    rationale = models.TextField(_("rationale"))
    root_cause = models.TextField(_("root cause"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=Status.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval requested from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["complaint", "round", "state"], name="decision_round_state_idx"),
            models.Index(fields=["state", "requested_approver"], name="decision_pending_idx"),
            # The dashboard's redress of the month (reports.selectors.outcomes).
            models.Index(
                fields=["approved_at"],
                condition=models.Q(state="approved"),
                name="decision_approved_at_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_remedy_display()} {self.amount}"


class DecisionApproval(models.Model):
    """One approver's verdict on a decision, kept even when the decision is later superseded."""

    class Verdict(models.TextChoices):
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), on_delete=models.PROTECT, related_name="approvals"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    approver_limit = models.DecimalField(
        _("approver's limit at the time"), max_digits=12, decimal_places=2
    )
    comment = models.TextField(_("comment"), blank=True)
    # Set when the proposal was approved as it was made, within the proposer's own limit: the
    # reason is a fact, put into words in the reader's language (`reason_text`), never stored text.
    within_own_limit = models.BooleanField(
        _("approved within the proposer's own limit"), default=False, db_default=False
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("decision approval")
        verbose_name_plural = _("decision approvals")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} – {self.approver}"

    @property
    def reason_text(self) -> str:
        """The approver's comment, or the automatic approval's reason in the reader's language."""
        if self.within_own_limit:
            return str(WITHIN_OWN_LIMIT_TEXT)
        return self.comment


WITHIN_OWN_LIMIT_TEXT = _("Within the proposer's limit.")
