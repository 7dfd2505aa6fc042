"""Outside bodies on a case (issue 16 §2, seed 004 §三.12-13, §三.20, §四.17, §八.2): a referral
or mediation by the market regulator (12315), a consumer association (消协), an insurer, the
police, a court or the media; the documents exchanged with them; what was signed; a written order
to take a product off sale.

Each body's answer is due like a clock (a target per kind of body, on the business calendar of
the case's department; the date their notice names wins). While a regulator, court, police or
media matter is open the case is on legal hold (complaints.services.outside_bodies).
Written only by complaints.services.outside_bodies.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import localized_name
from sla import choices


class BodyKind(models.TextChoices):
    MARKET_REGULATOR = "market_regulator", _("Market regulator (12315)")
    CONSUMER_ASSOCIATION = "consumer_association", _("Consumer association (消协)")
    INSURER = "insurer", _("Insurer")
    POLICE = "police", _("Police")
    COURT = "court", _("Court")
    MEDIA = "media", _("Media")


# Kinds whose matter keeps the case's evidence on hold until it is closed (seed 004 §八.2: a
# complaint to the media or an administrative body, or a case the judiciary has taken up).
HOLDING_KINDS = frozenset(
    {BodyKind.MARKET_REGULATOR, BodyKind.COURT, BodyKind.POLICE, BodyKind.MEDIA}
)


# Named here too: the migrations of outside-body targets refer to the validator by this path.
validate_pause_reasons = choices.validate_pause_reasons


def all_pause_reasons() -> list[str]:
    """The default: an outside body's answer is handling, and handling stops for every wait (the
    investigation clock's default, sla.choices.DEFAULT_PAUSE_REASONS)."""
    return list(choices.PauseReason.values)


# Kinds whose written order can take a product off sale.
ORDERING_KINDS = frozenset({BodyKind.MARKET_REGULATOR, BodyKind.COURT})


class OutsideBodyTarget(models.Model):
    """How long the company has to answer a body of one kind; no amount: no deadline by default
    (the date on their notice, if any, still counts). Edited by the administrator."""

    kind = models.CharField(_("kind of body"), max_length=30, choices=BodyKind.choices, unique=True)
    amount = models.PositiveIntegerField(_("within"), null=True, blank=True)
    unit = models.CharField(
        _("unit"),
        max_length=20,
        choices=choices.Unit.choices,
        default="working_days",
    )
    source = models.CharField(
        _("source"),
        max_length=200,
        blank=True,
        help_text=_("Where the time limit comes from, e.g. the 12315 online dispute rules."),
    )
    # Reminded, escalated and paused like a stage clock (sla.models.SlaTarget's fields).
    reminder_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("remind at (% of the time elapsed)"),
        default=75,
        validators=[MaxValueValidator(99)],
        help_text=_("0 sends no reminder."),
    )
    breach_level = models.PositiveSmallIntegerField(
        _("escalation level at breach"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 department head, 2 complaint manager, 3 senior management."),
    )
    pause_reasons = models.JSONField(
        _("pauses that stop this deadline"),
        default=all_pause_reasons,
        blank=True,
        validators=[validate_pause_reasons],
        help_text=_(
            "While the case waits for one of these reasons the deadline stands still and gets its "
            "time back on resuming, like the case's own clocks. A date named on the body's notice "
            "never moves."
        ),
    )

    class Meta:
        verbose_name = _("outside body deadline")
        verbose_name_plural = _("outside body deadlines")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="outsidebodytarget_amount_positive",
            )
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def stops_for(self, reason: str) -> bool:
        """Whether a pause for `reason` stops the deadlines of this kind of body."""
        return reason in (self.pause_reasons or [])


class SigningText(models.Model):
    """A sentence staff write when they sign a body's document (seed 004 §三.13), in both
    languages; `{amount}` stands for the amount agreed."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    text = models.TextField(_("text"))
    text_en = models.TextField(_("text in English"), blank=True)
    kinds = models.CharField(
        _("for bodies"),
        max_length=200,
        blank=True,
        help_text=_("Kinds of body it is offered for, comma-separated codes; empty: all."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("signing text")
        verbose_name_plural = _("signing texts")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.code

    @property
    def local_text(self) -> str:
        return localized_name(self.text, self.text_en)

    def offered_for(self, kind: str) -> bool:
        wanted = {part.strip() for part in self.kinds.split(",") if part.strip()}
        return not wanted or kind in wanted


class OutsideBody(models.Model):
    """One outside body's matter on a case: how it came, who answers it, when, and how it ended."""

    class Channel(models.TextChoices):
        ODR_PLATFORM = "odr_platform", _("12315 online platform")
        WRITTEN_NOTICE = "written_notice", _("Written notice or letter")
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Visit")
        SERVED = "served", _("Papers served")
        OTHER = "other", pgettext_lazy("outside body channel", "Other")

    class Result(models.TextChoices):
        SETTLED = "settled", _("Settled by mediation")
        NOT_SETTLED = "not_settled", _("Mediation failed")
        WITHDRAWN = "withdrawn", _("Withdrawn by the customer")
        NO_ACTION = "no_action", _("Closed without action")
        JUDGMENT = "judgment", _("Judgment or ruling")

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="outside_bodies",
    )
    kind = models.CharField(_("kind of body"), max_length=30, choices=BodyKind.choices)
    name = models.CharField(_("body"), max_length=200, help_text=_("e.g. 朝阳区市场监督管理局"))
    channel = models.CharField(_("how it came"), max_length=20, choices=Channel.choices)
    their_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("received at"))
    notice = models.TextField(_("what they ask"), blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our contact person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The deadline, counted like a clock from `received_at` (target of the kind, calendar of the
    # case's department) unless their notice names a date. None: no deadline.
    amount = models.PositiveIntegerField(_("within"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    their_deadline = models.DateField(_("deadline on their notice"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # Reminded before, breached at, escalated after its deadline, and paused with the case's
    # clocks, by the stage clocks' rules (sla.services.clocks.Timed; the target's settings copied
    # when recorded, so editing them later does not move a running deadline).
    reminder_percent = models.PositiveSmallIntegerField(_("remind at (%)"), default=75)
    breach_level = models.PositiveSmallIntegerField(_("escalation level at breach"), default=1)
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded at"), null=True, blank=True)
    escalated_level = models.PositiveSmallIntegerField(_("escalated to level"), default=0)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(_("pause reason"), max_length=30, blank=True)
    next_action_at = models.DateTimeField(_("next check at"), null=True, blank=True)

    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    result_note = models.TextField(_("how it ended"), blank=True)
    amount_agreed = models.DecimalField(
        _("amount agreed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # What the company wrote when signing their document, as written; the template it came from.
    signed_text = models.TextField(_("written when signing"), blank=True)
    signing_text_code = models.CharField(_("signing text"), max_length=60, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("outside body")
        verbose_name_plural = _("outside bodies")
        ordering = ["complaint_id", "received_at", "id"]
        permissions = [
            (
                "handle_outside_body",
                _("Record outside bodies' referrals, mediations and orders"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(result=""),
                name="outsidebody_closed_with_result",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(signed_by__isnull=False),
                name="outsidebody_signed_by_someone",
            ),
        ]
        indexes = [
            # The sweep's one query: running deadlines with a reminder or escalation due.
            models.Index(
                fields=["next_action_at"],
                condition=Q(closed_at__isnull=True, paused_at__isnull=True),
                name="outsidebody_next_action_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_kind_display()} {self.name}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_live(self) -> bool:
        """Whether its deadline runs: there is one, the matter is open and not paused."""
        return self.due_at is not None and self.closed_at is None and self.paused_at is None

    @property
    def holds_evidence(self) -> bool:
        return self.kind in HOLDING_KINDS


class OutsideBodyDocument(models.Model):
    """A document exchanged with a body: one of the case's evidence files, received or sent."""

    class Direction(models.TextChoices):
        RECEIVED = "received", _("Received from them")
        SENT = "sent", _("Sent to them")

    body = models.ForeignKey(
        OutsideBody,
        verbose_name=_("outside body"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    evidence = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("outside body document")
        verbose_name_plural = _("outside body documents")
        ordering = ["body_id", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "evidence"], name="outsidebody_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.body_id} {self.get_direction_display()} {self.evidence_id}"


class OffSaleOrder(models.Model):
    """A regulator's or court's written order to take a product off sale (seed 004 §四.17: the
    purchasing department deals with the supplier): recorded, then carried out by someone."""

    body = models.ForeignKey(
        OutsideBody,
        verbose_name=_("outside body"),
        on_delete=models.PROTECT,
        related_name="off_sale_orders",
    )
    product = models.CharField(_("product"), max_length=200)
    order_reference = models.CharField(_("order reference"), max_length=100, blank=True)
    ordered_on = models.DateField(_("order dated"))
    evidence = models.ForeignKey(
        "complaints.EvidenceFile",
        verbose_name=_("the written order"),
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
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("taken off sale by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("taken off sale at"), null=True, blank=True)
    done_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("off-sale order")
        verbose_name_plural = _("off-sale orders")
        ordering = ["body_id", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, done_by__isnull=True)
                | Q(done_at__isnull=False, done_by__isnull=False),
                name="offsale_done_with_who",
            )
        ]

    def __str__(self) -> str:
        return self.product
