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
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Department, User, localized_name
from accounts.selectors import department_subtree_ids
from complaints.models import Channel, Complaint, Decision, FollowUp, Outcome, State
from complaints.selectors.registers import LostPropertyFigures, lost_property_figures
from reports.domain import TICK, Periods, ReportPeriod, Span, periods_at, weighted_percentile
from reports.selectors.dashboard import rise_rule
from reports.selectors.databases import reads_from_replica
from reports.selectors.deadlines import (
    Calendars,
    ClockCount,
    Compliance,
    Durations,
    clock_counts,
    compliance_by_stage,
    day_pairs,
    durations,
    report_calendars,
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
    # The whole store's lost property of the period (seed 004 §五.2 F), not narrowed by scope.
    lost_property: LostPropertyFigures | None = None


def _within(span: Span, name: str) -> Q:
    return Q(**{f"{name}__gte": span.start, f"{name}__lt": span.end})


def intake(*, scope: ReportScope, span: Span) -> Intake:
    """Complaints received in `span`: how many, their state now, and which came referred."""
    # Counted on received_at, not the id: complaint_received_report_idx carries every column read.
    figures: dict[str, Count] = {"total": Count("received_at")}
    for state in State.values:
        figures[f"state_{state}"] = Count("received_at", filter=Q(state=state))
    for channel in REFERRAL_CHANNELS:
        figures[f"via_{channel}"] = Count("received_at", filter=Q(channel=channel))
    figures["regulator"] = Count(
        "received_at", filter=Q(regulator_involved=True) & ~Q(channel__in=REFERRAL_CHANNELS)
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
    *,
    scope: ReportScope,
    span: Span,
    tz: ZoneInfo,
    calendars: Calendars,
    pairs: list[tuple] | None = None,
) -> dict[str, int]:
    """Complaints closed in `span` by how long they took from receipt (CLOSE_BUCKETS).
    `pairs`: their _closing_pairs, read already (group columns first, if any)."""
    counted = {key: 0 for key, _limit, _unit in CLOSE_BUCKETS}
    if pairs is None:
        pairs = _closing_pairs(scope, span, tz, calendars)
    for *_group, calendar, start, end, n in pairs:
        counted[close_bucket(start, end, calendar)] += n
    return counted


# The owner columns the per-department and per-handler tables group by, on the case.
OWNER_COLUMNS = ("department_id", "assignee_id")


@dataclass(frozen=True)
class PeriodRows:
    """What both the period's figures and its per-department and per-handler tables count, read
    once: the clocks per stage and owner, and the closed complaints' day pairs per owner."""

    span: Span
    clocks: list[ClockCount]
    closing: list[tuple]  # (department, assignee, calendar, day received, day closed, how many)


def period_span(period: ReportPeriod, periods: Periods) -> Span:
    """The period's span, cut at `periods.now` if it has not ended yet."""
    span = period.span(periods.tz)
    return Span(span.start, max(span.start, min(span.end, periods.now + TICK)))


def period_rows(
    *, scope: ReportScope, period: ReportPeriod, periods: Periods, calendars: Calendars
) -> PeriodRows:
    span = period_span(period, periods)
    return PeriodRows(
        span=span,
        clocks=clock_counts(scope=scope, periods=periods, span=span),
        closing=_closing_pairs(scope, span, periods.tz, calendars, *OWNER_COLUMNS),
    )


def period_figures(
    *,
    scope: ReportScope,
    period: ReportPeriod,
    periods: Periods,
    calendars: Calendars,
    rows: PeriodRows | None = None,
) -> PeriodFigures:
    """Everything counted over one period, cut at `periods.now` if it has not ended yet."""
    if rows is None:
        rows = period_rows(scope=scope, period=period, periods=periods, calendars=calendars)
    span = rows.span
    return PeriodFigures(
        period=period,
        span=span,
        intake=intake(scope=scope, span=span),
        compliance=compliance_by_stage(rows.clocks),
        durations=durations(
            scope=scope,
            periods=periods,
            calendars=calendars,
            span=span,
            closing_pairs=rows.closing,
        ),
        satisfaction=satisfaction(scope=scope, periods=periods, span=span),
        rates=reopen_and_escalation(scope=scope, periods=periods, span=span),
        redress=redress(scope=scope, periods=periods, span=span),
        decisions=decision_mix(scope=scope, span=span),
        closed_within=closed_within(
            scope=scope, span=span, tz=periods.tz, calendars=calendars, pairs=rows.closing
        ),
        breakdowns={
            dimension: volume_by(scope=scope, periods=periods, dimension=dimension, span=span)
            for dimension in DIMENSIONS
        },
    )


# Per-department and per-handler tables: each group's place in the owner pairs (department,
# assignee) of PeriodRows.closing, ClockCount and OwnerRows.
GROUPS: dict[str, int] = {"department": 0, "handler": 1}


@dataclass(frozen=True)
class OwnerRows:
    """The per-owner counts both tables fold, read once: per (department, assignee), the
    complaints received and closed (and reopened) in the span, and the follow-ups' scores."""

    cases: list[tuple[int | None, int | None, int, int, int]]
    follow_ups: list[tuple[int | None, int | None, int, int]]  # (..., sum of scores, scored)


def owner_rows(*, scope: ReportScope, span: Span) -> OwnerRows:
    """Three queries, each reading one index alone: the cases received and those closed by their
    owner columns (complaint_received_report_idx, complaint_closed_idx), the follow-ups by the
    owner they carry (followup_at_report_idx)."""
    counted: dict[tuple[int | None, int | None], list[int]] = {}
    received = (
        Complaint.objects.filter(scope.cases(), _within(span, "received_at"))
        .order_by()
        .values_list(*OWNER_COLUMNS)
        .annotate(n=Count("received_at"))
    )
    for department_id, assignee_id, n in received:
        counted.setdefault((department_id, assignee_id), [0, 0, 0])[0] += n
    closed = (
        Complaint.objects.filter(scope.cases(), _within(span, "closed_at"), state=State.CLOSED)
        .order_by()
        .values_list(*OWNER_COLUMNS)
        .annotate(
            n=Count("received_at"), reopened=Count("received_at", filter=Q(reopen_count__gt=0))
        )
    )
    for department_id, assignee_id, n, reopened in closed:
        figures = counted.setdefault((department_id, assignee_id), [0, 0, 0])
        figures[1] += n
        figures[2] += reopened
    cases = [(d, a, n, closed_n, reopened) for (d, a), (n, closed_n, reopened) in counted.items()]
    follow_ups = (
        FollowUp.objects.filter(scope.carried(), _within(span, "at"), reached=True)
        .order_by()
        .values_list("case_department_id", "case_assignee_id")
        .annotate(total=Sum("satisfaction"), n=Count("satisfaction"))
    )
    return OwnerRows(
        cases=cases,
        follow_ups=[(d, a, int(total or 0), n) for d, a, total, n in follow_ups],
    )


def _labels(group: str, keys: set[int]) -> dict[int, str]:
    """The rows' names in the reader's language: one query for the keys shown."""
    if not keys:
        return {}
    if group == "department":
        return {
            pk: localized_name(name, name_en or "")
            for pk, name, name_en in Department.objects.filter(pk__in=keys).values_list(
                "pk", "name", "name_en"
            )
        }
    return {
        pk: User(first_name=first, last_name=last, username=username).get_full_name() or username
        for pk, first, last, username in User.objects.filter(pk__in=keys).values_list(
            "pk", "first_name", "last_name", "username"
        )
    }


def group_table(
    *,
    rows: PeriodRows,
    owners: OwnerRows,
    group: str,
) -> list[GroupRow]:
    """GroupRow per owning department or per handler (the case's assignee now), folded from the
    period's shared rows, plus one query for the names; most complaints received first. A case
    handed on counts where it is now."""
    place = GROUPS[group]
    entries: dict[int | None, dict] = {}

    def row(key: int | None) -> dict:
        return entries.setdefault(key, {"key": key, "label": ""})

    for *owner, n_received, n_closed, n_reopened in owners.cases:
        entry = row(owner[place])
        entry["received"] = entry.get("received", 0) + n_received
        entry["closed"] = entry.get("closed", 0) + n_closed
        entry["reopened"] = entry.get("reopened", 0) + n_reopened

    days: dict[int | None, list[tuple[float, int]]] = {}
    for *owner, calendar, start, end, n in rows.closing:
        days.setdefault(owner[place], []).append(
            (float(calendar.working_days_between(start, end)), n)
        )
    for key, counted in days.items():
        row(key)["median_days"] = weighted_percentile(counted, MEDIAN)

    for clock in rows.clocks:
        entry = row((clock.department_id, clock.assignee_id)[place])
        entry["on_time"] = entry.get("on_time", 0) + clock.on_time
        entry["clocks"] = entry.get("clocks", 0) + clock.on_time + clock.late + clock.breached_open

    scores: dict[int | None, list[int]] = {}
    for *owner, total, n in owners.follow_ups:
        summed = scores.setdefault(owner[place], [0, 0])
        summed[0] += total
        summed[1] += n
    for key, (total, n) in scores.items():
        entry = row(key)
        entry["satisfaction"] = total / n if n else None
        entry["scored"] = n

    names = _labels(group, {key for key in entries if key is not None})
    for key, entry in entries.items():
        if key is not None:
            entry["label"] = names.get(key, "")
    result = [GroupRow(**entry) for entry in entries.values()]
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
    rows = period_rows(scope=scope, period=period, periods=periods, calendars=calendars)
    current = period_figures(
        scope=scope, period=period, periods=periods, calendars=calendars, rows=rows
    )
    previous = period_figures(
        scope=scope, period=period.previous(), periods=periods, calendars=calendars
    )
    owners = owner_rows(scope=scope, span=rows.span)
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
        departments=group_table(rows=rows, owners=owners, group="department"),
        handlers=group_table(rows=rows, owners=owners, group="handler"),
        lost_property=lost_property_figures(start=span.start, end=span.end),
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
