"""The export form: a period of receipt (local dates) and the report filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.selectors import departments_for_picker
from complaints.models import Category, Channel, Severity
from reports.selectors.exports import ExportSpec


class DateInput(forms.DateInput):
    input_type = "date"


def month_start(today: date) -> date:
    return today.replace(day=1)


class ExportForm(forms.Form):
    date_from = forms.DateField(label=_("Received from"), widget=DateInput)
    date_to = forms.DateField(
        label=_("Received until"), widget=DateInput, help_text=_("Both days included.")
    )
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
