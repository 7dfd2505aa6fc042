"""Pagination that stays cheap on very large queues."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most `cap` rows; a longer list reads "more than 1000" and pages only through those.

    An exact COUNT over hundreds of thousands of open cases would cost more than the page itself,
    and nobody pages 40 pages deep: they narrow the list with the filters instead. (Counting up to
    2,500 was a third of a queue page's database time at a million complaints.)
    """

    def __init__(self, object_list, per_page: int, *, cap: int = 1_000, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _seen(self) -> int:
        cases = self.object_list
        if hasattr(cases, "count_up_to"):  # complaints.queues.BranchUnion
            return cases.count_up_to(self.cap + 1)
        return cases.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)

    @property
    def capped(self) -> bool:
        return self._seen > self.cap
