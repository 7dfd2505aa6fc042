"""One filter set for complaint lists: the API's query parameters and the queues' filter form.

Filters narrow a queryset that `complaints_visible_to` already scoped, so a filter can never widen
what a user sees.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from complaints.models import Category, Channel, Complaint, EscalationLevel, Severity, State
from complaints.selectors import complaint_search
from sla.models import (
    Clock,
    Stage,
    clocks_breached_unfinished,
    clocks_met_late,
    clocks_met_on_time,
    clocks_overdue,
)

# The states of a stage clock the dashboard counts (reports.selectors.backlog and .deadlines),
# each a filter of the lists its figures link to.
CLOCK_STATUSES = [
    ("overdue", _("Overdue now")),
    ("on_time", _("Met on time")),
    ("late", _("Met late")),
    ("breached", _("Breached, not met")),
]
_SINCE_EVER = datetime(1900, 1, 1, tzinfo=UTC)


def category_and_below(queryset: QuerySet[Complaint], category: Category) -> QuerySet[Complaint]:
    """A category filter includes its sub-categories (the tree is two or three levels deep)."""
    ids = {category.pk}
    frontier = {category.pk}
    while frontier:
        frontier = set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= ids
        ids |= frontier
    return queryset.filter(category_id__in=ids)


class UtcIsoDateTimeFromToRangeFilter(django_filters.IsoDateTimeFromToRangeFilter):
    """An ISO date-time range, its ends turned to UTC before the query: Python reads offsets up to
    ±23:59, PostgreSQL refuses any beyond ±15:59 ("time zone displacement out of range", a 500
    that schemathesis found with -16:13); the same instant in UTC is always accepted."""

    def filter(self, qs: QuerySet, value: slice | None) -> QuerySet:
        if value:
            value = slice(*(
                end.astimezone(UTC) if end is not None else None
                for end in (value.start, value.stop)
            ))  # fmt: skip
        return super().filter(qs, value)


class ComplaintFilter(django_filters.FilterSet):
    # distinct=False: these are columns of the complaint itself, so no row can repeat; django-filter's
    # default SELECT DISTINCT would make PostgreSQL sort every match before taking a page.
    state = django_filters.MultipleChoiceFilter(
        choices=State.choices, label=_("state"), distinct=False
    )
    severity = django_filters.MultipleChoiceFilter(
        choices=Severity.choices, label=_("severity"), distinct=False
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Channel.choices, label=_("channel"), distinct=False
    )
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        to_field_name="code",
        method="filter_category",
        label=_("category"),
    )
    # Only the category chosen, not those below it: the dashboard's "by category" counts each
    # case under its own category (the rows add up to the month's total) and links with this.
    category_only = django_filters.BooleanFilter(
        method="filter_together", label=_("only this category, not its sub-categories")
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), to_field_name="code", label=_("owning department")
    )
    assignee = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(is_active=True),
        to_field_name="username",
        label=_("assignee"),
    )
    # The region written on the case, exactly (the dashboard's region figures link with it).
    region = django_filters.CharFilter(field_name="region", label=_("region"))
    escalation_level = django_filters.MultipleChoiceFilter(
        choices=EscalationLevel.choices, label=_("escalation level"), distinct=False
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    # A stage clock: the cases with a clock of `clock_stage` (any stage when not given) in
    # `clock_status`, met (on time, late) or due (breached) on the local days of `clock_on`.
    # Read together by filter_queryset; each alone changes nothing there.
    clock_stage = django_filters.ChoiceFilter(
        choices=Stage.choices, method="filter_together", label=_("stage clock")
    )
    clock_status = django_filters.ChoiceFilter(
        choices=CLOCK_STATUSES, method="filter_together", label=_("stage clock state")
    )
    clock_on = django_filters.DateFromToRangeFilter(
        method="filter_together", label=_("deadline met or due on")
    )
    received_at = UtcIsoDateTimeFromToRangeFilter(label=_("received at"))
    received_on = django_filters.DateFromToRangeFilter(
        method="filter_received_on", label=_("received on")
    )
    search = django_filters.CharFilter(method="filter_search", label=_("search"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("next_due_at", "due"),
            ("received_at", "received_at"),
            ("updated_at", "updated_at"),
            ("severity", "severity"),
            ("escalation_level", "escalation_level"),
            ("reference", "reference"),
        ),
        field_labels={
            "next_due_at": _("due time"),
            "received_at": _("received at"),
            "updated_at": _("last change"),
            "severity": _("severity"),
            "escalation_level": _("escalation level"),
            "reference": _("reference"),
        },
        label=_("sort by"),
    )

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_queryset(self, queryset):
        return self._filter_clocks(super().filter_queryset(queryset))

    def filter_together(self, queryset, name, value):
        return queryset

    def _filter_clocks(self, queryset: QuerySet[Complaint]) -> QuerySet[Complaint]:
        data = self.form.cleaned_data
        stage, status, days = (
            data.get("clock_stage"),
            data.get("clock_status"),
            data.get("clock_on"),
        )
        if not (stage or status):
            return queryset
        now = timezone.now()
        zone = timezone.get_current_timezone()
        start = _SINCE_EVER
        end = now + timedelta(microseconds=1)
        if days and days.start:
            start = datetime.combine(days.start, time.min, tzinfo=zone)
        if days and days.stop:
            end = datetime.combine(days.stop + timedelta(days=1), time.min, tzinfo=zone)
        conditions = {
            "overdue": lambda: clocks_overdue(now),
            "on_time": lambda: clocks_met_on_time(start, end),
            "late": lambda: clocks_met_late(start, end),
            "breached": lambda: clocks_breached_unfinished(now, start, end),
        }
        condition = conditions[status]() if status else Q()
        if stage:
            condition &= Q(stage=stage)
        return queryset.filter(pk__in=Clock.objects.filter(condition).values("complaint_id"))

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        if self.form.cleaned_data.get("category_only"):
            return queryset.filter(category=value)
        return category_and_below(queryset, value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(next_due_at__lt=timezone.now())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_received_on(self, queryset, name, value):
        # Calendar days in the calendar's time zone: "received on 11-20" means Shanghai's 11-20.
        if value.start:
            queryset = queryset.filter(received_at__date__gte=value.start)
        if value.stop:
            queryset = queryset.filter(received_at__date__lte=value.stop)
        return queryset

    def filter_search(self, queryset, name, value):
        return complaint_search(queryset, text=value)
