"""One filter set for complaint lists: the API's query parameters and the queues' filter form.

Filters narrow a queryset that `complaints_visible_to` already scoped, so a filter can never widen
what a user sees.
"""

from __future__ import annotations

from datetime import UTC

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from complaints.models import Category, Channel, Complaint, EscalationLevel, Severity, State
from complaints.selectors import complaint_search


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

    def filter_category(self, queryset, name, value):
        return category_and_below(queryset, value) if value else queryset

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
