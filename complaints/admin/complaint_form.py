"""The complaint change form: routing fields for complaint_triage, a next step and its input
for complaint_transition, and the version the form was read at, so a stale form is refused."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.errors import ComplaintError, InvalidInput
from complaints.models import Channel, Complaint, RejectionReason
from complaints.services import TRANSITIONS
from complaints.services.transitions import transitions_from_state

# The fields triage may change; everything else on a case is the record of what was received.
ROUTING_FIELDS = (
    "category",
    "severity",
    "department",
    "assignee",
    "personal_injury",
    "media_involved",
    "regulator_involved",
    "legal_risk",
)
# Transition input name → the form field that carries it.
TRANSITION_INPUTS = {
    "comment": "transition_comment",
    "findings": "transition_findings",
    "reason": "transition_reason",
    "channel": "reply_channel",
    "content": "reply_content",
}
# Carries a service's refusal from the failed save to the form shown again (see changeform_view).
REFUSAL_ATTR = "_complaint_admin_refusal"

_textarea = forms.Textarea(attrs={"rows": 3, "cols": 60})


class ServiceRefused(Exception):
    def __init__(self, error: ComplaintError) -> None:
        self.error = error
        super().__init__(error.message)


class ComplaintAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    triage_comment = forms.CharField(
        label=_("Comment on the routing change"), required=False, widget=_textarea
    )
    transition = forms.ChoiceField(label=_("Next step"), required=False)
    transition_comment = forms.CharField(label=_("Comment"), required=False, widget=_textarea)
    transition_findings = forms.CharField(
        label=_("Findings"),
        required=False,
        widget=_textarea,
        help_text=_("Needed to answer on the spot or to complete the investigation."),
    )
    transition_reason = forms.ChoiceField(
        label=_("Rejection ground"),
        required=False,
        choices=[("", "---------"), *RejectionReason.choices],
        help_text=_("Needed to reject (不予受理)."),
    )
    reply_channel = forms.ChoiceField(
        label=_("Reply channel"),
        required=False,
        choices=[("", "---------"), *Channel.choices],
        help_text=_("Needed to send the reply."),
    )
    reply_content = forms.CharField(
        label=_("Reply content"),
        required=False,
        widget=_textarea,
        help_text=_("What the customer was told; needed to send the reply."),
    )

    # Set on the class by ComplaintAdmin.get_form when the service refused the submitted change.
    service_error: ComplaintError | None = None

    class Meta:
        model = Complaint
        fields = ROUTING_FIELDS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version
        every = [(name, spec.label) for name, spec in TRANSITIONS.items()]
        blank = ("", _("— stay in the current stage —"))
        # Accept any name, so a case that moved on meanwhile gets the runner's clear answer; offer
        # only those that start from the current stage (role and conditions are checked on save).
        offered = set(transitions_from_state(self.instance)) if self.instance.pk else set()
        self.fields["transition"].choices = [blank, *every]
        self.fields["transition"].widget.choices = [
            blank,
            *((name, label) for name, label in every if name in offered),
        ]

    def clean(self):
        cleaned = super().clean()
        if self.service_error is not None:
            self._show_refusal(self.service_error)
        return cleaned

    def _show_refusal(self, error: ComplaintError) -> None:
        if not isinstance(error, InvalidInput):
            self.add_error(None, error.message)
            return
        for name, errors in error.fields.items():
            field = TRANSITION_INPUTS.get(name, name)
            for message in errors:
                self.add_error(field if field in self.fields else None, message)
