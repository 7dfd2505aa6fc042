"""The action forms of the case page. Each maps onto one service call; see complaints/views/case."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.people import person_label
from accounts.selectors import departments_for_picker
from complaints.forms.base import (
    YES_NO,
    MultipleFileField,
    ServiceForm,
    VersionedForm,
    datetime_local,
    yes_no,
)
from complaints.forms.canned import add_canned_field
from complaints.forms.pickers import tree_picker
from complaints.models import (
    Category,
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    EvidenceFile,
    FollowUpMethod,
    Outcome,
    RejectionReason,
    Remedy,
    Severity,
)
from complaints.selectors.categories import categories_for_picker
from complaints.services.transitions import TransitionSpec
from sla.models import PauseReason

FLAG_FIELDS = ("personal_injury", "media_involved", "regulator_involved", "legal_risk")
# How staff talk to customers; "web form" and "partner system" are how complaints arrive.
CONTACT_CHANNELS = [(v, label) for v, label in Channel.choices if v not in ("web", "api")]


class PersonChoiceField(forms.ModelChoiceField):
    """People shown with their department, so two namesakes are told apart."""

    def label_from_instance(self, obj: User) -> str:
        return person_label(obj)


def active_people():
    return (
        User.objects.filter(is_active=True, department__isnull=False)
        .select_related("department")
        .order_by("department__name", "last_name", "first_name", "username")
    )


class TriageForm(VersionedForm):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    department = forms.ModelChoiceField(
        label=_("Owning department"), queryset=Department.objects.none(), required=False
    )
    assignee = PersonChoiceField(
        label=_("Assignee"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Must belong to the owning department."),
    )
    personal_injury = forms.BooleanField(label=_("Personal injury"), required=False)
    media_involved = forms.BooleanField(label=_("Media involved"), required=False)
    regulator_involved = forms.BooleanField(label=_("Regulator involved"), required=False)
    legal_risk = forms.BooleanField(label=_("Legal risk"), required=False)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you change an urgent fact: say why."),
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "category": complaint.category_id,
                "severity": complaint.severity,
                "department": complaint.department_id,
                "assignee": complaint.assignee_id,
                **{name: getattr(complaint, name) for name in FLAG_FIELDS},
            },
        )
        super().__init__(*args, version=complaint.version, **kwargs)
        tree_picker(self.fields["category"], categories_for_picker())
        tree_picker(self.fields["department"], departments_for_picker())
        self.fields["assignee"].queryset = active_people()

    def service_arguments(self) -> dict[str, Any]:
        """Only what the user changed: the service then applies its own routing rules to the rest
        (a new department without a new assignee takes the case from the old one's assignee)."""
        changed = {
            name: self.cleaned_data[name]
            for name in ("category", "severity", "department", "assignee", *FLAG_FIELDS)
            if name in self.changed_data
        }
        return {**changed, "comment": self.cleaned_data["comment"]}


class HandoffForm(VersionedForm):
    to_department = forms.ModelChoiceField(
        label=_("To department"), queryset=Department.objects.none()
    )
    to_user = PersonChoiceField(
        label=_("To person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the department decides —"),
    )
    note = forms.CharField(
        label=_("Handoff note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
        help_text=_("What is handed over, what has been done and what is still open."),
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, version=complaint.version, **kwargs)
        tree_picker(self.fields["to_department"], departments_for_picker())
        self.fields["to_user"].queryset = active_people()


class NoteForm(ServiceForm):
    text = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "required": True, "placeholder": _("Only staff see this note.")}
        ),
    )


class EvidenceForm(ServiceForm):
    service_fields = {"upload": "files"}

    kind = forms.ChoiceField(label=_("Kind of evidence"), choices=EvidenceFile.Kind.choices)
    files = MultipleFileField(label=_("Files"))
    description = forms.CharField(label=_("Description"), max_length=255, required=False)


class TransitionForm(VersionedForm):
    """The inputs of one workflow step; which are required is the transition runner's call."""

    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.ChoiceField(
        label=_("Ground for not accepting"),
        choices=[("", "—"), *RejectionReason.choices],
        required=False,
    )
    channel = forms.ChoiceField(
        label=_("Sent by"), choices=[("", "—"), *CONTACT_CHANNELS], required=False
    )
    content = forms.CharField(
        label=_("What the customer is told"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent by e-mail as well when the channel is e-mail."),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: Any, spec: TransitionSpec, complaint: Complaint, **kwargs: Any
    ) -> None:
        kwargs.setdefault("id_prefix", spec.name)
        super().__init__(*args, version=complaint.version, **kwargs)
        self.spec = spec
        inputs = set(spec.inputs)
        for name in ("findings", "reason", "channel", "content"):
            if name not in inputs:
                del self.fields[name]
            else:
                self.fields[name].widget.attrs["required"] = True
        if spec.canned:
            target = "content" if "content" in inputs else "findings"
            add_canned_field(self, complaint=complaint, target=target)
        if spec.name == "withdraw":
            self.fields["comment"].label = _("What the customer said")
        if spec.name == "reject":
            self.fields["comment"].help_text = _("Required when the ground is “Other”.")

    def service_data(self) -> dict[str, str]:
        return {
            name: value for name, value in self.cleaned_data.items() if name != "expected_version"
        }


class DecisionForm(VersionedForm):
    remedy = forms.ChoiceField(label=_("Remedy"), choices=[("", "—"), *Remedy.choices])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
    )
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    requested_approver = PersonChoiceField(
        label=_("Ask for approval from"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— everyone who may approve —"),
        help_text=_("Needed only when the amount is above your own limit."),
    )

    def __init__(self, *args: Any, complaint: Complaint, approvers, **kwargs: Any) -> None:
        super().__init__(*args, version=complaint.version, **kwargs)
        self.fields["requested_approver"].queryset = approvers
        self.fields["requested_approver"].label_from_instance = _approver_label

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in data if name != "expected_version"}


def _approver_label(user: User) -> str:
    name = person_label(user)
    return str(
        _("%(name)s (limit %(limit)s)") % {"name": name, "limit": f"{user.approval_limit:,.0f}"}
    )


class ApproveForm(ServiceForm):
    comment = forms.CharField(label=_("Comment"), required=False)


class RefuseForm(ServiceForm):
    comment = forms.CharField(
        label=_("Why is it refused?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


class ContactForm(ServiceForm):
    """Log a call or message; with the case given, its canned replies are offered."""

    def __init__(self, *args: Any, complaint: Complaint | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if complaint is not None:
            add_canned_field(self, complaint=complaint, target="summary")

    channel = forms.ChoiceField(label=_("Channel"), choices=CONTACT_CHANNELS, initial="phone")
    direction = forms.ChoiceField(
        label=_("Direction"), choices=ContactDirection.choices, initial="outbound"
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ContactPurpose.choices)
    summary = forms.CharField(
        label=_("What was said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=datetime_local(),
        help_text=_("Leave empty for now."),
    )


class FollowUpForm(ServiceForm):
    method = forms.ChoiceField(
        label=_("How"), choices=FollowUpMethod.staff_choices, initial="phone"
    )
    reached = forms.TypedChoiceField(
        label=_("Customer reached?"),
        choices=YES_NO,
        coerce=yes_no,
        widget=forms.RadioSelect,
        initial="yes",
    )
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("1 very dissatisfied … 5 very satisfied."),
    )
    resolved = forms.TypedChoiceField(
        label=_("Resolved in the customer's view?"),
        choices=YES_NO,
        coerce=yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PauseForm(ServiceForm):
    reason = forms.ChoiceField(label=_("Why"), choices=[("", "—"), *PauseReason.choices])
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChecklistStepForm(ServiceForm):
    """Tick one step of the case's procedure checklist (sla.services.checklist_step_tick).

    The evidence choices are the case's files the page has already loaded: no query per step."""

    step = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("The step is"),
        widget=forms.RadioSelect,
        choices=[("done", _("done")), ("not_applicable", _("not applicable"))],
        initial="done",
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What was done, or why the step does not apply."),
    )
    evidence = forms.TypedChoiceField(
        label=_("Evidence"), required=False, coerce=int, empty_value=None
    )
    service_fields = {"evidence_id": "evidence"}

    def __init__(self, *args, evidence: Sequence[EvidenceFile] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Files of an anonymised case keep their rows without the file: not to be chosen.
        choices = [(item.pk, item.original_name) for item in evidence if item.file]
        self.fields["evidence"].choices = [("", "—"), *choices]


class LinkForm(ServiceForm):
    """Link this case to another by its reference, or merge it into that one (issue 18 §4); the
    panel's two buttons post the same fields to complaints.views.case.links."""

    other = forms.CharField(
        label=_("Reference of the other complaint"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "CP-2026-000123", "autocomplete": "off"}),
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)
    confirm_other_customer = forms.BooleanField(
        label=_("Same matter, another customer"), required=False
    )
