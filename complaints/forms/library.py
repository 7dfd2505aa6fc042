"""The case library's forms (案例库, issue 18 §2): search, proposing a case, reviewing it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.forms.base import ServiceForm
from complaints.forms.pickers import tree_picker
from complaints.models import Category, Outcome
from complaints.selectors.categories import categories_for_picker


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False, empty_label=_("All")
    )
    product = forms.CharField(label=_("Product or service"), required=False, max_length=100)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("All")), *Outcome.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tree_picker(self.fields["category"], categories_for_picker(active_only=False))


def _text(label: Any, rows: int, *, required: bool = True, help_text: Any = "") -> forms.CharField:
    attrs: dict[str, Any] = {"rows": rows}
    if required:
        attrs["required"] = True
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs=attrs),
        help_text=help_text,
    )


class ProposeForm(ServiceForm):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"required": True}),
        help_text=_("What the case teaches, in a line (e.g. “A late delivery answered by phone”)."),
    )
    story = _text(
        _("What happened"),
        6,
        help_text=_(
            "Tell it without the customer's name, numbers or addresses; names, phones, e-mails, "
            "ID-card and order numbers are removed anyway."
        ),
    )
    went_well = _text(_("What went well"), 3, required=False)
    went_wrong = _text(_("What went wrong"), 3, required=False)
    lesson = _text(_("Lesson"), 3, help_text=_("What we do differently from now on."))


class ApproveForm(ServiceForm):
    show_staff = forms.BooleanField(
        label=_("Show the names of the handler and the department head"), required=False
    )


class ReasonForm(ServiceForm):
    reason = forms.CharField(
        label=_("Why?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )
