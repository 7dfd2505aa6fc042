"""The periodic report (issue 14, §3): the dashboard's figures for a chosen period and filters,
the same period before it, and what only a report shows (outcomes, root causes, closing times,
external referrals, per department and per handler).

Every figure is counted by the database over the scope narrowed by the report's filters, in a
fixed number of queries whatever the number of cases (pinned in tests/reports/test_report_page.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Department, User, localized_name
from accounts.selectors import department_subtree_ids
from complaints.models import Category, Channel, Complaint, Decision, FollowUp, Outcome, State
from complaints.selectors.registers import LostPropertyFigures, lost_property_figures
from reports.domain import (
    TICK,
    Periods,
    ReportPeriod,
    Span,
    local_midnight,
    periods_at,
    weighted_percentile,
)
from reports.models import DailyFigureBuild
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
    days_distribution,
    durations,
    first_response_hours,
    pair_days,
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
    satisfaction_of,
)
from reports.selectors.recurring import (
    RepeatComplainant,
    RiseRule,
    Rising,
    Windows,
    repeat_complainants,
    rising_by_dimension,
    rising_from,
)
from reports.selectors.rollup import RolledRow, rolled_by_day, rolled_rows, usable_build
from reports.selectors.scope import ReportScope
from reports.selectors.volume import (
    DIMENSIONS,
    Share,
    coded_shares,
    largest_first,
    monthly_volume,
    volume_by,
)

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

    def any(self) -> bool:
        chosen = (self.department, self.category)
        return any(value is not None for value in chosen) or any(
            (self.channel, self.region, self.severity)
        )

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
    # Read from the daily rollup built as of `now` (reports.selectors.rollup), not the cases.
    counted_ahead: bool = False


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


def _closing_days(
    scope: ReportScope, span: Span, tz: ZoneInfo, calendars: Calendars, *group: str
) -> list[tuple]:
    """(group columns..., working days, calendar days, how many) of the complaints closed in
    `span`: the database counts the day pairs; each case's calendar (its SLA policy's,
    deadlines.day_pairs) turns them into days."""
    closed = Complaint.objects.filter(scope.cases(), _within(span, "closed_at"), state=State.CLOSED)
    return pair_days(day_pairs(closed, field="closed_at", calendars=calendars, tz=tz, group=group))


def close_bucket(working_days: int, calendar_days: int) -> str:
    for key, limit, unit in CLOSE_BUCKETS:
        if limit is None:
            return key
        if (working_days if unit == "working" else calendar_days) <= limit:
            return key
    raise AssertionError("the last bucket takes the rest")


def closed_within(
    *,
    scope: ReportScope,
    span: Span,
    tz: ZoneInfo,
    calendars: Calendars,
    days: list[tuple] | None = None,
) -> dict[str, int]:
    """Complaints closed in `span` by how long they took from receipt (CLOSE_BUCKETS).
    `days`: their _closing_days, read already (group columns first, if any)."""
    if days is None:
        days = _closing_days(scope, span, tz, calendars)
    return closing_buckets(days)


def closing_buckets(days: list[tuple]) -> dict[str, int]:
    """_closing_days' rows (group columns first, if any) by CLOSE_BUCKETS."""
    counted = {key: 0 for key, _limit, _unit in CLOSE_BUCKETS}
    for *_group, working, calendar_days, n in days:
        counted[close_bucket(working, calendar_days)] += n
    return counted


# The owner columns the per-department and per-handler tables group by, on the case.
OWNER_COLUMNS = ("department_id", "assignee_id")


@dataclass(frozen=True)
class PeriodRows:
    """What both the period's figures and its per-department and per-handler tables count, read
    once: the clocks per stage and owner, and the closed complaints' days per owner."""

    span: Span
    clocks: list[ClockCount]
    closing: list[tuple]  # (department, assignee, working days, calendar days, how many)


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
        closing=_closing_days(scope, span, periods.tz, calendars, *OWNER_COLUMNS),
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
            closing_days=rows.closing,
        ),
        satisfaction=satisfaction(scope=scope, periods=periods, span=span),
        rates=reopen_and_escalation(scope=scope, periods=periods, span=span),
        redress=redress(scope=scope, periods=periods, span=span),
        decisions=decision_mix(scope=scope, span=span),
        closed_within=closed_within(
            scope=scope, span=span, tz=periods.tz, calendars=calendars, days=rows.closing
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
    for *owner, working, _calendar_days, n in rows.closing:
        days.setdefault(owner[place], []).append((float(working), n))
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
    return sorted(
        result, key=lambda item: (-item.received, -item.closed, item.label, item.key or 0)
    )


def _rolled_days(span: Span, periods: Periods, build: DailyFigureBuild) -> tuple[date, date] | None:
    """The local days [first, end) that make up `span`, if the rollup holds them whole: the span
    starts at a local midnight the rollup counts from and ends at one, or at the build's moment."""
    tz = periods.tz
    first = span.start.astimezone(tz).date()
    if span.start != local_midnight(first, tz) or first < build.first_day:
        return None
    if span.end == periods.now + TICK:  # cut at the build: its own day so far
        return first, periods.today + timedelta(days=1)
    end = span.end.astimezone(tz).date()
    return (first, end) if span.end == local_midnight(end, tz) else None


@dataclass(frozen=True)
class Names:
    """Categories' and departments' codes and names by id, for the rollup's rows (which hold
    ids): read once per report."""

    categories: dict[int, tuple[str, str, str]]
    departments: dict[int, tuple[str, str, str]]

    @classmethod
    def read(cls) -> Names:
        return cls(
            categories={
                pk: (code, name, name_en or "")
                for pk, code, name, name_en in Category.objects.values_list(
                    "pk", "code", "name", "name_en"
                )
            },
            departments={
                pk: (code, name, name_en or "")
                for pk, code, name, name_en in Department.objects.values_list(
                    "pk", "code", "name", "name_en"
                )
            },
        )

    def share(self, table: dict[int, tuple[str, str, str]], key: int | None, n: int) -> Share:
        code, name, name_en = table.get(key, ("", "", "")) if key is not None else ("", "", "")
        return Share(key=code, label=localized_name(name, name_en) if code else "", count=n)


def _summed(rows: list[RolledRow], column: str) -> dict[Any, int]:
    counted: dict[Any, int] = {}
    for row in rows:
        value = getattr(row, column)
        counted[value] = counted.get(value, 0) + row.n
    return counted


def _flagged(rows: list[RolledRow], place: int) -> int:
    return sum(row.n for row in rows if row.key[place] == "1")


def rolled_period(
    *,
    scope: ReportScope,
    period: ReportPeriod,
    periods: Periods,
    build: DailyFigureBuild,
    names: Names,
) -> tuple[PeriodFigures, PeriodRows, OwnerRows] | None:
    """period_figures, period_rows and owner_rows of `period` from the rollup (one query, and the
    first responses counted live: their percentiles need every value), or None if the rollup
    does not hold the period's days whole."""
    span = period_span(period, periods)
    days = _rolled_days(span, periods, build)
    if days is None:
        return None
    by: dict[str, list[RolledRow]] = {}
    for row in rolled_rows(build=build, scope=scope, first_day=days[0], end_day=days[1]):
        by.setdefault(row.measure, []).append(row)
    received, channels, closed = by.get("state", []), by.get("channel", []), by.get("closed", [])
    follow_ups, decisions = by.get("follow_up", []), by.get("decision", [])

    states = _summed(received, "key")
    via = _summed(channels, "key")
    intake_figures = Intake(
        received=sum(states.values()),
        by_state={str(state): states.get(state, 0) for state in State.values},
        referrals={str(channel): via.get(channel, 0) for channel in REFERRAL_CHANNELS},
        regulator_involved=sum(
            row.n for row in by.get("regulator", []) if row.key not in REFERRAL_CHANNELS
        ),
    )

    counted: dict[tuple[str, int | None, int | None], list[int]] = {}
    for measure, slot in (("clock_on_time", 0), ("clock_late", 1), ("clock_breached", 2)):
        for row in by.get(measure, []):
            counted.setdefault((row.key, row.department_id, row.assignee_id), [0, 0, 0])[slot] += (
                row.n
            )
    rows = PeriodRows(
        span=span,
        clocks=[ClockCount(*key, *figures) for key, figures in counted.items()],
        closing=[
            (row.department_id, row.assignee_id, row.working_days, row.calendar_days, row.n)
            for row in closed
        ],
    )

    by_outcome = {str(outcome): 0 for outcome in Outcome.values}
    by_remedy: dict[str, tuple[int, Decimal]] = {}
    without_root_cause = 0
    for row in decisions:
        remedy, outcome, without = row.key.split("|")
        if outcome in by_outcome:
            by_outcome[outcome] += row.n
        without_root_cause += row.n if without == "1" else 0
        n, amount = by_remedy.get(remedy, (0, Decimal(0)))
        by_remedy[remedy] = (n + row.n, amount + row.total)

    reached = [row for row in follow_ups if row.key[0] == "1"]
    figures = PeriodFigures(
        period=period,
        span=span,
        intake=intake_figures,
        compliance=compliance_by_stage(rows.clocks),
        durations=Durations(
            first_response_hours=first_response_hours(scope=scope, periods=periods, span=span),
            decision_working_days=days_distribution(
                [(row.working_days, row.calendar_days, row.n) for row in by.get("decided", [])]
            ),
            close_working_days=days_distribution(rows.closing),
        ),
        satisfaction=satisfaction_of(
            visits=sum(row.n for row in follow_ups),
            reached=sum(row.n for row in reached),
            scored=_flagged(reached, 1),
            score_sum=int(sum(row.total for row in reached)),
            satisfied=_flagged(follow_ups, 2),
        ),
        rates=Rates(
            closed=sum(row.n for row in closed),
            reopened=_flagged(closed, 0),
            escalated=_flagged(closed, 1),
        ),
        redress=Redress(by_remedy=by_remedy),
        decisions=DecisionMix(by_outcome=by_outcome, without_root_cause=without_root_cause),
        closed_within=closing_buckets(rows.closing),
        breakdowns={
            "category": largest_first(
                names.share(names.categories, int(key) if key else None, n)
                for key, n in _summed(by.get("category", []), "key").items()
            ),
            "channel": coded_shares("channel", _summed(channels, "key").items()),
            "department": largest_first(
                names.share(names.departments, key, n)
                for key, n in _summed(received, "department_id").items()
            ),
            "region": coded_shares("region", _summed(by.get("region", []), "key").items()),
            "severity": coded_shares("severity", _summed(by.get("severity", []), "key").items()),
        },
    )

    owners: dict[tuple[int | None, int | None], list[int]] = {}
    for row in received:
        owners.setdefault((row.department_id, row.assignee_id), [0, 0, 0])[0] += row.n
    for row in closed:
        entry = owners.setdefault((row.department_id, row.assignee_id), [0, 0, 0])
        entry[1] += row.n
        entry[2] += row.n if row.key[0] == "1" else 0
    scores: dict[tuple[int | None, int | None], list[int]] = {}
    for row in reached:
        entry = scores.setdefault((row.department_id, row.assignee_id), [0, 0])
        entry[0] += int(row.total)
        entry[1] += row.n if row.key[1] == "1" else 0
    owner_figures = OwnerRows(
        cases=[(d, a, n, closed_n, reopened) for (d, a), (n, closed_n, reopened) in owners.items()],
        follow_ups=[(d, a, total, n) for (d, a), (total, n) in scores.items()],
    )
    return figures, rows, owner_figures


def rolled_trend(
    *, scope: ReportScope, periods: Periods, build: DailyFigureBuild
) -> list[tuple[date, int]] | None:
    """monthly_volume from the rollup, or None if it does not hold the twelve months."""
    months = periods.months()
    if months[0] < build.first_day:
        return None
    per_month = dict.fromkeys(months, 0)
    for day, _measure, _key, n in rolled_by_day(
        build=build,
        scope=scope,
        first_day=months[0],
        end_day=periods.today + timedelta(days=1),
        measures=("state",),
    ):
        per_month[day.replace(day=1)] += n
    return list(per_month.items())


def rolled_rising(
    *,
    scope: ReportScope,
    periods: Periods,
    rule: RiseRule,
    windows: Windows,
    build: DailyFigureBuild,
    names: Names,
) -> dict[str, list[Rising]] | None:
    """rising_by_dimension for categories, products and regions from the rollup, or None if a
    window does not fall on whole local days it holds."""
    tz = periods.tz
    bounds = [windows.previous_start, windows.current_start, windows.year_ago_start]
    bounds.append(windows.year_ago_end)
    if any(moment != local_midnight(moment.astimezone(tz).date(), tz) for moment in bounds):
        return None
    if windows.current_end is None:
        return None
    recent = _rolled_days(Span(windows.previous_start, windows.current_end), periods, build)
    year_ago = _rolled_days(Span(windows.year_ago_start, windows.year_ago_end), periods, build)
    if recent is None or year_ago is None:
        return None
    current_from = windows.current_start.astimezone(tz).date()
    measures = ("category", "product", "region")
    counted: dict[str, dict[str, list]] = {measure: {} for measure in measures}

    def add(measure: str, key: str, slot: int, n: int) -> None:
        if measure == "category" and key:  # the rows hold its id; live counts by its code
            labels = list(names.categories.get(int(key), ("", "", "")))
            key = labels[0]
        else:
            labels = [key]
        if key:  # no category, no product or region written: not a group
            counted[measure].setdefault(key, [labels, 0, 0, 0])[slot] += n

    for first, end, year in ((*recent, False), (*year_ago, True)):
        for day, measure, key, n in rolled_by_day(
            build=build, scope=scope, first_day=first, end_day=end, measures=measures
        ):
            add(measure, key, 3 if year else (1 if day >= current_from else 2), n)
    return rising_from(counted, rule=rule)


@reads_from_replica()  # the heaviest reads of the product: the replica, if any
def report_figures(
    *,
    scope: ReportScope,
    period: ReportPeriod,
    filters: ReportFilters | None = None,
    now: datetime | None = None,
    counted_ahead: bool = False,
) -> Report:
    """The report of `period` for `scope` narrowed by `filters`, as of `now`.

    `counted_ahead`: read the daily rollup where it can stand for the cases (no filters, a build
    recent enough, the period's days in it); the report is then as of that build's moment.
    """
    tz = ZoneInfo(settings.TIME_ZONE)
    moment = now or timezone.now()
    filters = filters or ReportFilters()
    build = usable_build(moment) if counted_ahead and not filters.any() else None
    if build is not None:
        moment = build.as_of
    scope = filters.narrow(scope)
    periods = periods_at(moment, tz)
    calendars = report_calendars()
    names = Names.read() if build is not None else None

    def figures(of: ReportPeriod) -> tuple[PeriodFigures, PeriodRows, OwnerRows | None]:
        if build is not None and names is not None:
            rolled = rolled_period(
                scope=scope, period=of, periods=periods, build=build, names=names
            )
            if rolled is not None:
                return rolled
        rows = period_rows(scope=scope, period=of, periods=periods, calendars=calendars)
        counted = period_figures(
            scope=scope, period=of, periods=periods, calendars=calendars, rows=rows
        )
        return counted, rows, None

    current, rows, owners = figures(period)
    previous, _rows, _owners = figures(period.previous())
    if owners is None:
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
    dimensions = ("category", "product", "region")
    trend = rising = None
    if build is not None and names is not None:
        trend = rolled_trend(scope=scope, periods=at_end, build=build)
        rising = rolled_rising(
            scope=scope, periods=at_end, rule=rule, windows=windows, build=build, names=names
        )
    return Report(
        period=period,
        now=moment,
        current=current,
        previous=previous,
        trend=trend if trend is not None else monthly_volume(scope=scope, periods=at_end),
        root_causes=root_causes(scope=scope, span=span),
        rule=rule,
        rising=rising
        if rising is not None
        else rising_by_dimension(
            scope=scope, periods=at_end, rule=rule, dimensions=dimensions, windows=windows
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
        counted_ahead=build is not None,
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
