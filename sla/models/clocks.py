"""Deadline clocks: one per complaint, stage and handling round."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .policies import PauseReason, SlaTarget, Stage, Unit

# A clock is "live" while it can still run out; the sweep only ever looks at live clocks.
LIVE = Q(met_at__isnull=True, cancelled_at__isnull=True, paused_at__isnull=True)


# What the dashboard counts per stage clock and what the queue filter lists for it
# (complaints.filters, "clock_status"): the same conditions, so a figure and its list agree.
def clocks_overdue(now: datetime) -> Q:
    """Running (not met, stopped or paused) clocks past their deadline at `now`."""
    return LIVE & Q(due_at__lt=now)


def clocks_met_between(start: datetime, end: datetime) -> Q:
    return Q(met_at__gte=start, met_at__lt=end)


def clocks_met_on_time(start: datetime, end: datetime) -> Q:
    """Met from `start` to `end` (excluded), at or before the deadline."""
    return clocks_met_between(start, end) & Q(met_at__lte=F("due_at"))


def clocks_met_late(start: datetime, end: datetime) -> Q:
    """Met from `start` to `end` (excluded), after the deadline."""
    return clocks_met_between(start, end) & Q(met_at__gt=F("due_at"))


def clocks_breached_unfinished(now: datetime, start: datetime, end: datetime) -> Q:
    """Not met nor stopped by `end`, the deadline passed from `start` to `end` (and before
    `now`). A clock paused before its deadline has not run out (its deadline moves when it
    resumes); one paused after it has."""
    if end > now:
        # A span that runs up to now (the dashboard's month so far): nothing was met or stopped
        # after now, so "not met by its end" is "not met"; said so, the condition is the one of
        # the partial index clock_unfinished_due_idx (with "or met after the end" it is not, and
        # PostgreSQL read all 4 M clocks at a million complaints: 0.6 s).
        unfinished = Q(met_at__isnull=True, cancelled_at__isnull=True)
    else:
        unfinished = (Q(met_at__isnull=True) | Q(met_at__gte=end)) & (
            Q(cancelled_at__isnull=True) | Q(cancelled_at__gte=end)
        )
    return (
        unfinished
        & Q(due_at__gte=start, due_at__lt=min(end, now))
        & (Q(paused_at__isnull=True) | Q(paused_at__gt=F("due_at")))
    )


class Clock(models.Model):
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        on_delete=models.PROTECT,
        related_name="clocks",
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    round = models.PositiveIntegerField(_("handling round"), default=0)
    target = models.ForeignKey(
        SlaTarget, verbose_name=_("target"), on_delete=models.PROTECT, related_name="+"
    )
    # The calendar the deadline was counted on, kept for its pauses, resumes and re-plans (the
    # case may move to a department on another calendar meanwhile); empty: the default calendar,
    # whichever that is (it follows when another calendar becomes the default).
    calendar = models.ForeignKey(
        "sla.BusinessCalendar",
        verbose_name=_("business calendar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # a partial index: most clocks are on the default calendar (null)
    )
    # The case's owning department and assignee now, copied here (and kept so by the services
    # that route, assign and hand on a case: complaints.services.ownership) so that the reports
    # count the deadlines kept per department and per handler without joining the clocks to a
    # million cases. The case's own columns carry the foreign-key constraints.
    case_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("case's department"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    case_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case's assignee"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The target as it was when planned: editing a policy later does not move running clocks.
    amount = models.PositiveIntegerField(_("target"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    reminder_percent = models.PositiveSmallIntegerField(_("remind at (%)"))
    breach_level = models.PositiveSmallIntegerField(_("escalation level at breach"))

    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    remind_at = models.DateTimeField(_("remind at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    pause_reason = models.CharField(
        _("pause reason"), max_length=30, choices=PauseReason.choices, blank=True
    )
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The deadline falls in a calendar year whose holidays are not confirmed yet."),
    )
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breach recorded at"), null=True, blank=True)
    escalated_level = models.PositiveSmallIntegerField(_("escalated to level"), default=0)
    # When the sweep next has something to do for this clock (reminder, breach, next level).
    next_action_at = models.DateTimeField(_("next check at"), null=True, blank=True)

    class Meta:
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")
        ordering = ["complaint", "round", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "stage", "round"], name="clock_one_per_stage_and_round"
            )
        ]
        indexes = [
            # Clocks on a calendar of their own: re-planning after its change, and deleting it.
            models.Index(
                fields=["calendar"],
                condition=Q(calendar__isnull=False),
                name="clock_own_calendar_idx",
            ),
            # The sweep's only query: live clocks with something due, by time.
            models.Index(
                fields=["next_action_at"], condition=LIVE, name="clock_live_next_action_idx"
            ),
            models.Index(fields=["due_at"], condition=LIVE, name="clock_live_due_idx"),
            # The dashboard's compliance of the month (reports.selectors.deadlines): clocks met in
            # the month, and unfinished ones (running or paused) whose deadline fell in it.
            # Carrying what the report counts of each met clock, so that it reads this index
            # alone (per stage, department and handler, on time or late).
            models.Index(
                fields=["met_at"],
                include=["stage", "due_at", "case_department", "case_assignee"],
                condition=Q(met_at__isnull=False),
                name="clock_met_report_idx",
            ),
            # Clocks finished (met or stopped) after their deadline: those of a past period
            # still running at its end but finished since (clocks_breached_unfinished).
            models.Index(
                fields=["due_at"],
                include=[
                    "stage",
                    "met_at",
                    "cancelled_at",
                    "paused_at",
                    "case_department",
                    "case_assignee",
                ],
                condition=Q(met_at__gt=F("due_at")) | Q(cancelled_at__gt=F("due_at")),
                name="clock_finished_late_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(met_at__isnull=True, cancelled_at__isnull=True),
                name="clock_unfinished_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.get_stage_display()} → {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_live(self) -> bool:
        return self.met_at is None and self.cancelled_at is None and self.paused_at is None


class ClockPause(models.Model):
    clock = models.ForeignKey(
        Clock, verbose_name=_("clock"), on_delete=models.PROTECT, related_name="pauses"
    )
    reason = models.CharField(_("reason"), max_length=30, choices=PauseReason.choices)
    note = models.TextField(_("note"), blank=True)
    paused_at = models.DateTimeField(_("paused at"))
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paused by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resumed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_before = models.DateTimeField(_("due before the pause"))
    due_after = models.DateTimeField(_("due after resuming"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")
        ordering = ["paused_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.paused_at:%Y-%m-%d}"
