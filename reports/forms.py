"""The export form: a period of receipt (local dates) and the report filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department
from accounts.selectors import departments_for_picker
from complaints.models import Category, Channel, Severity
from reports.domain import (
    ReportPeriod,
    last_full_month,
    month_period,
    quarter_period,
    year_period,
)
from reports.selectors.exports import ExportSpec
from reports.selectors.report import ReportFilters


class DateInput(forms.DateInput):
    """A browser date picker: its value is always ISO (YYYY-MM-DD), whatever the language's date
    format; a localised value ("2026/12/01") is not a date to it, and the field shows empty."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def month_start(today: date) -> date:
    return today.replace(day=1)


class FilterForm(forms.Form):
    """The filters the report and the export share."""

    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        label=_("Department"),
        empty_label=_("All"),
        help_text=_("With the departments below it."),
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        required=False,
        label=_("Category"),
        empty_label=_("All"),
    )
    channel = forms.ChoiceField(
        choices=[("", _("All")), *Channel.choices], required=False, label=_("Channel")
    )
    region = forms.CharField(required=False, max_length=100, label=_("Region"))
    severity = forms.ChoiceField(
        choices=[("", _("All")), *Severity.choices], required=False, label=_("Severity")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for_picker(active_only=False)  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.select_related("parent")  # type: ignore[attr-defined]


class ExportForm(FilterForm):
    date_from = forms.DateField(label=_("Received from"), widget=DateInput)
    date_to = forms.DateField(
        label=_("Received until"), widget=DateInput, help_text=_("Both days included.")
    )
    field_order = [
        "date_from",
        "date_to",
        "department",
        "category",
        "channel",
        "region",
        "severity",
    ]

    @classmethod
    def initial_period(cls) -> dict[str, date]:
        """This month so far, in the calendar's time zone."""
        today = timezone.localdate()
        return {"date_from": month_start(today), "date_to": today}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def spec(self) -> ExportSpec:
        data = self.cleaned_data
        return ExportSpec(
            date_from=data["date_from"],
            date_to=data["date_to"],
            department=data["department"].pk if data.get("department") else None,
            category=data["category"].pk if data.get("category") else None,
            channel=data.get("channel") or "",
            region=(data.get("region") or "").strip(),
            severity=data.get("severity") or "",
        )


class ReportForm(FilterForm):
    """The report's period (a month, a quarter, a year or chosen days; the last full month when
    nothing is given) and filters, read from the query string."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("month", _("Month")),
            ("quarter", _("Quarter")),
            ("year", _("Year")),
            ("custom", _("Chosen days")),
        ],
        required=False,
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("For a month: e.g. 2026-09."),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        choices=[(1, _("Q1")), (2, _("Q2")), (3, _("Q3")), (4, _("Q4"))],
        coerce=int,
        required=False,
        empty_value=None,
    )
    date_from = forms.DateField(
        label=pgettext_lazy("report period", "From"), widget=DateInput, required=False
    )
    date_to = forms.DateField(
        label=pgettext_lazy("report period", "To"),
        widget=DateInput,
        required=False,
        help_text=_("Both days included."),
    )
    field_order = [
        "period",
        "month",
        "quarter",
        "year",
        "date_from",
        "date_to",
        "department",
        "category",
        "channel",
        "region",
        "severity",
    ]

    @classmethod
    def initial_for(cls, period: ReportPeriod) -> dict[str, Any]:
        return {
            "period": period.kind,
            "month": period.first.strftime("%Y-%m"),
            "year": period.first.year,
            "quarter": period.quarter,
            "date_from": period.first,
            "date_to": period.last,
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("period") or "month"
        today = timezone.localdate()
        try:
            if kind == "month":
                text = cleaned.get("month") or ""
                if not text:
                    self.report_period = last_full_month(today)
                else:
                    year, month = (int(part) for part in text.split("-"))
                    self.report_period = month_period(year, month)
            elif kind == "quarter":
                year = cleaned.get("year") or today.year
                quarter = cleaned.get("quarter")
                if quarter is None:
                    self.add_error("quarter", _("Choose a quarter."))
                    return cleaned
                self.report_period = quarter_period(year, quarter)
            elif kind == "year":
                self.report_period = year_period(cleaned.get("year") or today.year)
            else:
                first, last = cleaned.get("date_from"), cleaned.get("date_to")
                if not first or not last:
                    self.add_error("date_to", _("Give the first and the last day."))
                    return cleaned
                if first > last:
                    self.add_error("date_to", _("The end of the period is before its start."))
                    return cleaned
                if (last - first).days > 3 * 366:
                    self.add_error("date_to", _("A report covers at most three years."))
                    return cleaned
                self.report_period = ReportPeriod("custom", first, last)
        except ValueError:
            self.add_error("month", _("Give a month as year and month, e.g. 2026-09."))
        return cleaned

    def period_value(self) -> ReportPeriod:
        return self.report_period

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            department=data["department"].pk if data.get("department") else None,
            category=data["category"].pk if data.get("category") else None,
            channel=data.get("channel") or "",
            region=(data.get("region") or "").strip(),
            severity=data.get("severity") or "",
        )

    def filter_labels(self) -> list[tuple[str, str]]:
        """(field label, chosen value) of the filters given, for the report's heading."""
        labels = []
        for name in ("department", "category", "channel", "region", "severity"):
            value = self.cleaned_data.get(name)
            if not value:
                continue
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, forms.ModelChoiceField
            ):
                value = dict(field.choices).get(value, value)  # type: ignore[arg-type]
            labels.append((str(field.label), str(value)))
        return labels

    def export_query(self) -> dict[str, str]:
        """The one-row-per-complaint export's form, filled with this period and these filters."""
        period = self.report_period
        data = self.cleaned_data
        query = {"date_from": period.first.isoformat(), "date_to": period.last.isoformat()}
        for name in ("department", "category"):
            if data.get(name):
                query[name] = str(data[name].pk)
        for name in ("channel", "region", "severity"):
            if data.get(name):
                query[name] = str(data[name]).strip()
        return query
