"""What every staff form shares: showing a service's refusal on the fields it names.

Forms check shape (a number is a number, a choice is on the list); the services decide everything
else, and their InvalidInput errors land on the matching field here, so the page shows the same
words the API gives.
"""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.errors import InvalidInput


class ServiceForm(forms.Form):
    # Service field name → this form's field name, where they differ.
    service_fields: Mapping[str, str] = {}

    def __init__(self, *args, id_prefix: str = "", **kwargs) -> None:
        # Many forms share one page: their element ids must not collide ("id_note_text").
        prefix = id_prefix or type(self).__name__.removesuffix("Form").lower()
        kwargs.setdefault("auto_id", f"id_{prefix}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_errors(self, error: InvalidInput) -> None:
        for name, messages in error.fields.items():
            target = self.service_fields.get(name, name)
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


class VersionedForm(ServiceForm):
    """A form about one case, carrying the case version it was rendered from."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, version: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if version is not None:
            self.fields["expected_version"].initial = version


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the evidence service, not here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        files = [item for item in items if item]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [single(item, initial) for item in files]


def yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def datetime_local(attrs: dict | None = None) -> forms.DateTimeInput:
    """A native date-and-time picker; the value is read in the site's time zone."""
    return forms.DateTimeInput(
        attrs={"type": "datetime-local", **(attrs or {})}, format="%Y-%m-%dT%H:%M"
    )
