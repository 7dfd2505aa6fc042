"""Pickers of tree-shaped lists (categories, departments): parent, then its children, indented.

Every category and department picker of the staff pages uses `tree_picker`, so they all read
the same way; the order among siblings is the selector's (complaints.selectors.categories,
accounts.selectors).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.forms.models import ModelChoiceField, ModelChoiceIterator, ModelChoiceIteratorValue

from accounts.tree import in_tree_order, tree_label


class TreeChoiceIterator(ModelChoiceIterator):
    """The field's queryset in tree order, each option its name (in the reader's language)
    indented by depth (one query)."""

    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for node, depth in in_tree_order(self.queryset):
            yield (
                ModelChoiceIteratorValue(self.field.prepare_value(node), node),
                tree_label(node.local_name, depth),
            )


def tree_picker(field: Any, queryset: QuerySet) -> None:
    """Make a model choice field (a form's or a filter's) offer `queryset` as a tree."""
    assert isinstance(field, ModelChoiceField)
    field.iterator = TreeChoiceIterator  # first: setting the queryset renders the choices
    field.queryset = queryset
