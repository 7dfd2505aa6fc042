from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from complaints.models import Category


def category_subtree_ids(category: Category) -> set[int]:
    """The category and every category below it (the tree is small; one query)."""
    children_of: dict[int | None, list[int]] = {}
    for category_id, parent_id in Category.objects.values_list("id", "parent_id"):
        children_of.setdefault(parent_id, []).append(category_id)
    found: set[int] = set()
    stack = [category.pk]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children_of.get(current, []))
    return found


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = (
            "name",
            "name_en",
            "code",
            "parent",
            "description",
            "default_department",
            "default_severity",
            "is_active",
            "sort_order",
        )

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        if (
            parent is not None
            and self.instance.pk is not None
            and parent.pk in category_subtree_ids(self.instance)
        ):
            raise forms.ValidationError(
                _("A category cannot sit below itself or one of its sub-categories.")
            )
        return parent


class TopLevelCategoryFilter(admin.SimpleListFilter):
    """Filter by top-level branch (sales, after-sales, …) without one query per listed name."""

    title = _("branch")
    parameter_name = "branch"

    def lookups(self, request, model_admin):
        return [
            (str(pk), name)
            for pk, name in Category.objects.filter(parent__isnull=True).values_list("pk", "name")
        ]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Q(pk=self.value()) | Q(parent_id=self.value()))
        return queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = (
        "__str__",
        "name_en",
        "code",
        "parent",
        "default_department",
        "default_severity",
        "is_active",
        "sort_order",
    )
    list_editable = ("is_active", "sort_order")
    list_filter = (TopLevelCategoryFilter, "is_active", "default_severity", "default_department")
    # __str__ reads the parent's name, and the parent column reads the grandparent's.
    list_select_related = ("parent__parent", "default_department")
    search_fields = ("name", "name_en", "code", "parent__name")
    autocomplete_fields = ("parent", "default_department")
    # Each top-level category followed by its children: a readable tree in a flat list.
    ordering = (
        Coalesce("parent__sort_order", "sort_order"),
        Coalesce("parent__name", "name"),
        F("parent").asc(nulls_first=True),
        "sort_order",
        "name",
    )
    fields = (
        "name",
        "name_en",
        "code",
        "parent",
        "description",
        "default_department",
        "default_severity",
        "is_active",
        "sort_order",
    )
