"""Read queries about the complaint category tree."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import Department
from complaints.models import Category

# The active categories with the department each routes to, as plain values by id: what an
# intake form needs to turn the category sent into the Category complaint_create routes by.
# Read on every complaint sent from the public page; changed a few times a year. Kept in the
# cache (shared by every process with Redis) and forgotten whenever a category or a department
# is saved or deleted (complaints.apps), at once and again at the commit, so that no process
# can rebuild it from what was there before the change committed.
INTAKE_CATEGORIES_KEY = "intake-categories"
INTAKE_CATEGORIES_SECONDS = 300

# (category field names, department field names, {id: (category values, department values)})
_Book = tuple[tuple[str, ...], tuple[str, ...], dict[int, tuple[tuple, tuple | None]]]


def categories_for_picker(*, active_only: bool = True) -> QuerySet[Category]:
    """Categories for a picker, siblings by sort number then name; shown in tree order by
    accounts.tree (the parent is joined for the places that print "parent / child")."""
    categories = Category.objects.select_related("parent").order_by("sort_order", "name")
    return categories.filter(is_active=True) if active_only else categories


def _attnames(model: Any) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _intake_book_build() -> _Book:
    category_fields, department_fields = _attnames(Category), _attnames(Department)
    departments = {
        row[0]: row
        for row in Department.objects.filter(
            pk__in=Category.objects.filter(is_active=True, default_department__isnull=False)
            .order_by()
            .values("default_department_id")
        ).values_list(*department_fields)
    }
    book: dict[int, tuple[tuple, tuple | None]] = {}
    for row in Category.objects.filter(is_active=True).order_by().values_list(*category_fields):
        values = dict(zip(category_fields, row, strict=True))
        book[values["id"]] = (row, departments.get(values["default_department_id"]))
    return category_fields, department_fields, book


def intake_category(*, pk: int) -> Category | None:
    """The active category with this id, with its default department loaded (as
    `select_related("default_department")` would give it), or None; no query while the cached
    copy holds (a fresh instance on every call: callers may change it)."""
    book: _Book | None = cache.get(INTAKE_CATEGORIES_KEY)
    if book is None:
        book = _intake_book_build()
        cache.set(INTAKE_CATEGORIES_KEY, book, INTAKE_CATEGORIES_SECONDS)
    category_fields, department_fields, rows = book
    found = rows.get(pk)
    if found is None:
        return None
    row, department_row = found
    category = Category.from_db("default", category_fields, row)
    department = (
        Department.from_db("default", department_fields, department_row)
        if department_row is not None
        else None
    )
    # What select_related would have set: reading it asks no query.
    Category.default_department.field.set_cached_value(category, department)
    return category


def forget_intake_categories() -> None:
    cache.delete(INTAKE_CATEGORIES_KEY)
    transaction.on_commit(lambda: cache.delete(INTAKE_CATEGORIES_KEY))
