"""The case page's forms for the personal-injury record (issue 16 §1; seed 004 §三). Shape only:
complaints.services.injury decides the rest. Each form is posted to the path of its action
(complaints.views.case.injury), which names the service to call."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.forms.base import YES_NO, ServiceForm, datetime_local, yes_no
from complaints.models import DOCUMENT_ITEMS, CompensationHead, Complaint, InjuryCompensation

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_MONEY = forms.NumberInput(attrs={"step": "0.01", "min": "0"})
_EVIDENCE_HELP = _("Add the file to the case's evidence first, then choose it here.")


def _today() -> Any:
    return timezone.localdate()


def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


class InjuryForm(ServiceForm):
    """What every injury form shares: the action, and the case's files to choose from."""

    action = ""
    title: Any = ""
    evidence_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, evidence: Sequence[tuple[int, str]] = (), **kwargs: Any):
        kwargs.setdefault("id_prefix", f"injury_{self.action}")
        super().__init__(*args, **kwargs)
        for name in self.evidence_fields:
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", "—"), *evidence]

    def service_arguments(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _evidence_field(label: Any, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, required=required, coerce=int, empty_value=None, help_text=_EVIDENCE_HELP
    )


class AccompanyForm(InjuryForm):
    action = "accompany"
    title = _("Accompany to hospital")
    accompany = forms.ChoiceField(
        label=_("Accompany to hospital"), choices=YES_NO, widget=forms.RadioSelect
    )
    staff = forms.TypedChoiceField(
        label=_("Staff member"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(
        label=_("Or a name"), required=False, max_length=100, help_text=_("Someone not on staff.")
    )

    def __init__(self, *args: Any, staff: Sequence[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "—"), *staff]  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "accompany": yes_no(data["accompany"]),
            "staff_id": data["staff"],
            "name": data["name"],
        }


class AdvanceForm(InjuryForm):
    action = "advance"
    title = _("Advance the medical costs")
    advance = forms.ChoiceField(
        label=_("Advance the medical costs"), choices=YES_NO, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=_MONEY,
    )

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"advance": yes_no(data["advance"]), "amount": data["amount"]}


class AdvanceRequestForm(InjuryForm):
    action = "advance_request"
    title = _("Requested from finance")
    requested_at = forms.DateTimeField(
        label=_("Requested from finance at"),
        required=False,
        widget=datetime_local(),
        help_text=_("Empty: now."),
    )


class AdvanceApproveForm(InjuryForm):
    action = "advance_approve"
    title = _("Approve the advance")


class AdvancePaidForm(InjuryForm):
    action = "advance_paid"
    title = _("Advance paid")
    paid_on = forms.DateField(label=_("Paid on"), initial=_today, widget=_DATE)


class ReceiptsExceptionForm(InjuryForm):
    action = "receipts_exception"
    title = _("No original receipts: senior management’s exception")
    reason = forms.CharField(
        label=_("Why the original receipts are not needed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class WitnessForm(InjuryForm):
    action = "witness"
    title = _("Add a witness")
    evidence_fields = ("statement",)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    statement = _evidence_field(_("Written statement"))
    service_fields = {"statement_id": "statement"}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"name": data["name"], "phone": data["phone"], "statement_id": data["statement"]}


class DocumentForm(InjuryForm):
    action = "document"
    title = _("Record a paper")
    evidence_fields = ("evidence",)
    item = forms.ChoiceField(
        label=_("Paper"), choices=[(item.value, item.label) for item in DOCUMENT_ITEMS]
    )
    evidence = _evidence_field(_("File"))
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    service_fields = {"evidence_id": "evidence"}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"item": data["item"], "evidence_id": data["evidence"], "note": data["note"]}


class CallForm(InjuryForm):
    action = "call"
    title = _("Police (110) or ambulance (120) called")
    service = forms.ChoiceField(
        label=_("Called"),
        choices=[("police", _("Police (110)")), ("ambulance", _("Ambulance (120)"))],
    )
    called_at = forms.DateTimeField(label=_("At"), initial=_now, widget=datetime_local())


class InsurerForm(InjuryForm):
    action = "insurer"
    title = _("Insurer notified")
    notified_on = forms.DateField(label=_("Insurer notified on"), initial=_today, widget=_DATE)
    claim_number = forms.CharField(
        label=_("Insurer's claim number"), max_length=100, required=False
    )


class InsurerOpinionForm(InjuryForm):
    action = "insurer_opinion"
    title = _("Insurer’s written opinion")
    evidence_fields = ("evidence",)
    evidence = _evidence_field(_("Insurer's written opinion"))
    covered = forms.ChoiceField(label=_("Covered"), choices=YES_NO, widget=forms.RadioSelect)
    service_fields = {"evidence_id": "evidence"}

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"evidence_id": data["evidence"], "covered": yes_no(data["covered"])}


class CompensationForm(InjuryForm):
    """One amount a head of seed 004 §三.17; empty or zero: not claimed. The bases recorded
    before are kept for the heads still claimed."""

    action = "compensation"
    title = _("Compensation breakdown")

    def __init__(self, *args: Any, bases: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.bases = bases or {}
        for head in CompensationHead:
            self.fields[head.value] = forms.DecimalField(
                label=head.label,
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                widget=_MONEY,
            )

    def service_arguments(self) -> dict[str, Any]:
        heads = {
            head.value: (self.cleaned_data[head.value], self.bases.get(head.value, ""))
            for head in CompensationHead
            if self.cleaned_data.get(head.value)
        }
        return {
            "heads": {head: (Decimal(amount), basis) for head, (amount, basis) in heads.items()}
        }


INJURY_FORMS: dict[str, type[InjuryForm]] = {
    form.action: form
    for form in (
        AccompanyForm,
        AdvanceForm,
        AdvanceRequestForm,
        AdvanceApproveForm,
        AdvancePaidForm,
        ReceiptsExceptionForm,
        WitnessForm,
        DocumentForm,
        CallForm,
        InsurerForm,
        InsurerOpinionForm,
        CompensationForm,
    )
}


def injury_form(
    action: str,
    complaint: Complaint,
    data: Any = None,
    *,
    bases: dict[str, str] | None = None,
    initial: dict[str, Any] | None = None,
) -> InjuryForm:
    """The form of `action` with the case's choices (its files, the staff, the bases kept; the
    page passes the bases it has loaded)."""
    form_class = INJURY_FORMS[action]
    kwargs: dict[str, Any] = {"initial": initial or {}}
    if form_class.evidence_fields:
        kwargs["evidence"] = [(e.pk, e.original_name) for e in complaint.evidence.all() if e.file]
    if form_class is AccompanyForm:
        kwargs["staff"] = [
            (user.pk, user.get_full_name() or user.username)
            for user in User.objects.filter(is_active=True).order_by("username")
        ]
    if form_class is CompensationForm:
        kwargs["bases"] = (
            bases
            if bases is not None
            else dict(
                InjuryCompensation.objects.filter(record__complaint=complaint).values_list(
                    "head", "basis"
                )
            )
        )
    return form_class(data, **kwargs)
