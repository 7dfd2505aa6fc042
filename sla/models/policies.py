"""SLA policies: per severity (and optionally category), a target for each stage clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.models import Severity
from sla.choices import (  # noqa: F401  (re-exported: sla.models names them)
    DEFAULT_PAUSE_REASONS,
    PauseReason,
    Stage,
    Unit,
    validate_pause_reasons,
)


class StartEvent(models.TextChoices):
    RECEIVED = "received", _("Complaint received")
    DECISION_RECORDED = "decision_recorded", _("Decision recorded")
    REPLY_SENT = "reply_sent", _("Reply sent")


class SlaPolicy(models.Model):
    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    category = models.ForeignKey(
        "complaints.Category",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for every category; a category policy wins over the general one."),
    )
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Leave empty to count on the calendar of the case's department, else the default one."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["severity", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["severity", "category"],
                condition=Q(is_active=True, category__isnull=False),
                name="slapolicy_one_active_per_severity_category",
            ),
            models.UniqueConstraint(
                fields=["severity"],
                condition=Q(is_active=True, category__isnull=True),
                name="slapolicy_one_active_general_per_severity",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    policy = models.ForeignKey(
        SlaPolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="targets"
    )
    stage = models.CharField(_("stage clock"), max_length=20, choices=Stage.choices)
    amount = models.PositiveIntegerField(_("target"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    start_event = models.CharField(_("clock starts at"), max_length=30, choices=StartEvent.choices)
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
    # Codes of PauseReason; a list in JSON so SQLite and PostgreSQL store it alike.
    pause_reasons = models.JSONField(
        _("pauses that stop this clock"),
        default=list,
        blank=True,
        validators=[validate_pause_reasons],
        help_text=_(
            "While the case waits for one of these reasons the clock stands still and gets its "
            "time back on resuming; through any other pause it keeps running and can breach and "
            "escalate."
        ),
    )

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "stage"], name="slatarget_one_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}: {self.amount} {self.get_unit_display()}"

    def stops_for(self, reason: str) -> bool:
        """Whether a pause for `reason` stops this target's clocks."""
        return reason in (self.pause_reasons or [])


class EscalationSettings(models.Model):
    """The organisation's escalation thresholds: one row, edited in the admin."""

    large_claim_threshold = models.DecimalField(
        _("large complaint threshold (CNY)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("50000"),
        help_text=_("Claimed or offered amounts at or above go to senior management at once."),
    )
    level_step_working_days = models.PositiveSmallIntegerField(
        _("working days between escalation levels"),
        default=1,
        validators=[MinValueValidator(1)],
    )
    send_email = models.BooleanField(_("send e-mail notifications"), default=True)

    class Meta:
        verbose_name = _("escalation settings")
        verbose_name_plural = _("escalation settings")

    def __str__(self) -> str:
        return str(_("Escalation settings"))

    def is_large_claim(self, amount: Decimal | None) -> bool:
        """大型投诉: the amount claimed or offered makes the case major and goes to the top."""
        return amount is not None and amount >= self.large_claim_threshold

    @classmethod
    def current(cls) -> EscalationSettings:
        """The row (made with the defaults the first time); within `held()`, the copy read there."""
        held = _held_settings.get()
        if held is not None:
            return held
        # Read on every intake and transition: kept in the shared cache (Redis in production),
        # dropped by every save and delete (sla.apps), so all processes see a change at once.
        settings: EscalationSettings | None = cache.get(ESCALATION_SETTINGS_KEY)
        if settings is None:
            settings, _created = cls.objects.get_or_create(pk=1)
            cache.set(ESCALATION_SETTINGS_KEY, settings, ESCALATION_SETTINGS_SECONDS)
        return settings

    @staticmethod
    def forget() -> None:
        """Drop the cached row now and once the current transaction commits (a reader in between
        would cache the old row again)."""
        cache.delete(ESCALATION_SETTINGS_KEY)
        transaction.on_commit(lambda: cache.delete(ESCALATION_SETTINGS_KEY))

    @classmethod
    @contextmanager
    def held(cls) -> Iterator[EscalationSettings]:
        """Read the row once for a unit of work: every `current()` inside (on this thread or task)
        answers that copy instead of asking the database again. An intake consults the settings
        for the severity floor, each clock's schedule, the acknowledgment and the escalation
        checks: one read, and one set of thresholds for the whole of it. Nested, the outer copy
        holds. Also a decorator (`@EscalationSettings.held()`)."""
        outer = _held_settings.get()
        if outer is not None:
            yield outer
            return
        settings = cls.current()
        token = _held_settings.set(settings)
        try:
            yield settings
        finally:
            _held_settings.reset(token)


ESCALATION_SETTINGS_KEY = "sla-escalation-settings"
# A change made without a signal (a queryset update in a shell) is seen after this at the latest.
ESCALATION_SETTINGS_SECONDS = 300

# The copy `EscalationSettings.held()` read for the unit of work in progress, if any.
_held_settings: ContextVar[EscalationSettings | None] = ContextVar(
    "escalation_settings_held", default=None
)
