"""Reads of the two registers (complaints.models.registers): who may read which entry, the lists
with their filters, one entry, a case's entries, and the lost-property month's figures.

Legal documents: holders of `complaints.view_legaldocument` read every entry; anyone else reads
the entries forwarded to them or to their department (the legal department's handlers), and
nothing else. A missing entry and one out of reach look the same (NotFound).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils.translation import gettext as _

from accounts.models import User, localized_name
from complaints.errors import NotFound
from complaints.models import LegalDocument, LostProperty
from complaints.selectors.access import complaints_visible_to

Entry = TypeVar("Entry", LegalDocument, LostProperty)

VIEW_LEGAL = "complaints.view_legaldocument"
VIEW_LOST = "complaints.view_lostproperty"

LEGAL_ALL, LEGAL_UNFORWARDED = "all", "unforwarded"
LEGAL_FILTERS = (LEGAL_ALL, LEGAL_UNFORWARDED)
LOST_ALL, LOST_OPEN = "all", "open"
LOST_FILTERS = (LOST_ALL, LOST_OPEN)


def _active(user: User | AnonymousUser) -> bool:
    return isinstance(user, User) and user.is_active


# --- legal documents ------------------------------------------------------------------------


def legal_documents_visible_to(*, user: User | AnonymousUser) -> QuerySet[LegalDocument]:
    documents = LegalDocument.objects.all()
    if not _active(user):
        return documents.none()
    assert isinstance(user, User)
    if user.has_perm(VIEW_LEGAL):
        return documents
    mine = Q(forwarded_to=user)
    if user.department_id is not None:
        mine |= Q(forwarded_to_department_id=user.department_id)
    return documents.filter(mine)


def can_read_legal_register(user: User | AnonymousUser) -> bool:
    """The register's list (not only the entries forwarded to them)."""
    return _active(user) and user.has_perm(VIEW_LEGAL)


def legal_documents_list(
    *, user: User, show: str = LEGAL_ALL, kind: str = "", search: str = ""
) -> QuerySet[LegalDocument]:
    documents = legal_documents_visible_to(user=user).select_related(
        "received_by__department",
        "forwarded_to_department",
        "forwarded_to__department",
        "complaint",
    )
    if show == LEGAL_UNFORWARDED:
        documents = documents.filter(forwarded_at__isnull=True)
    if kind:
        documents = documents.filter(kind=kind)
    search = search.strip()
    if search:
        documents = documents.filter(
            Q(sender__icontains=search)
            | Q(their_reference__icontains=search)
            | Q(summary__icontains=search)
            | Q(complaint__reference__iexact=search)
        )
    return documents.order_by("-received_at", "-id")


def legal_document_get_for_user(*, user: User | AnonymousUser, pk: int) -> LegalDocument:
    try:
        return (
            legal_documents_visible_to(user=user)
            .select_related(
                "received_by__department",
                "signed_by__department",
                "recorded_by__department",
                "forwarded_to_department",
                "forwarded_to__department",
                "forwarded_by__department",
                "complaint",
            )
            .prefetch_related("files")
            .get(pk=pk)
        )
    except LegalDocument.DoesNotExist as missing:
        raise NotFound(_("No such legal document.")) from missing


def with_case_references(*, user: User | AnonymousUser, entries: Iterable[Entry]) -> list[Entry]:
    """The entries, each with `case_reference`: its complaint's reference when `user` may read
    that complaint, else "" (a register reader who may not read the case is not told it
    exists). One query when any entry names a complaint."""
    rows = list(entries)
    ids = {row.complaint_id for row in rows if row.complaint_id is not None}
    readable: set[int] = set()
    if ids:
        readable = set(
            complaints_visible_to(user=user).filter(pk__in=ids).values_list("pk", flat=True)
        )
    for row in rows:
        case = row.complaint if row.complaint_id in readable else None
        row.case_reference = case.reference if case is not None else ""
    return rows


# --- lost property --------------------------------------------------------------------------


def lost_property_visible_to(*, user: User | AnonymousUser) -> QuerySet[LostProperty]:
    if not (_active(user) and user.has_perm(VIEW_LOST)):
        return LostProperty.objects.none()
    return LostProperty.objects.all()


def lost_property_list(
    *,
    user: User,
    show: str = LOST_ALL,
    department_id: int | None = None,
    search: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[LostProperty]:
    entries = lost_property_visible_to(user=user).select_related("department", "complaint")
    if show == LOST_OPEN:
        entries = entries.filter(outcome=LostProperty.Outcome.OPEN)
    if department_id is not None:
        entries = entries.filter(department_id=department_id)
    if since is not None:
        entries = entries.filter(lost_at__gte=since)
    if until is not None:
        entries = entries.filter(lost_at__lt=until)
    search = search.strip()
    if search:
        entries = entries.filter(
            Q(customer_name__icontains=search)
            | Q(description__icontains=search)
            | Q(area__icontains=search)
            | Q(police_report_number__iexact=search)
            | Q(complaint__reference__iexact=search)
        )
    return entries.order_by("-lost_at", "-id")


def lost_property_get_for_user(*, user: User | AnonymousUser, pk: int) -> LostProperty:
    try:
        return (
            lost_property_visible_to(user=user)
            .select_related(
                "department", "complaint", "recorded_by__department", "outcome_by__department"
            )
            .get(pk=pk)
        )
    except LostProperty.DoesNotExist as missing:
        raise NotFound(_("No such lost property entry.")) from missing


@dataclass
class LostPropertyFigures:
    """The figures risk control presents each month (seed 004 §五.2 F): how many, where, when.

    Counted by the time each item was lost (`lost_at`) within [start, end); the hour is the local
    hour of day (settings.TIME_ZONE). A month is its local first day 00:00 to the next month's.
    """

    start: datetime
    end: datetime
    total: int = 0
    by_kind: list[tuple[str, str, int]] = field(default_factory=list)  # (code, label, count)
    by_department: list[tuple[int | None, str, int]] = field(default_factory=list)
    by_area: list[tuple[str, int]] = field(default_factory=list)
    by_hour: list[int] = field(default_factory=lambda: [0] * 24)
    returned: int = 0

    @property
    def busiest_hours(self) -> list[int]:
        """The local hours with the most entries (all of them when tied); none when empty."""
        top = max(self.by_hour)
        return [hour for hour, count in enumerate(self.by_hour) if count == top] if top else []

    @property
    def busiest_hour(self) -> int | None:
        """The one busiest hour; None when empty or tied."""
        hours = self.busiest_hours
        return hours[0] if len(hours) == 1 else None


def month_bounds(year: int, month: int, tz: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """The local month as [start, end) aware datetimes."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def month_of(value: str | None, today: date) -> tuple[int, int]:
    """ "YYYY-MM" as (year, month); this month when empty or not a month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def lost_property_month(*, year: int, month: int) -> LostPropertyFigures:
    """The local month's figures."""
    start, end = month_bounds(year, month)
    return lost_property_figures(start=start, end=end)


def lost_property_figures(*, start: datetime, end: datetime) -> LostPropertyFigures:
    """The entries lost in [start, end), counted in one GROUP BY over (kind, department, area,
    local hour, outcome); the combinations (at most one per entry) are summed into each figure
    here, so the report and the statistics page pay one query."""
    tz = ZoneInfo(settings.TIME_ZONE)
    groups = (
        LostProperty.objects.filter(lost_at__gte=start, lost_at__lt=end)
        .annotate(hour=ExtractHour("lost_at", tzinfo=tz))
        .values(
            "kind",
            "department_id",
            "department__name",
            "department__name_en",
            "area",
            "hour",
            "outcome",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    figures = LostPropertyFigures(start=start, end=end)
    kinds: Counter[str] = Counter()
    departments: Counter[tuple[int | None, str]] = Counter()
    areas: Counter[str] = Counter()
    for row in groups:
        n = row["n"]
        figures.total += n
        kinds[row["kind"]] += n
        label = (
            localized_name(row["department__name"], row["department__name_en"])
            if row["department_id"] is not None
            else str(_("Not known"))
        )
        departments[(row["department_id"], label)] += n
        areas[row["area"]] += n
        figures.by_hour[row["hour"]] += n
        if row["outcome"] == LostProperty.Outcome.RETURNED:
            figures.returned += n
    kind_labels = dict(LostProperty.Kind.choices)
    figures.by_kind = [
        (code, str(kind_labels.get(code, code)), n)
        for code, n in sorted(kinds.items(), key=lambda item: (-item[1], item[0]))
    ]
    # Most first; "not known" before the named departments of the same count.
    figures.by_department = [
        (pk, label, n)
        for (pk, label), n in sorted(
            departments.items(), key=lambda item: (-item[1], item[0][0] is not None, item[0][1])
        )
    ]
    figures.by_area = sorted(areas.items(), key=lambda item: (-item[1], item[0]))
    return figures
