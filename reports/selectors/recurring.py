"""Recurring problems: what is rising, and who keeps complaining (issue 14, §2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q

from accounts.models import localized_name
from complaints.models import Complaint, Customer
from complaints.selectors.duplicates import repeat_window_start
from reports.domain import Periods, is_rising, local_midnight, rise_percent
from reports.selectors.scope import ReportScope

# What can rise: the grouping columns (the key first, then label columns read with it). Cases
# whose key is empty (no category, no product or region written) are no group.
RISING_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "category": ("category__code", "category__name", "category__name_en"),
    "product": ("product_or_service",),
    "region": ("region",),
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
    largest first; empty products and regions are not a group. A category counts its own cases
    (not its sub-categories')."""
    return rising_by_dimension(
        scope=scope, periods=periods, rule=rule, dimensions=(dimension,), windows=windows
    )[dimension]


def rising_by_dimension(
    *,
    scope: ReportScope,
    periods: Periods,
    rule: RiseRule,
    dimensions: tuple[str, ...] = tuple(RISING_DIMENSIONS),
    windows: Windows | None = None,
) -> dict[str, list[Rising]]:
    """`rising` for several dimensions at once, in two queries whatever their number: the cases
    of the current and previous windows (one range of receipt times) and those of the year-ago
    window, each counted by every dimension's columns together (a few hundred groups), then
    summed per dimension here. Each query reads one range of complaint_received_report_idx; the
    three windows in one query (an OR of ranges) read the whole index instead."""
    windows = windows or Windows.of(periods, rule.window_days)
    columns = list(dict.fromkeys(c for name in dimensions for c in RISING_DIMENSIONS[name]))
    current = Q(received_at__gte=windows.current_start)
    until = (
        Q(received_at__lte=periods.now)
        if windows.current_end is None
        else Q(received_at__lt=windows.current_end)
    )
    recent = (
        Complaint.objects.filter(scope.cases(), until, received_at__gte=windows.previous_start)
        .order_by()
        .values_list(*columns)
        .annotate(
            current=Count("received_at", filter=current),
            previous=Count("received_at", filter=~current),
        )
    )
    year_ago = (
        Complaint.objects.filter(
            scope.cases(),
            received_at__gte=windows.year_ago_start,
            received_at__lt=windows.year_ago_end,
        )
        .order_by()
        .values_list(*columns)
        .annotate(n=Count("received_at"))
    )
    # dimension -> its key -> [label columns, current, previous, year ago]
    counted: dict[str, dict[str, list]] = {name: {} for name in dimensions}

    def add(values: tuple, slot: int, n: int) -> None:
        row = dict(zip(columns, values, strict=True))
        for name in dimensions:
            names = RISING_DIMENSIONS[name]
            key = row[names[0]]
            if not key:  # no category, no product or region written: not a group
                continue
            entry = counted[name].setdefault(key, [[row[c] for c in names], 0, 0, 0])
            entry[slot] += n

    for *values, now_n, before_n in recent:
        add(tuple(values), 1, now_n)
        add(tuple(values), 2, before_n)
    for *values, year_n in year_ago:
        add(tuple(values), 3, year_n)
    return rising_from(counted, rule=rule)


def rising_from(counted: dict[str, dict[str, list]], *, rule: RiseRule) -> dict[str, list[Rising]]:
    """The rising ones of `counted`: per dimension, key -> [labels, current, previous, year ago]
    (labels: the dimension's RISING_DIMENSIONS columns), counted live or read from the rollup."""
    dimensions = tuple(counted)
    found: dict[str, list[Rising]] = {}
    for name in dimensions:
        items = []
        for key, (labels, now_n, before_n, year_n) in counted[name].items():
            if not is_rising(
                current=now_n,
                previous=before_n,
                year_ago=year_n,
                min_cases=rule.min_cases,
                min_percent=rule.min_percent,
            ):
                continue
            label = localized_name(labels[1], labels[2]) if name == "category" else key
            items.append(Rising(key, label, now_n, before_n, year_n))
        found[name] = sorted(items, key=lambda item: (-item.current, item.label, item.key))
    return found


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
    since = repeat_window_start(periods.now, days=days, tz=periods.tz)
    # Grouped by the customer's id alone (from complaint_received_report_idx, without a join);
    # the names of the few found are read after.
    rows = list(
        Complaint.objects.filter(
            scope.cases(), received_at__gte=since, received_at__lte=periods.now
        )
        .order_by()
        .values_list("customer_id")
        .annotate(n=Count("received_at"))
        .filter(n__gt=more_than)
        .order_by("-n", "customer_id")[:limit]
    )
    if not rows:
        return []
    # display_name: an anonymised customer reads as the placeholder the pages use, never blank.
    names = {
        customer.pk: customer.display_name
        for customer in Customer.objects.filter(pk__in=[pk for pk, _n in rows]).only(
            "pk", "name", "anonymised_at"
        )
    }
    return [RepeatComplainant(pk, names.get(pk, ""), n) for pk, n in rows]
