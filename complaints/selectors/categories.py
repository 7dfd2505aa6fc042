"""Read queries about the complaint category tree."""

from __future__ import annotations

from django.db.models import QuerySet

from complaints.models import Category


def categories_for_picker(*, active_only: bool = True) -> QuerySet[Category]:
    """Categories for a picker, siblings by sort number then name; shown in tree order by
    accounts.tree (the parent is joined for the places that print "parent / child")."""
    categories = Category.objects.select_related("parent").order_by("sort_order", "name")
    return categories.filter(is_active=True) if active_only else categories
