"""Forms of the two-factor pages: a code typed after the password, or before a change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class OneTimeCodeInput(forms.TextInput):
    """A code box that comes back empty: a refused code is typed anew, not corrected."""

    def format_value(self, value: object) -> None:
        return None


class SignInCodeForm(forms.Form):
    """A code from the authenticator app or a backup code, in one box: which one it is shows
    from its form (six digits, or eight letters and digits)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=OneTimeCodeInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "autocorrect": "off",
                "spellcheck": "false",
                "autofocus": True,
                "data-testid": "code-input",
            }
        ),
        error_messages={"required": _("Enter the code.")},
    )


class EnrolCodeForm(forms.Form):
    """The first code the newly added authenticator shows."""

    code = forms.CharField(
        label=_("Six-digit code from the app"),
        max_length=16,
        strip=True,
        widget=OneTimeCodeInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "data-testid": "enrol-code-input",
            }
        ),
        error_messages={"required": _("Enter the six-digit code your app shows.")},
    )


class CurrentCodeForm(forms.Form):
    """A current code (or a backup code), asked before a change to two-factor sign-in."""

    ACTIONS = ("backup_codes", "replace", "disable")

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS])
    code = forms.CharField(
        label=_("Current code from your app, or a backup code"),
        max_length=32,
        strip=True,
        widget=OneTimeCodeInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "data-testid": "current-code-input",
            }
        ),
        error_messages={"required": _("Enter a current code first.")},
    )


class NotificationDeliveryForm(forms.Form):
    """How a person takes their notifications: by e-mail and in the inbox, in the inbox only, or
    by e-mail only."""

    notification_delivery = forms.ChoiceField(
        label=_("Notifications by"),
        widget=forms.RadioSelect,
        help_text=_(
            "The inbox always lists your notifications; with e-mail only they arrive there as "
            "read, without a badge. E-mails wait for the service hours, urgent ones excepted."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["notification_delivery"].choices = User.Delivery.choices
