"""The periodic report (issue 14, §3): the dashboard's figures for a chosen period and filters,
the same period before it, and what only a report shows (outcomes, root causes, closing times,
external referrals, per department and per handler).

Every figure is counted by the database over the scope narrowed by the report's filters, in a
fixed number of queries whatever the number of cases (pinned in tests/reports/test_report_page.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from accounts.models import Department, User, localized_name
from accounts.selectors import department_subtree_ids
from complaints.models import Channel, Complaint, Decision, FollowUp, Outcome, State
from reports.domain import TICK, Periods, ReportPeriod, Span, periods_at, weighted_percentile
from reports.selectors.dashboard import rise_rule
from reports.selectors.databases import reads_from_replica
from reports.selectors.deadlines import (
    Calendars,
    Compliance,
    Durations,
    _breached_unfinished,
    day_pairs,
    durations,
    report_calendars,
    sla_compliance,
)
from reports.selectors.distribution import MEDIAN
from reports.selectors.exports import category_subtree_ids
from reports.selectors.outcomes import (
    Rates,
    Redress,
    Satisfaction,
    redress,
    reopen_and_escalation,
    satisfaction,
)
from reports.selectors.recurring import (
    RepeatComplainant,
    RiseRule,
    Rising,
    Windows,
    repeat_complainants,
    rising_by_dimension,
)
from reports.selectors.scope import ReportScope
from reports.selectors.volume import DIMENSIONS, Share, monthly_volume, volume_by
from sla.calendar import WorkingCalendar
from sla.models import Clock

# Complaints that reached us through an outside body: a regulator (12315), a consumer association,
# a government department or a lawyer's letter / court papers. Media is not a referral.
REFERRAL_CHANNELS = (
    Channel.REGULATOR_12315,
    Channel.CONSUMER_ASSOCIATION,
    Channel.GOVERNMENT,
    Channel.LEGAL_NOTICE,
)

# Closing time buckets, first match: (key, limit, unit). Working days as the deadlines count them
# (the day of receipt not counted); calendar days from the local day of receipt.
CLOSE_BUCKETS: tuple[tuple[str, int | None, str], ...] = (
    ("3wd", 3, "working"),
    ("5wd", 5, "working"),
    ("15d", 15, "calendar"),
    ("30d", 30, "calendar"),
    ("beyond", None, "calendar"),
)
ROOT_CAUSES_SHOWN = 10


@dataclass(frozen=True)
class ReportFilters:
    """The report's filters (ids and codes; empty: all). A department or a category takes the
    ones below it too."""

    department: int | None = None
    category: int | None = None
    channel: str = ""
    region: str = ""
    severity: str = ""

    def narrow(self, scope: ReportScope) -> ReportScope:
        conditions: list[tuple[str, object]] = []
        if self.department is not None:
            subtree = department_subtree_ids(department=Department(pk=self.department))
            conditions.append(("department_id__in", tuple(sorted(subtree))))
        if self.category is not None:
            subtree = category_subtree_ids(self.category, using="default")
            conditions.append(("category_id__in", tuple(sorted(subtree))))
        for name in ("channel", "region", "severity"):
            if value := getattr(self, name):
                conditions.append((name, value))
        return scope.narrowed(*conditions)


@dataclass(frozen=True)
class Intake:
    received: int
    by_state: dict[str, int]  # the state now of the complaints received in the period
    referrals: dict[str, int]  # REFERRAL_CHANNELS -> complaints received through it
    regulator_involved: int  # received otherwise, marked "regulator involved"

    @property
    def referred(self) -> int:
        return sum(self.referrals.values()) + self.regulator_involved


@dataclass(frozen=True)
class DecisionMix:
    by_outcome: dict[str, int]  # every Outcome, approved decisions approved in the period
    without_root_cause: int

    @property
    def total(self) -> int:
        return sum(self.by_outcome.values())


@dataclass(frozen=True)
class PeriodFigures:
    """The figures of one period (the report's, or the one before it for comparison)."""

    period: ReportPeriod
    span: Span
    intake: Intake
    compliance: dict[str, Compliance]
    durations: Durations
    satisfaction: Satisfaction
    rates: Rates
    redress: Redress
    decisions: DecisionMix
    closed_within: dict[str, int]  # CLOSE_BUCKETS keys
    breakdowns: dict[str, list[Share]]

    @property
    def compliance_rate(self) -> float | None:
        on_time = sum(item.on_time for item in self.compliance.values())
        counted = sum(item.total for item in self.compliance.values())
        return on_time / counted if counted else None


@dataclass(frozen=True)
class GroupRow:
    """One department's or handler's line: complaints received in the period; of those closed in
    it, the median working days to close and how many had been reopened; deadlines met on time
    in the period (as the compliance table counts them); mean satisfaction of its follow-ups."""

    key: int | None
    label: str
    received: int = 0
    closed: int = 0
    reopened: int = 0
    median_days: float | None = None
    on_time: int = 0
    clocks: int = 0
    satisfaction: float | None = None
    scored: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.clocks if self.clocks else None


@dataclass(frozen=True)
class Report:
    period: ReportPeriod
    now: datetime
    current: PeriodFigures
    previous: PeriodFigures
    trend: list[tuple[date, int]]  # twelve months to the period's last
    root_causes: list[tuple[str, int]]
    rule: RiseRule
    rising: dict[str, list[Rising]]
    repeat_threshold: int
    repeat_days: int
    repeat: list[RepeatComplainant]
    departments: list[GroupRow] = field(default_factory=list)
    handlers: list[GroupRow] = field(default_factory=list)


def _within(span: Span, name: str) -> Q:
    return Q(**{f"{name}__gte": span.start, f"{name}__lt": span.end})


def intake(*, scope: ReportScope, span: Span) -> Intake:
    """Complaints received in `span`: how many, their state now, and which came referred."""
    figures: dict[str, Count] = {"total": Count("pk")}
    for state in State.values:
        figures[f"state_{state}"] = Count("pk", filter=Q(state=state))
    for channel in REFERRAL_CHANNELS:
        figures[f"via_{channel}"] = Count("pk", filter=Q(channel=channel))
    figures["regulator"] = Count(
        "pk", filter=Q(regulator_involved=True) & ~Q(channel__in=REFERRAL_CHANNELS)
    )
    row = Complaint.objects.filter(scope.cases(), _within(span, "received_at")).aggregate(**figures)
    return Intake(
        received=row["total"],
        by_state={str(state): row[f"state_{state}"] for state in State.values},
        referrals={str(channel): row[f"via_{channel}"] for channel in REFERRAL_CHANNELS},
        regulator_involved=row["regulator"],
    )


def _approved_in(scope: ReportScope, span: Span) -> Q:
    return (
        scope.cases("complaint__")
        & Q(state=Decision.Status.APPROVED)
        & _within(span, "approved_at")
    )


def decision_mix(*, scope: ReportScope, span: Span) -> DecisionMix:
    """Approved decisions approved in `span` (the same ones as the redress figures) by outcome."""
    rows = (
        Decision.objects.filter(_approved_in(scope, span))
        .order_by()
        .values_list("outcome")
        .annotate(n=Count("pk"), without=Count("pk", filter=Q(root_cause="")))
    )
    counted = {outcome: (n, without) for outcome, n, without in rows}
    return DecisionMix(
        by_outcome={str(o): counted.get(o, (0, 0))[0] for o in Outcome.values},
        without_root_cause=sum(without for _n, without in counted.values()),
    )


def root_causes(
    *, scope: ReportScope, span: Span, limit: int = ROOT_CAUSES_SHOWN
) -> list[tuple[str, int]]:
    """The root causes written most often on the decisions approved in `span`. The root cause is
    free text on the decision (no coded list), so identical texts are counted together."""
    rows = (
        Decision.objects.filter(_approved_in(scope, span))
        .exclude(root_cause="")
        .order_by()
        .values_list("root_cause")
        .annotate(n=Count("pk"))
        .order_by("-n", "root_cause")[:limit]
    )
    return [(text, n) for text, n in rows]


def root_cause_decisions(
    *, scope: ReportScope, span: Span, texts: list[str]
) -> dict[str, list[int]]:
    """The ids of the decisions approved in `span` that bear each of `texts` (the rows of
    `root_causes`): a snapshot keeps these instead of the texts, which anonymisation removes."""
    found: dict[str, list[int]] = {text: [] for text in texts}
    rows = (
        Decision.objects.filter(_approved_in(scope, span), root_cause__in=texts)
        .order_by("pk")
        .values_list("root_cause", "pk")
    )
    for text, pk in rows:
        found[text].append(pk)
    return found


def _closing_pairs(
    scope: ReportScope, span: Span, tz: ZoneInfo, calendars: Calendars, *group: str
) -> list[tuple]:
    """(group columns..., calendar, local day received, local day closed, how many) of the
    complaints closed in `span`: the database counts the day pairs; each case's calendar (its
    SLA policy's, deadlines.day_pairs) turns them into days."""
    closed = Complaint.objects.filter(scope.cases(), _within(span, "closed_at"), state=State.CLOSED)
    return day_pairs(closed, field="closed_at", calendars=calendars, tz=tz, group=group)


def close_bucket(start: date, end: date, calendar: WorkingCalendar) -> str:
    for key, limit, unit in CLOSE_BUCKETS:
        if limit is None:
            return key
        days = (
            calendar.working_days_between(start, end) if unit == "working" else (end - start).days
        )
        if days <= limit:
            return key
    raise AssertionError("the last bucket takes the rest")


def closed_within(
    *, scope: ReportScope, span: Span, tz: ZoneInfo, calendars: Calendars
) -> dict[str, int]:
    """Complaints closed in `span` by how long they took from receipt (CLOSE_BUCKETS)."""
    counted = {key: 0 for key, _limit, _unit in CLOSE_BUCKETS}
    for calendar, start, end, n in _closing_pairs(scope, span, tz, calendars):
        counted[close_bucket(start, end, calendar)] += n
    return counted


def period_figures(
    *,
    scope: ReportScope,
    period: ReportPeriod,
    periods: Periods,
    calendars: Calendars,
) -> PeriodFigures:
    """Everything counted over one period, cut at `periods.now` if it has not ended yet."""
    span = period.span(periods.tz)
    span = Span(span.start, max(span.start, min(span.end, periods.now + TICK)))
    return PeriodFigures(
        period=period,
        span=span,
        intake=intake(scope=scope, span=span),
        compliance=sla_compliance(scope=scope, periods=periods, span=span),
        durations=durations(scope=scope, periods=periods, calendars=calendars, span=span),
        satisfaction=satisfaction(scope=scope, periods=periods, span=span),
        rates=reopen_and_escalation(scope=scope, periods=periods, span=span),
        redress=redress(scope=scope, periods=periods, span=span),
        decisions=decision_mix(scope=scope, span=span),
        closed_within=closed_within(scope=scope, span=span, tz=periods.tz, calendars=calendars),
        breakdowns={
            dimension: volume_by(scope=scope, periods=periods, dimension=dimension, span=span)
            for dimension in DIMENSIONS
        },
    )


# Per-department and per-handler tables: (the complaint's column, the label columns).
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "department": ("department_id", ("department__name", "department__name_en")),
    "handler": (
        "assignee_id",
        ("assignee__first_name", "assignee__last_name", "assignee__username"),
    ),
}


def _label(group: str, key: int | None, labels: tuple) -> str:
    if key is None:
        return ""
    if group == "department":
        return localized_name(labels[0], labels[1] or "")
    return (
        User(first_name=labels[0], last_name=labels[1], username=labels[2]).get_full_name()
        or (labels[2])
    )


def group_table(
    *,
    scope: ReportScope,
    span: Span,
    periods: Periods,
    calendars: Calendars,
    group: str,
) -> list[GroupRow]:
    """GroupRow per owning department or per handler (the case's assignee now), in four queries;
    most complaints received first. A case handed on counts where it is now."""
    column, label_columns = GROUPS[group]
    received = _within(span, "received_at")
    closed = _within(span, "closed_at") & Q(state=State.CLOSED)
    rows: dict[int | None, dict] = {}

    def row(key: int | None, labels: tuple | None = None) -> dict:
        entry = rows.setdefault(key, {"key": key, "label": ""})
        if labels is not None and key is not None:
            entry["label"] = _label(group, key, labels)
        return entry

    for key, *labels, n_received, n_closed, n_reopened in (
        Complaint.objects.filter(scope.cases())
        .filter(received | closed)
        .order_by()
        .values_list(column, *label_columns)
        .annotate(
            received=Count("pk", filter=received),
            closed=Count("pk", filter=closed),
            reopened=Count("pk", filter=closed & Q(reopen_count__gt=0)),
        )
    ):
        row(key, tuple(labels)).update(received=n_received, closed=n_closed, reopened=n_reopened)

    days: dict[int | None, list[tuple[float, int]]] = {}
    for key, calendar, start, end, n in _closing_pairs(scope, span, periods.tz, calendars, column):
        days.setdefault(key, []).append((float(calendar.working_days_between(start, end)), n))
    for key, counted in days.items():
        row(key)["median_days"] = weighted_percentile(counted, MEDIAN)

    met = _within(span, "met_at")
    on_time_q = met & Q(met_at__lte=F("due_at"))
    for key, *labels, n_on_time, n_clocks in (
        Clock.objects.filter(scope.cases("complaint__"))
        .filter(met | _breached_unfinished(periods, span))
        .order_by()
        .values_list(f"complaint__{column}", *(f"complaint__{c}" for c in label_columns))
        .annotate(on_time=Count("pk", filter=on_time_q), clocks=Count("pk"))
    ):
        row(key, tuple(labels)).update(on_time=n_on_time, clocks=n_clocks)

    for key, *labels, mean, n in (
        FollowUp.objects.filter(scope.cases("complaint__"), _within(span, "at"), reached=True)
        .order_by()
        .values_list(f"complaint__{column}", *(f"complaint__{c}" for c in label_columns))
        .annotate(mean=Avg("satisfaction"), n=Count("satisfaction"))
    ):
        row(key, tuple(labels)).update(satisfaction=None if mean is None else float(mean), scored=n)

    result = [GroupRow(**entry) for entry in rows.values()]
    return sorted(result, key=lambda item: (-item.received, -item.closed, item.label))


@reads_from_replica()  # the heaviest reads of the product: the replica, if any
def report_figures(
    *,
    scope: ReportScope,
    period: ReportPeriod,
    filters: ReportFilters | None = None,
    now: datetime | None = None,
) -> Report:
    """The report of `period` for `scope` narrowed by `filters`, as of `now`."""
    tz = ZoneInfo(settings.TIME_ZONE)
    moment = now or timezone.now()
    scope = (filters or ReportFilters()).narrow(scope)
    periods = periods_at(moment, tz)
    calendars = report_calendars()
    current = period_figures(scope=scope, period=period, periods=periods, calendars=calendars)
    previous = period_figures(
        scope=scope, period=period.previous(), periods=periods, calendars=calendars
    )
    span = current.span
    # The trend, the rising problems and the repeat complainants are read as of the period's
    # end (or now): the dashboard's selectors at that moment.
    at_end = periods_at(max(span.start, span.end - TICK), tz)
    rule = rise_rule()
    year_ago = period.year_before().span(tz)
    windows = Windows(
        current_start=span.start,
        current_end=span.end,
        previous_start=previous.span.start,
        year_ago_start=year_ago.start,
        year_ago_end=year_ago.start + (span.end - span.start),
    )
    return Report(
        period=period,
        now=moment,
        current=current,
        previous=previous,
        trend=monthly_volume(scope=scope, periods=at_end),
        root_causes=root_causes(scope=scope, span=span),
        rule=rule,
        rising=rising_by_dimension(
            scope=scope,
            periods=at_end,
            rule=rule,
            dimensions=("category", "product", "region"),
            windows=windows,
        ),
        repeat_threshold=settings.REPORTS_REPEAT_MIN_COMPLAINTS,
        repeat_days=settings.REPORTS_REPEAT_WINDOW_DAYS,
        repeat=repeat_complainants(
            scope=scope,
            periods=at_end,
            more_than=settings.REPORTS_REPEAT_MIN_COMPLAINTS,
            days=settings.REPORTS_REPEAT_WINDOW_DAYS,
        ),
        departments=group_table(
            scope=scope, span=span, periods=periods, calendars=calendars, group="department"
        ),
        handlers=group_table(
            scope=scope, span=span, periods=periods, calendars=calendars, group="handler"
        ),
    )


__all__ = [
    "CLOSE_BUCKETS",
    "REFERRAL_CHANNELS",
    "GroupRow",
    "PeriodFigures",
    "Report",
    "ReportFilters",
    "report_figures",
]
