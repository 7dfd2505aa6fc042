"""The queue filter bar: complaints.filters.ComplaintFilter with compact widgets for a GET form.

The filter set stays the one the API uses; only how its fields render changes here, so the bar
and the API accept the same parameters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.people import person_label
from accounts.selectors import departments_for_picker
from complaints.filters import ComplaintFilter
from complaints.forms.pickers import tree_picker
from complaints.forms.widgets import FastNullBooleanSelect, FastSelect, FastSelectMultiple
from complaints.models import FINAL_STATES, OPEN_STATES, State
from complaints.queues import ORDERINGS, QUEUES, Queue
from complaints.selectors.categories import categories_for_picker

# Query parameters that are not filters: changing them keeps the "filters applied" state.
NOT_FILTERS = {"page", "ordering"}

ORDERING_CHOICES = [
    ("due", _("Due time, earliest first")),
    ("-received_at", _("Received, newest first")),
    ("received_at", _("Received, oldest first")),
]


class CompactMultipleSelect(FastSelectMultiple):
    """A one-line select feeding a multiple-choice filter: one value, or none for "any".

    The filter accepts several values (the API sends `?state=a&state=b`); the bar offers one, which
    is what a person picks from a dropdown. A blank choice means no filter.
    """

    allow_multiple_selected = False

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> list[str]:
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else [data.get(name)]
        return [value for value in values if value]


def _with_blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *list(choices)]


# The long lists of the bar (every category and department as a tree, every active person) are
# the same for every user of a language, and building them (three queries, a few hundred labels)
# cost more than the queue's own query. They are kept in the cache (shared by every process with
# Redis) and forgotten whenever a category, department or person is saved or deleted
# (complaints.apps), or after LONG_CHOICES_SECONDS at the latest.
LONG_CHOICES = ("category", "department", "assignee")
LONG_CHOICES_SECONDS = 300


def _long_choices_key(language: str) -> str:
    return f"queue-filter-choices:{language}"


def _blank_bar_key(language: str, slug: str, ordering: str) -> str:
    return f"queue-filter-bar:{language}:{slug}:{ordering}"


def forget_long_choices() -> None:
    languages = [code for code, _name in settings.LANGUAGES]
    cache.delete_many(
        [_long_choices_key(code) for code in languages]
        + [
            _blank_bar_key(code, queue.slug, ordering)
            for code in languages
            for queue in QUEUES
            for ordering in ORDERINGS
        ]
    )


def plain_queue_request(data: Mapping[str, Any]) -> bool:
    """Whether the query filters nothing (a page number and a known sort at most): then the
    queue needs no filter set, and its filter bar is the blank one of its queue and sort."""
    return not filters_applied(data) and (data.get("ordering") or "due") in ORDERINGS


def blank_filter_bar(*, queue: Queue, ordering: str, render: Callable[[], str]) -> SafeString:
    """The filter bar with nothing chosen, as HTML: the same for everyone who opens `queue`
    sorted by `ordering` in a language, so it is rendered once (`render`) and kept with the long
    lists it shows (forgotten with them). Rendering its fifteen fields and few hundred options
    was a fifth of a queue page."""
    key = _blank_bar_key(get_language() or settings.LANGUAGE_CODE, queue.slug, ordering)
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, LONG_CHOICES_SECONDS)
    return mark_safe(html)  # our own template's output, escaped as it was rendered


def _long_choices(fields: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    key = _long_choices_key(get_language() or settings.LANGUAGE_CODE)
    choices = cache.get(key)
    if choices is None:
        # Each field's own choices (tree order, labels, option values), iterated once.
        choices = {
            name: [(str(value), str(label)) for value, label in fields[name].choices]
            for name in LONG_CHOICES
        }
        cache.set(key, choices, LONG_CHOICES_SECONDS)
    return choices


def queue_filterset(
    data: Mapping[str, Any], *, queue: Queue, queryset: Any, allow_closed: bool
) -> ComplaintFilter:
    """A ComplaintFilter over `queryset` whose form renders as the queue's filter bar."""
    filterset = ComplaintFilter(data, queryset=queryset)
    fields = filterset.form.fields

    states = [(value, label) for value, label in State.choices if value in OPEN_STATES]
    if allow_closed:
        states += [(value, label) for value, label in State.choices if value in FINAL_STATES]
    fields["state"].choices = states
    for name, blank in (
        ("state", _("Any state")),
        ("severity", _("Any severity")),
        ("channel", _("Any channel")),
        ("escalation_level", _("Any level")),
    ):
        fields[name].widget = CompactMultipleSelect(
            choices=_with_blank(fields[name].choices, blank)
        )

    # Old cases keep inactive categories and departments: the filters offer every one, as a tree.
    tree_picker(fields["category"], categories_for_picker(active_only=False))
    fields["category"].empty_label = _("Any category")
    tree_picker(fields["department"], departments_for_picker(active_only=False))
    fields["department"].empty_label = _("Any department")
    fields["assignee"].queryset = (
        User.objects.filter(is_active=True).select_related("department").order_by("username")
    )
    fields["assignee"].label_from_instance = person_label
    fields["assignee"].empty_label = _("Anyone")

    # The long lists come from the cache and write their options in Python; the fields keep their
    # querysets to check a chosen value.
    for name, choices in _long_choices(fields).items():
        fields[name].widget = FastSelect(choices=choices)
    fields["category_only"].widget = forms.CheckboxInput()
    fields["overdue"].widget = FastNullBooleanSelect()
    fields["overdue"].widget.choices = [
        ("unknown", _("Any")),
        ("true", _("Overdue")),
        ("false", _("Not overdue")),
    ]
    for name, blank in (("clock_stage", _("Any stage clock")), ("clock_status", _("Any"))):
        choices = [(value, label) for value, label in fields[name].choices if value != ""]
        fields[name].widget = FastSelect(choices=_with_blank(choices, blank))
    for name in ("received_on", "clock_on"):
        for widget in fields[name].widget.widgets:
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
    fields["search"].widget = forms.TextInput(
        attrs={
            "type": "search",
            "placeholder": _("Reference, customer, phone, subject…"),
            "autocomplete": "off",
        }
    )
    return filterset


def filters_applied(data: Mapping[str, Any]) -> bool:
    """Whether the query narrows the queue (anything but the page and the sort)."""
    return any(value for key, value in data.items() if key not in NOT_FILTERS)


def wants_closed(data: Any) -> bool:
    """Whether the state filter asks for closed, rejected or withdrawn cases."""
    getter = getattr(data, "getlist", None)
    states = getter("state") if getter else [data.get("state")]
    return any(state in FINAL_STATES for state in states)


def ordering_for(data: Mapping[str, Any], *, queue: Queue) -> str:
    value = data.get("ordering") or queue.default_ordering
    return value if value in ORDERINGS else queue.default_ordering
