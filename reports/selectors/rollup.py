"""The daily rollup: the report's counts per local day and owner, counted ahead (issue 14).

A quarter's report counts a quarter of cases, clocks, follow-ups and decisions twice over (the
period and the one before it): seconds at a million complaints. The rollup counts them once per
local day (settings.TIME_ZONE) and owner, every few minutes (reports.services.rollup), and the
report page of an unfiltered scope reads whole days of it (reports.selectors.report): a few
hundred thousand small rows instead of millions.

Each measure below is the live figure's own condition, grouped by the local day of its event; the
rows are DailyFigure's. `figure_rows` counts them from the cases (the build); `rolled_rows` reads
a range of days back (the report). tests/reports/test_rollup.py proves a report read from the
rollup equal to the same report counted live.

Measures (key; owner grain: department and handler "both", or "department" alone):

- state: complaints received, by their state now (key: the state; both);
- channel, category, region, severity, product: complaints received, by that column (key: the
  code, the category's id, the text; department);
- regulator: complaints received marked "regulator involved" (key: their channel; department);
- closed: complaints closed (state closed), with working and calendar days from receipt on their
  calendar (key: "<reopened><escalated>", each 0 or 1; both);
- decided: complaints by the day of their latest decision, with working days from receipt
  (department);
- clock_on_time, clock_late: deadline clocks met on or before / after their deadline (key: the
  stage; both);
- clock_breached: clocks by the day their deadline passed, not paused before it, that were not
  finished by it; `other_day`: the local day they were met or stopped, if they were by the build
  (key: the stage; both);
- follow_up: follow-up visits (key: "<reached><scored><satisfied>", each 0 or 1; total: the sum of
  their scores; both);
- decision: approved decisions by the day of their approval (key: "<remedy>|<outcome>|<without
  a root cause: 0 or 1>"; total: their amounts; department).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate

from complaints.models import Complaint, Decision, FollowUp, State
from reports.models import DailyFigure, DailyFigureBuild
from reports.selectors.deadlines import Calendars, day_pairs, pair_days
from reports.selectors.scope import ReportScope
from sla.models import Clock

# The columns grouped by, besides the day and the owner: (measure, the complaint column).
RECEIVED_DIMENSIONS = (
    ("channel", "channel"),
    ("category", "category_id"),
    ("region", "region"),
    ("severity", "severity"),
    ("product", "product_or_service"),
)


def usable_build(now: datetime) -> DailyFigureBuild | None:
    """The latest build, if it is recent enough to stand for `now`
    (REPORTS_ROLLUP_MAX_AGE_MINUTES: beat or the `reports` worker may have stopped)."""
    build = DailyFigureBuild.objects.order_by("-as_of").first()
    oldest = now - timedelta(minutes=settings.REPORTS_ROLLUP_MAX_AGE_MINUTES)
    if build is None or build.as_of < oldest or build.as_of > now:
        return None
    return build


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _figure(
    day: date,
    measure: str,
    n: int,
    *,
    key: object = "",
    department_id: int | None = None,
    assignee_id: int | None = None,
    **extra: Any,
) -> DailyFigure:
    return DailyFigure(
        day=day,
        measure=measure,
        key="" if key is None else str(key),
        department_id=department_id,
        assignee_id=assignee_id,
        n=n,
        **extra,
    )


def figure_rows(
    *, since: datetime, as_of: datetime, tz: ZoneInfo, calendars: Calendars
) -> Iterator[DailyFigure]:
    """Every measure's rows for the events from `since` up to `as_of` (included), unsaved."""

    def local_day(field: str) -> TruncDate:
        return TruncDate(field, tzinfo=tz)

    received = Complaint.objects.filter(received_at__gte=since, received_at__lte=as_of).annotate(
        r_day=local_day("received_at")
    )
    for day, department, assignee, state, n in (
        received.order_by()
        .values_list("r_day", "department_id", "assignee_id", "state")
        .annotate(n=Count("received_at"))
    ):
        yield _figure(day, "state", n, key=state, department_id=department, assignee_id=assignee)
    for measure, column in RECEIVED_DIMENSIONS:
        for day, department, value, n in (
            received.order_by()
            .values_list("r_day", "department_id", column)
            .annotate(n=Count("received_at"))
        ):
            yield _figure(day, measure, n, key=value, department_id=department)
    for day, department, channel, n in (
        received.filter(regulator_involved=True)
        .order_by()
        .values_list("r_day", "department_id", "channel")
        .annotate(n=Count("received_at"))
    ):
        yield _figure(day, "regulator", n, key=channel, department_id=department)

    yield from _closed_rows(since, as_of, tz, calendars)
    yield from _decided_rows(since, as_of, tz, calendars)
    yield from _clock_rows(since, as_of, tz)

    for day, department, assignee, reached, scored, satisfied, n, total in (
        FollowUp.objects.filter(at__gte=since, at__lte=as_of)
        .annotate(
            r_day=local_day("at"),
            r_reached=_flag(Q(reached=True)),
            r_scored=_flag(Q(satisfaction__isnull=False)),
            r_satisfied=_flag(Q(reached=True, resolved=True, satisfaction__gte=3)),
        )
        .order_by()
        .values_list(
            "r_day",
            "case_department_id",
            "case_assignee_id",
            "r_reached",
            "r_scored",
            "r_satisfied",
        )
        .annotate(n=Count("at"), total=Sum("satisfaction"))
    ):
        yield _figure(
            day,
            "follow_up",
            n,
            key=f"{reached}{scored}{satisfied}",
            department_id=department,
            assignee_id=assignee,
            total=Decimal(total or 0),
        )

    for day, department, remedy, outcome, without, n, total in (
        Decision.objects.filter(
            state=Decision.Status.APPROVED, approved_at__gte=since, approved_at__lte=as_of
        )
        .annotate(r_day=local_day("approved_at"), r_without=_flag(Q(root_cause="")))
        .order_by()
        .values_list("r_day", "complaint__department_id", "remedy", "outcome", "r_without")
        .annotate(n=Count("pk"), total=Sum("amount"))
    ):
        yield _figure(
            day,
            "decision",
            n,
            key=f"{remedy}|{outcome}|{without}",
            department_id=department,
            total=Decimal(total or 0),
        )


def _durations(
    pairs: list[tuple[Any, ...]], measure: str, key_places: int
) -> Iterator[DailyFigure]:
    """day_pairs rows (day, department, assignee, key columns..., calendar, received, event, n)
    as rows of working and calendar days (those that come to the same days summed)."""
    summed: dict[tuple, int] = {}
    for day, department, assignee, *rest in pair_days(pairs):
        keys, (working, calendar_days, n) = rest[:key_places], rest[key_places:]
        key = "".join(str(value) for value in keys)
        place = (day, department, assignee, key, working, calendar_days)
        summed[place] = summed.get(place, 0) + n
    for (day, department, assignee, key, working, calendar_days), n in summed.items():
        yield _figure(
            day,
            measure,
            n,
            key=key,
            department_id=department,
            assignee_id=assignee,
            working_days=working,
            calendar_days=calendar_days,
        )


def _closed_rows(
    since: datetime, as_of: datetime, tz: ZoneInfo, calendars: Calendars
) -> Iterator[DailyFigure]:
    closed = Complaint.objects.filter(
        state=State.CLOSED, closed_at__gte=since, closed_at__lte=as_of
    ).annotate(
        r_day=TruncDate("closed_at", tzinfo=tz),
        r_reopened=_flag(Q(reopen_count__gt=0)),
        r_escalated=_flag(Q(escalation_level__gt=0)),
    )
    pairs = day_pairs(
        closed,
        field="closed_at",
        calendars=calendars,
        tz=tz,
        group=("r_day", "department_id", "assignee_id", "r_reopened", "r_escalated"),
    )
    yield from _durations(pairs, "closed", 2)


def _decided_rows(
    since: datetime, as_of: datetime, tz: ZoneInfo, calendars: Calendars
) -> Iterator[DailyFigure]:
    decided = Complaint.objects.filter(decided_at__gte=since, decided_at__lte=as_of).annotate(
        r_day=TruncDate("decided_at", tzinfo=tz), r_assignee=Value(None, IntegerField())
    )
    pairs = day_pairs(
        decided,
        field="decided_at",
        calendars=calendars,
        tz=tz,
        group=("r_day", "department_id", "r_assignee"),
    )
    yield from _durations(pairs, "decided", 0)


def _clock_rows(since: datetime, as_of: datetime, tz: ZoneInfo) -> Iterator[DailyFigure]:
    owner = ("case_department_id", "case_assignee_id")
    for day, stage, department, assignee, on_time, late in (
        Clock.objects.filter(met_at__gte=since, met_at__lte=as_of)
        .annotate(r_day=TruncDate("met_at", tzinfo=tz))
        .order_by()
        .values_list("r_day", "stage", *owner)
        .annotate(
            on_time=Count("due_at", filter=Q(met_at__lte=F("due_at"))),
            late=Count("due_at", filter=Q(met_at__gt=F("due_at"))),
        )
    ):
        for measure, n in (("clock_on_time", on_time), ("clock_late", late)):
            if n:
                yield _figure(
                    day, measure, n, key=stage, department_id=department, assignee_id=assignee
                )
    # When a clock stopped running: met or stopped (cancelled), whichever came first.
    finished = Case(
        When(met_at__isnull=True, then=F("cancelled_at")),
        When(cancelled_at__isnull=True, then=F("met_at")),
        When(met_at__lte=F("cancelled_at"), then=F("met_at")),
        default=F("cancelled_at"),
    )
    breached = (
        Clock.objects.filter(due_at__gte=since, due_at__lt=as_of)
        .filter(Q(paused_at__isnull=True) | Q(paused_at__gt=F("due_at")))
        .annotate(r_finished=finished)
        # Finished by the deadline: never breached, in any span.
        .filter(Q(r_finished__isnull=True) | Q(r_finished__gt=F("due_at")))
        .annotate(
            r_day=TruncDate("due_at", tzinfo=tz),
            r_other=Case(
                When(r_finished__lte=as_of, then=TruncDate("r_finished", tzinfo=tz)),
                default=None,
            ),
        )
    )
    for day, stage, department, assignee, other, n in (
        breached.order_by()
        .values_list("r_day", "stage", *owner, "r_other")
        .annotate(n=Count("due_at"))
    ):
        yield _figure(
            day,
            "clock_breached",
            n,
            key=stage,
            department_id=department,
            assignee_id=assignee,
            other_day=other,
        )


@dataclass(frozen=True)
class RolledRow:
    measure: str
    key: str
    working_days: int | None
    calendar_days: int | None
    department_id: int | None
    assignee_id: int | None
    n: int
    total: Decimal


def rolled_rows(
    *, build: DailyFigureBuild, scope: ReportScope, first_day: date, end_day: date
) -> list[RolledRow]:
    """`build`'s rows of the local days from `first_day` up to `end_day` (excluded) in `scope`
    (no report filters: the rows have only the owner), summed over the days. A breached clock
    counts if it was not met or stopped before `end_day` (the span's end). Only that build's:
    another may hold rows for a moment (the next one just committed, or one that started
    earlier and finished later)."""
    figures = DailyFigure.objects.filter(build=build, day__gte=first_day, day__lt=end_day)
    if scope.departments is not None:
        figures = figures.filter(department_id__in=sorted(scope.departments))
    rows = (
        figures.filter(
            ~Q(measure="clock_breached") | Q(other_day__isnull=True) | Q(other_day__gte=end_day)
        )
        .order_by()
        .values_list(
            "measure", "key", "working_days", "calendar_days", "department_id", "assignee_id"
        )
        .annotate(sum_n=Sum("n"), sum_total=Sum("total"))
    )
    return [
        RolledRow(
            measure=measure,
            key=key,
            working_days=working,
            calendar_days=calendar_days,
            department_id=department,
            assignee_id=assignee,
            n=int(n),
            total=Decimal(total),
        )
        for measure, key, working, calendar_days, department, assignee, n, total in rows
    ]


def rolled_by_day(
    *,
    build: DailyFigureBuild,
    scope: ReportScope,
    first_day: date,
    end_day: date,
    measures: tuple[str, ...],
) -> QuerySet:
    """(day, measure, key, n) of `build`'s `measures` from `first_day` to `end_day` (excluded),
    summed over the owners in `scope`: the trend and the rising problems."""
    figures = DailyFigure.objects.filter(
        build=build, day__gte=first_day, day__lt=end_day, measure__in=measures
    )
    if scope.departments is not None:
        figures = figures.filter(department_id__in=sorted(scope.departments))
    return figures.order_by().values_list("day", "measure", "key").annotate(sum_n=Sum("n"))
