"""Names of the small reference tables (departments, categories, staff) in the reader's language,
by id, for lists that print them on every row.

A queue page used to join or fetch these tables for its 25 rows on every view (four more
relations to plan, or four more queries); they change a few times a year and hold at most a few
thousand rows. The maps are kept in the cache per language (shared by every process with Redis),
forgotten whenever one of the tables changes (complaints.apps), and rebuilt at once when a row
names an id they do not know yet (a change another process made moments ago).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from accounts.models import Department, User
from accounts.people import person_label
from complaints.models import Category

LABELS_SECONDS = 300


@dataclass(frozen=True)
class ReferenceLabels:
    departments: dict[int, str]
    categories: dict[int, str]
    people: dict[int, str]

    def knows(self, *, department: int | None, category: int | None, person: int | None) -> bool:
        return (
            (department is None or department in self.departments)
            and (category is None or category in self.categories)
            and (person is None or person in self.people)
        )


def _key(language: str) -> str:
    return f"reference-labels:{language}"


def _build() -> ReferenceLabels:
    return ReferenceLabels(
        departments={d.pk: d.local_name for d in Department.objects.all()},
        categories={c.pk: c.local_name for c in Category.objects.all()},
        people={u.pk: person_label(u) for u in User.objects.select_related("department")},
    )


def reference_labels(*, fresh: bool = False) -> ReferenceLabels:
    """The maps for the active language; `fresh` rebuilds them (an id was missing)."""
    key = _key(get_language() or settings.LANGUAGE_CODE)
    labels = None if fresh else cache.get(key)
    if labels is None:
        labels = _build()
        cache.set(key, labels, LABELS_SECONDS)
    return labels


def forget_reference_labels() -> None:
    cache.delete_many([_key(code) for code, _name in settings.LANGUAGES])
