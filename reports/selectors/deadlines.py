"""Deadlines kept this month, and how long complaints took to answer, decide and close."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate

from complaints.models import Complaint, State
from reports.domain import Periods, Span, weighted_percentile
from reports.selectors.distribution import (
    MEDIAN,
    NOTHING,
    P90,
    Distribution,
    Seconds,
    distribution_of,
)
from reports.selectors.scope import ReportScope
from sla.calendar import WorkingCalendar
from sla.models import (
    BusinessCalendar,
    Clock,
    DepartmentCalendar,
    SlaPolicy,
    Stage,
    clocks_breached_unfinished,
    clocks_met_between,
)
from sla.selectors import CALENDAR_ROW_FIELDS, working_calendar


@dataclass(frozen=True)
class Compliance:
    on_time: int
    late: int
    breached_open: int

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.breached_open

    @property
    def rate(self) -> float | None:
        """Share of the clocks that came due or were met this month that were met on time."""
        return self.on_time / self.total if self.total else None


def _breached_unfinished(periods: Periods, span: Span) -> Q:
    return clocks_breached_unfinished(periods.now, span.start, span.end)


def _breached_arms(periods: Periods, span: Span) -> list[Q]:
    """clocks_breached_unfinished as disjoint conditions that each read one partial index: the
    clocks unfinished now (clock_unfinished_due_idx), and for a span that has ended, those
    finished since its end, after their deadline (clock_finished_late_idx; its condition is
    repeated here, implied by the rest, so that PostgreSQL knows the index applies)."""
    breached = _breached_unfinished(periods, span)
    unfinished_now = Q(met_at__isnull=True, cancelled_at__isnull=True)
    if span.end > periods.now:  # nothing was finished after now: one arm
        return [breached & unfinished_now]
    finished_late = Q(met_at__gt=F("due_at")) | Q(cancelled_at__gt=F("due_at"))
    return [breached & unfinished_now, breached & ~unfinished_now & finished_late]


@dataclass(frozen=True)
class ClockCount:
    """The clocks of one stage whose case is owned by `department_id` and assigned to
    `assignee_id` (now), as sla_compliance counts them."""

    stage: str
    department_id: int | None
    assignee_id: int | None
    on_time: int = 0
    late: int = 0
    breached_open: int = 0


# Counted on due_at, a column every one of those indexes carries: not the id, which none does.
_CLOCK_KEYS = ("stage", "case_department_id", "case_assignee_id")


def clock_counts(*, scope: ReportScope, periods: Periods, span: Span) -> list[ClockCount]:
    """ClockCount per stage, department and handler (see sla_compliance for what counts), from
    the clocks alone (they carry their case's owner): the met ones in one read of
    clock_met_report_idx, the breached and open ones in one or two reads of the partial indexes."""
    counted: dict[tuple[str, int | None, int | None], list[int]] = {}
    met = (
        Clock.objects.filter(scope.carried(), clocks_met_between(span.start, span.end))
        .order_by()
        .values_list(*_CLOCK_KEYS)
        .annotate(
            on_time=Count("due_at", filter=Q(met_at__lte=F("due_at"))),
            late=Count("due_at", filter=Q(met_at__gt=F("due_at"))),
        )
    )
    for stage, department_id, assignee_id, on_time, late in met:
        figures = counted.setdefault((stage, department_id, assignee_id), [0, 0, 0])
        figures[0] += on_time
        figures[1] += late
    for arm in _breached_arms(periods, span):
        breached = (
            Clock.objects.filter(scope.carried(), arm)
            .order_by()
            .values_list(*_CLOCK_KEYS)
            .annotate(n=Count("due_at"))
        )
        for stage, department_id, assignee_id, n in breached:
            counted.setdefault((stage, department_id, assignee_id), [0, 0, 0])[2] += n
    return [ClockCount(*key, *figures) for key, figures in counted.items()]


def compliance_by_stage(clocks: list[ClockCount]) -> dict[str, Compliance]:
    """Compliance per Stage (every stage, zeros where none) from clock_counts' rows."""
    totals = {stage: [0, 0, 0] for stage in Stage.values}
    for row in clocks:
        figures = totals.setdefault(row.stage, [0, 0, 0])
        figures[0] += row.on_time
        figures[1] += row.late
        figures[2] += row.breached_open
    return {str(stage): Compliance(*totals[stage]) for stage in Stage.values}


def sla_compliance(
    *, scope: ReportScope, periods: Periods, span: Span | None = None
) -> dict[str, Compliance]:
    """Per stage clock, this local month:

    - met on time: clocks met this month at or before their deadline;
    - met late: clocks met this month after their deadline;
    - breached and open: clocks not met (nor stopped) whose deadline passed this month.

    Each clock of each handling round counts once (a reopened case's new investigation and
    decision clocks count again). Clocks stopped unmet (the case was rejected, withdrawn or
    closed) are left out. The deadline is the clock's own, pauses already given back.

    `span`: another period than this month so far (a report's); a clock met or stopped after it
    ends counts as still open in it.
    """
    span = span or periods.month_so_far()
    return compliance_by_stage(clock_counts(scope=scope, periods=periods, span=span))


@dataclass(frozen=True)
class Calendars:
    """The business calendars the working-day figures count with: the default one, and those
    other calendars some SLA policy names (empty in the usual setup of one calendar)."""

    default: WorkingCalendar
    others: dict[int, WorkingCalendar] = field(default_factory=dict)

    def of(self, calendar_id: int | None) -> WorkingCalendar:
        return self.others.get(calendar_id, self.default) if calendar_id else self.default


def report_calendars() -> Calendars:
    """The default calendar and every other calendar a policy or a department names (a policy
    active or not: past clocks keep the calendar they were planned on), in one query; the
    calendars' days come from the per-process cache (sla.selectors.working_calendar)."""
    by_policy = SlaPolicy.objects.filter(calendar__isnull=False).values("calendar_id")
    by_department = DepartmentCalendar.objects.values("calendar_id")
    rows = list(
        BusinessCalendar.objects.filter(
            Q(is_default=True) | Q(pk__in=by_policy) | Q(pk__in=by_department)
        ).values_list(*CALENDAR_ROW_FIELDS, "is_default")
    )
    default = [row[:-1] for row in rows if row[-1]]
    if not default:
        raise BusinessCalendar.DoesNotExist("No default business calendar.")
    default_row = default[0]
    return Calendars(
        default=working_calendar(row=default_row),
        others={
            row[0]: working_calendar(row=row[:-1])
            for row in rows
            if not row[-1] and row[0] != default_row[0]
        },
    )


def case_calendar_id() -> Subquery:
    """The calendar a complaint's working days count on (null: the default): the one its latest
    handling round's decision clock was planned on, the working-day clock every case has from
    receipt (its policy's calendar, else its department's then)."""
    return Subquery(
        Clock.objects.filter(complaint=OuterRef("pk"), stage=Stage.DECISION)
        .order_by("-round")
        .values("calendar_id")[:1]
    )


def day_pairs(
    complaints: QuerySet[Complaint],
    *,
    field: str,
    calendars: Calendars,
    tz: ZoneInfo,
    group: tuple[str, ...] = (),
) -> list[tuple[Any, ...]]:
    """(group values..., calendar, local day received, local day of `field`, how many) of
    `complaints`: the database counts the day pairs, the caller turns them into working days
    with the calendar given.

    One calendar (the usual setup): one query, every case on the default calendar with local
    days of `tz`. With other calendars named by policies, each case counts on its own policy's
    calendar (case_calendar_id), its days local to that calendar's time zone: one query per time
    zone among the calendars (usually still one)."""
    if not calendars.others:
        return [
            (*groups, calendars.default, start, end, n)
            for *groups, start, end, n in _pairs(complaints, field, tz, group)
        ]
    # The default calendar's cases (no calendar of their own, or one nobody names any more) count in
    # `tz`; each other calendar's in its own time zone; one query per time zone.
    others = sorted(calendars.others)
    queries: dict[str, Q] = {str(tz): Q(case_calendar__isnull=True) | ~Q(case_calendar__in=others)}
    for calendar_id, calendar in calendars.others.items():
        zone = str(calendar.time_zone)
        own = Q(case_calendar=calendar_id)
        queries[zone] = queries[zone] | own if zone in queries else own
    with_calendar = complaints.annotate(case_calendar=case_calendar_id())
    found: list[tuple[Any, ...]] = []
    for zone, condition in queries.items():
        for calendar_id, *groups, start, end, n in _pairs(
            with_calendar.filter(condition), field, ZoneInfo(zone), ("case_calendar", *group)
        ):
            found.append((*groups, calendars.of(calendar_id), start, end, n))
    return found


def _pairs(
    complaints: QuerySet[Complaint], field: str, tz: ZoneInfo, group: tuple[str, ...]
) -> QuerySet:
    return (
        complaints.annotate(
            start=TruncDate("received_at", tzinfo=tz), end=TruncDate(field, tzinfo=tz)
        )
        .order_by()
        .values_list(*group, "start", "end")
        .annotate(n=Count("received_at"))  # not the id: the field's index carries the rest
    )


@dataclass(frozen=True)
class Durations:
    first_response_hours: Distribution
    decision_working_days: Distribution
    close_working_days: Distribution


def first_response_hours(
    *, scope: ReportScope, periods: Periods, span: Span | None = None
) -> Distribution:
    """Elapsed hours from receipt to the first recorded contact, for the complaints whose first
    response was this local month, or in `span` (the first-response clock counts clock hours)."""
    span = span or periods.month_so_far()
    values = (
        Complaint.objects.filter(
            scope.cases(),
            first_response_at__gte=span.start,
            first_response_at__lt=span.end,
        )
        .annotate(v=Seconds("first_response_at", "received_at") / 3600.0)
        .values_list("v")
    )
    return distribution_of(values)


def working_days_to(
    *,
    scope: ReportScope,
    periods: Periods,
    calendars: Calendars,
    field: str,
    span: Span | None = None,
    **where: object,
) -> Distribution:
    """Working days from receipt to `field`, for complaints whose `field` is this local month.

    Counted as the deadline rule counts (sla.calendar): the local day of receipt is not counted,
    every working day after it up to and including the local day of the event is; so a decision
    on the day of receipt took 0 working days, on the next working day 1. Waits (paused clocks)
    are included: the customer waited through them too. Each case counts on its own SLA
    policy's business calendar (the default one unless the policy names another; day_pairs).

    The database groups the complaints by (local receipt date, local event date); only those
    pairs (a few thousand at most, whatever the number of cases) are turned into working days
    here, and the mean and percentiles are taken over the counted pairs.
    """
    span = span or periods.month_so_far()
    complaints = Complaint.objects.filter(
        scope.cases(),
        **{f"{field}__gte": span.start, f"{field}__lt": span.end},
        **where,
    )
    pairs = day_pairs(complaints, field=field, calendars=calendars, tz=periods.tz)
    return days_distribution(pair_days(pairs))


def pair_days(pairs: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """day_pairs' rows as (group values..., working days, calendar days, how many): working days
    on the case's calendar, calendar days from the local day of receipt."""
    return [
        (*group, calendar.working_days_between(start, end), (end - start).days, n)
        for *group, calendar, start, end, n in pairs
    ]


def days_distribution(days: list[tuple[Any, ...]]) -> Distribution:
    """Count, mean, median and 90th percentile of working days over pair_days' rows (group
    columns first, if any: only the last three are read)."""
    counted = [(float(working), n) for *_group, working, _calendar_days, n in days]
    total = sum(n for _days, n in counted)
    if not total:
        return NOTHING
    return Distribution(
        count=total,
        mean=sum(days * n for days, n in counted) / total,
        median=weighted_percentile(counted, MEDIAN),
        p90=weighted_percentile(counted, P90),
    )


def durations(
    *,
    scope: ReportScope,
    periods: Periods,
    calendars: Calendars,
    span: Span | None = None,
    closing_days: list[tuple[Any, ...]] | None = None,
) -> Durations:
    """Time to first response (hours), to decision and to close (working days), this month (or
    in `span`).

    Decision: to the latest decision recorded (a reopened case is decided again, and its second
    handling counts in); an on-the-spot answer is a decision. Close: complaints closed this month
    (rejected and withdrawn ones are not closed). `closing_days`: pair_days of those closed
    complaints, read already (a report's, grouped by department and handler).
    """
    if closing_days is None:
        close = working_days_to(
            scope=scope,
            periods=periods,
            calendars=calendars,
            field="closed_at",
            span=span,
            state=State.CLOSED,
        )
    else:
        close = days_distribution(closing_days)
    return Durations(
        first_response_hours=first_response_hours(scope=scope, periods=periods, span=span),
        decision_working_days=working_days_to(
            scope=scope, periods=periods, calendars=calendars, field="decided_at", span=span
        ),
        close_working_days=close,
    )
