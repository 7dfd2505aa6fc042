"""Forms of the registers' pages (complaints.views.registers): shape only, the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.people import person_label
from complaints.forms.base import MultipleFileField, ServiceForm, datetime_local
from complaints.forms.privacy import date_picker
from complaints.models import LegalDocument, LostProperty
from complaints.services.legal_documents import TEXT_MAX_LENGTH


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Department) -> str:
        return str(obj)


def _staff() -> Any:
    return (
        User.objects.filter(is_active=True, groups__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def _departments() -> Any:
    return Department.objects.filter(is_active=True).order_by("name")


class LegalDocumentForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LegalDocument.Kind.choices)
    received_at = forms.DateTimeField(
        label=_("Received"), required=False, widget=datetime_local(), help_text=_("Empty: now.")
    )
    received_by = PersonChoiceField(
        label=_("Received by"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Me"),
    )
    sender = forms.CharField(
        label=_("Issued by"), max_length=200, help_text=_("The court, police station or law firm.")
    )
    their_reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=100)
    identity_check = forms.ChoiceField(
        label=_("Bearer's identity"),
        choices=LegalDocument.IdentityCheck.choices,
        help_text=_("Official papers: ask to see the bearer's work ID (seed 004 §九.3)."),
    )
    addressee = forms.CharField(label=_("Addressed to"), max_length=200)
    addressee_matches = forms.BooleanField(
        label=_("The name on the papers is the company's exact name"), required=False
    )
    receipt = forms.ChoiceField(
        label=_("Signed for?"),
        choices=LegalDocument.Receipt.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A lawyer's letter is never signed for. Other papers: only once senior management "
            "agreed, the name matches and, for official papers, with the original in hand."
        ),
    )
    signed_by = PersonChoiceField(
        label=_("Signed by"), queryset=User.objects.none(), required=False
    )
    original_received = forms.BooleanField(label=_("Original in hand"), required=False)
    evidence_enclosed = forms.BooleanField(
        label=_("The other side's evidence is enclosed"), required=False
    )
    evidence_inquiry = forms.CharField(
        label=_("Asked about the evidence"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Court papers without evidence: what the judge said."),
    )
    summary = forms.CharField(
        label=_("What it is about"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    complaint = forms.CharField(
        label=_("Complaint"),
        required=False,
        max_length=40,
        help_text=_("Its reference, when the papers concern a complaint."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label=_("Scans of the papers"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = _staff()
        self.fields["received_by"].queryset = staff  # type: ignore[attr-defined]
        self.fields["signed_by"].queryset = staff  # type: ignore[attr-defined]


class LegalForwardForm(ServiceForm):
    department = DepartmentChoiceField(label=_("Department"), queryset=Department.objects.none())
    person = PersonChoiceField(
        label=_("Person"), queryset=User.objects.none(), required=False, empty_label=_("Its head")
    )
    forwarded_at = forms.DateTimeField(
        label=_("Forwarded"), required=False, widget=datetime_local(), help_text=_("Empty: now.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()  # type: ignore[attr-defined]
        self.fields["person"].queryset = _staff()  # type: ignore[attr-defined]
        legal = Department.objects.filter(code="legal").first()
        if legal is not None:
            self.fields["department"].initial = legal.pk


class LegalFilesForm(ServiceForm):
    files = MultipleFileField(label=_("Scans of the papers"))


class RegisterLinkForm(ServiceForm):
    """Link a register entry recorded without a case to the complaint it concerns."""

    complaint = forms.CharField(
        label=_("Complaint reference"),
        max_length=40,
        help_text=_("The complaint these papers or this lost item turned out to concern."),
    )


class LegalFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All")), *LegalDocument.Kind.choices]
    )


class LostPropertyForm(ServiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=LostProperty.Kind.choices)
    customer_name = forms.CharField(label=_("Customer"), max_length=100)
    customer_phone = forms.CharField(label=_("Customer's phone"), max_length=32, required=False)
    lost_at = forms.DateTimeField(label=_("Lost at"), widget=datetime_local())
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Not known"),
    )
    area = forms.CharField(
        label=_("Place in the store"),
        max_length=100,
        help_text=_("Floor and area, e.g. “2F sofas”, “car park B1”."),
    )
    description = forms.CharField(label=_("What was lost"), max_length=200)
    contents = forms.CharField(
        label=_("Items inside"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    police_report_number = forms.CharField(
        label=_("Police report number"), max_length=60, required=False
    )
    complaint = forms.CharField(
        label=_("Complaint"),
        required=False,
        max_length=40,
        help_text=_("Its reference, when the customer also complained."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()  # type: ignore[attr-defined]


class LostOutcomeForm(ServiceForm):
    service_fields = {"outcome_note": "note"}

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[c for c in LostProperty.Outcome.choices if c[0] != LostProperty.Outcome.OPEN],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    police_report_number = forms.CharField(
        label=_("Police report number"), max_length=60, required=False
    )


class LostFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = DepartmentChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("All"),
    )
    since = forms.DateField(label=_("Lost from"), required=False, widget=date_picker())
    until = forms.DateField(label=_("Lost until"), required=False, widget=date_picker())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()  # type: ignore[attr-defined]


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-\d{2}$", required=False)
