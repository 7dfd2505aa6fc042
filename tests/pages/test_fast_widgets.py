"""The filter bar's selects write their options in Python: the HTML must be Django's own."""

from __future__ import annotations

import re

import pytest
from django import forms

from complaints.forms.widgets import FastNullBooleanSelect, FastSelect, FastSelectMultiple

CHOICES = [
    ("", "Any"),
    ("a&b", 'Tom & "Jerry" <script>'),
    ("plain", "\u00a0\u00a0— 售后服务"),
    ("Group <1>", [("g1", "One"), ("g2", "Two")]),
]


def same(html: str) -> str:
    # Django's templates put line breaks between options; the browser ignores them.
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    ("fast", "django_widget", "value"),
    [
        (FastSelect, forms.Select, "a&b"),
        (FastSelect, forms.Select, "g2"),
        (FastSelectMultiple, forms.SelectMultiple, ["plain", "g1"]),
    ],
)
def test_a_fast_select_writes_what_django_writes(fast, django_widget, value):
    attrs = {"id": "id_x", "aria-invalid": "true", "required": True, "disabled": False}

    mine = fast(choices=CHOICES).render("x", value, attrs=attrs)
    django = django_widget(choices=CHOICES).render("x", value, attrs=attrs)

    assert same(mine) == same(django)
    assert "&lt;script&gt;" in mine and "<script>" not in mine


@pytest.mark.parametrize("value", [True, False, None])
def test_the_yes_no_select_too(value):
    assert same(FastNullBooleanSelect().render("overdue", value)) == same(
        forms.NullBooleanSelect().render("overdue", value)
    )
