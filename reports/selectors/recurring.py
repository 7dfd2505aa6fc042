"""Recurring problems: what is rising, and who keeps complaining (issue 14, §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from accounts.models import localized_name
from complaints.models import Complaint
from reports.domain import Periods, is_rising, local_midnight, rise_percent
from reports.selectors.scope import ReportScope

# What can rise: the grouping columns (the key first, then label columns read with it), and the
# condition of cases that have no such group (no category, no product or region written).
RISING_DIMENSIONS: dict[str, tuple[tuple[str, ...], Q]] = {
    "category": (("category__code", "category__name", "category__name_en"), Q(category=None)),
    "product": (("product_or_service",), Q(product_or_service="")),
    "region": (("region",), Q(region="")),
}


@dataclass(frozen=True)
class RiseRule:
    window_days: int
    min_cases: int
    min_percent: int


@dataclass(frozen=True)
class Windows:
    """Three windows of `days` local days: the current one ends today (included), the previous
    one just before it, the year-ago one on the same dates a year earlier."""

    current_start: datetime
    previous_start: datetime
    year_ago_start: datetime
    year_ago_end: datetime
    # None: up to now (included); a report's period ends at its end (excluded).
    current_end: datetime | None = None

    @classmethod
    def of(cls, periods: Periods, days: int) -> Windows:
        today = periods.today
        start = today - timedelta(days=days - 1)
        year_ago_start = _year_before(start)
        return cls(
            current_start=local_midnight(start, periods.tz),
            previous_start=local_midnight(start - timedelta(days=days), periods.tz),
            year_ago_start=local_midnight(year_ago_start, periods.tz),
            year_ago_end=local_midnight(year_ago_start + timedelta(days=days), periods.tz),
        )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Rising:
    key: str
    label: str
    current: int
    previous: int
    year_ago: int

    @property
    def rise_on_previous(self) -> float | None:
        return rise_percent(self.current, self.previous)

    @property
    def rise_on_year_ago(self) -> float | None:
        return rise_percent(self.current, self.year_ago)


def rising(
    *,
    scope: ReportScope,
    periods: Periods,
    dimension: str,
    rule: RiseRule,
    windows: Windows | None = None,
) -> list[Rising]:
    """Categories, products/services or regions rising under `rule` (reports.domain.is_rising),
    largest first. One query: the three windows counted side by side per group; empty products
    and regions are not a group. A category counts its own cases (not its sub-categories')."""
    windows = windows or Windows.of(periods, rule.window_days)
    columns, ungrouped = RISING_DIMENSIONS[dimension]
    current = Q(received_at__gte=windows.current_start) & (
        Q(received_at__lte=periods.now)
        if windows.current_end is None
        else Q(received_at__lt=windows.current_end)
    )
    previous = Q(received_at__gte=windows.previous_start, received_at__lt=windows.current_start)
    year_ago = Q(received_at__gte=windows.year_ago_start, received_at__lt=windows.year_ago_end)
    cases = (
        Complaint.objects.filter(scope.cases())
        .filter(current | previous | year_ago)
        .exclude(ungrouped)
    )
    rows = (
        cases.order_by()
        .values_list(*columns)
        .annotate(
            current=Count("pk", filter=current),
            previous=Count("pk", filter=previous),
            year_ago=Count("pk", filter=year_ago),
        )
        .filter(current__gte=rule.min_cases)
    )
    found = []
    for row in rows:
        *labels, now_n, before_n, year_n = row
        if not is_rising(
            current=now_n,
            previous=before_n,
            year_ago=year_n,
            min_cases=rule.min_cases,
            min_percent=rule.min_percent,
        ):
            continue
        key = labels[0]
        label = localized_name(labels[1], labels[2]) if dimension == "category" else key
        found.append(Rising(key, label, now_n, before_n, year_n))
    return sorted(found, key=lambda item: (-item.current, item.label))


@dataclass(frozen=True)
class RepeatComplainant:
    customer_id: int
    name: str
    complaints: int


def repeat_complainants(
    *, scope: ReportScope, periods: Periods, more_than: int, days: int, limit: int = 20
) -> list[RepeatComplainant]:
    """Customers with more than `more_than` complaints received in the last `days` local days
    (today included), most complaints first; at most `limit` of them."""
    since = local_midnight(periods.today - timedelta(days=days - 1), periods.tz)
    rows = (
        Complaint.objects.filter(
            scope.cases(), received_at__gte=since, received_at__lte=periods.now
        )
        .order_by()
        .values_list("customer_id", "customer__name")
        .annotate(n=Count("pk"))
        .filter(n__gt=more_than)
        .order_by("-n", "customer_id")[:limit]
    )
    return [RepeatComplainant(pk, name, n) for pk, name, n in rows]
