"""Forms of the improvement actions' pages (reports.views.improvement): shape only, the services
(complaints.services.improvement, reports.services.improvement) decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.selectors import departments_for_picker
from complaints.forms.base import MultipleFileField, ServiceForm
from complaints.forms.case import PersonChoiceField, active_people
from complaints.forms.pickers import tree_picker
from complaints.forms.privacy import date_picker
from complaints.models import Category, RootCause
from complaints.selectors.categories import categories_for_picker
from complaints.services.improvement import TEXT_MAX_LENGTH


class ActionForm(ServiceForm):
    title = forms.CharField(
        label=_("What is to change"),
        max_length=200,
        help_text=_("The change itself: a rule written, a check added, people trained."),
    )
    root_cause = forms.ChoiceField(
        label=_("Root cause category"), choices=[("", "—"), *RootCause.choices]
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The root cause found, and how the change is to be made."),
    )
    department = forms.ModelChoiceField(
        label=_("Owning department"), queryset=Department.objects.none()
    )
    owner = PersonChoiceField(label=_("Owner"), queryset=active_people())
    due_date = forms.DateField(
        label=_("Due date"),
        widget=date_picker(),
        help_text=_("A working day of the department's business calendar."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("The effect check counts the complaints of this category (and below it)."),
    )
    product = forms.CharField(
        label=_("Product or service"),
        required=False,
        max_length=200,
        help_text=_("…and/or of this product, as written on the cases."),
    )
    check_days = forms.IntegerField(
        label=_("Days compared"),
        min_value=1,
        max_value=999,
        help_text=_("The effect check compares as many days before and after the action was done."),
    )
    complaint = forms.CharField(
        label=_("From the complaint"), required=False, max_length=40, widget=forms.HiddenInput
    )
    from_report = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {
            "check_days": settings.IMPROVEMENT_CHECK_DAYS,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        tree_picker(self.fields["department"], departments_for_picker())
        tree_picker(self.fields["category"], categories_for_picker())


class StartForm(ServiceForm):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(ServiceForm):
    evidence = forms.CharField(
        label=_("Evidence of what was done"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
        help_text=_("What changed, where it is written down, who was trained and when."),
    )
    files = MultipleFileField(
        label=_("Files showing it"),
        required=False,
        help_text=_("Photos, the new rule as a PDF, a training sign-in sheet; optional."),
    )


class ActionFilesForm(ServiceForm):
    files = MultipleFileField(
        label=_("Files showing what was done"),
        help_text=_("Photos, PDF or office documents, checked by their content."),
    )


class VerifyForm(ServiceForm):
    effective = forms.TypedChoiceField(
        label=_("Was it effective?"),
        choices=[("yes", _("Effective")), ("no", _("Not effective"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What the check found"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )


class LinkForm(ServiceForm):
    complaint = forms.CharField(
        label=_("Complaint reference"), max_length=40, help_text=_("e.g. CP-2026-000123")
    )
