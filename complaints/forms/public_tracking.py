"""The customers' forms on the tracking and survey pages: shape only; the rules are in
complaints.services.customer_portal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.forms.base import MultipleFileInput, ServiceForm
from complaints.services.customer_portal import MAX_FILES, MESSAGE_MAX_LENGTH


class TrackLookupForm(ServiceForm):
    reference = forms.CharField(
        label=_("Complaint reference"),
        max_length=20,
        help_text=_("As in our acknowledgment, e.g. CP-2026-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    contact = forms.CharField(
        label=_("Phone or e-mail you gave"),
        max_length=254,
        help_text=_("The phone number or e-mail address written on your complaint."),
        widget=forms.TextInput(attrs={"autocomplete": "tel email", "inputmode": "email"}),
    )


class AddInformationForm(ServiceForm):
    message = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Anything we should know: new facts, answers to our questions."),
    )
    # The files are read from request.FILES ("files", several); this field only names them.
    files = forms.Field(
        label=_("More evidence"),
        required=False,
        widget=MultipleFileInput(
            attrs={
                "multiple": True,
                "accept": "image/*,video/*,audio/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt",
            }
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request: a lazy text formatted at import would keep one language.
        self.fields["files"].help_text = gettext(
            "Photos, PDF, short videos; up to %(count)d files at a time."
        ) % {"count": MAX_FILES}


class WithdrawForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my complaint. I understand that it will no longer be handled."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


SCORES = [(str(n), str(n)) for n in range(1, 6)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SurveyForm(ServiceForm):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled your complaint?"),
        help_text=_("1 = very dissatisfied, 5 = very satisfied"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    resolved = forms.TypedChoiceField(
        label=_("Is the matter resolved for you?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Tell us whether the matter is resolved for you.")},
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
