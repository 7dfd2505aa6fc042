"""How many complaints came in: today, this week, this month, per month, and by dimension.

Every figure counts complaints by their receipt time (`received_at`) in local calendar days of
settings.TIME_ZONE, in every state (withdrawn and rejected complaints were received too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from accounts.models import localized_name
from complaints.models import Complaint
from reports.domain import Periods, Span, local_midnight
from reports.selectors.scope import ReportScope


@dataclass(frozen=True)
class NewCases:
    today: int
    week: int
    month: int


# What the counts by receipt count: a column of complaint_received_report_idx that is never
# null (not the id, which that index does not carry), so they read the index alone.
RECEIVED = "received_at"


def new_cases(*, scope: ReportScope, periods: Periods) -> NewCases:
    """Complaints received since local midnight today, since Monday and since the 1st."""
    earliest = min(periods.week_start, periods.month_start)
    row = Complaint.objects.filter(
        scope.cases(), received_at__gte=earliest, received_at__lte=periods.now
    ).aggregate(
        today=Count(RECEIVED, filter=Q(received_at__gte=periods.day_start)),
        week=Count(RECEIVED, filter=Q(received_at__gte=periods.week_start)),
        month=Count(RECEIVED, filter=Q(received_at__gte=periods.month_start)),
    )
    return NewCases(today=row["today"], week=row["week"], month=row["month"])


def monthly_volume(*, scope: ReportScope, periods: Periods) -> list[tuple[date, int]]:
    """Complaints received per local calendar month, the last twelve months (this one last).

    One count per month over its range of receipt times (local midnights), side by side in one
    query: comparisons on the indexed column, not a time-zone conversion of each of the year's
    cases (which cost a second at a million)."""
    months = periods.months()
    bounds = [local_midnight(month, periods.tz) for month in months]
    ends = [*bounds[1:], None]
    row = Complaint.objects.filter(
        scope.cases(), received_at__gte=periods.trend_start, received_at__lte=periods.now
    ).aggregate(
        **{
            f"m{index}": Count(
                RECEIVED,
                filter=Q(received_at__gte=start)
                & (Q(received_at__lt=end) if end is not None else Q()),
            )
            for index, (start, end) in enumerate(zip(bounds, ends, strict=True))
        }
    )
    return [(month, row[f"m{index}"]) for index, month in enumerate(months)]


@dataclass(frozen=True)
class Share:
    """One row of a breakdown: the stored key (a code, an id or the text), its label, the count."""

    key: str
    label: str
    count: int


# The breakdowns: (the columns grouped by, how a row's label is made from them).
DIMENSIONS = ("category", "channel", "department", "region", "severity")


def volume_by(
    *, scope: ReportScope, periods: Periods, dimension: str, span: Span | None = None
) -> list[Share]:
    """Complaints received this local month (or in `span`), by one dimension, largest first.

    category and department: the case's own (a sub-category is its own row; a case handed to
    another department counts under the department that owns it now); region: the region written
    on the case (empty: not given); channel and severity: their codes.
    """
    span = span or periods.month_so_far()
    cases = Complaint.objects.filter(
        scope.cases(), received_at__gte=span.start, received_at__lt=span.end
    ).order_by()
    return breakdown(cases, dimension=dimension)


def breakdown(cases: QuerySet[Complaint], *, dimension: str) -> list[Share]:
    """Count `cases` by one of DIMENSIONS (labels joined in the same query), largest first."""
    if dimension in ("category", "department"):
        rows = cases.values_list(
            f"{dimension}__code", f"{dimension}__name", f"{dimension}__name_en"
        ).annotate(n=Count(RECEIVED))
        return largest_first(
            Share(key=code or "", label=localized_name(name, name_en) if code else "", count=n)
            for code, name, name_en, n in rows
        )
    if dimension in ("channel", "severity", "region"):
        rows = cases.values_list(dimension).annotate(n=Count(RECEIVED))
        return coded_shares(dimension, rows)
    raise ValueError(f"unknown dimension: {dimension!r}")


def coded_shares(dimension: str, counted: Iterable[tuple[str, int]]) -> list[Share]:
    """Shares of a column with codes (channel, severity) or free text (region), labelled."""
    field = Complaint._meta.get_field(dimension)
    names = dict(field.choices) if field.choices else {}
    return largest_first(
        Share(key=value, label=str(names.get(value, value)), count=n) for value, n in counted
    )


def largest_first(shares: Iterable[Share]) -> list[Share]:
    """Largest first; equal counts by their label as shown, then their key."""
    return sorted(shares, key=lambda share: (-share.count, share.label, share.key))
