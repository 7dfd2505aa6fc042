"""The one-row-per-complaint export: which cases, which columns, in the reader's language.

Every export (the streamed CSV, the XLSX built on the `reports` queue, the snapshots' files) reads
its rows here, so they cannot disagree. Cases are those the person may read
(`complaints_visible_to`: a head sees their subtree) that were *received* between two local dates
(the calendar's time zone, both days included). One query: the names come by join, the current
round's approved decision and latest satisfaction score by one subquery each, and the rows are
read in chunks from a server-side cursor, so memory stays flat however many there are.
Customers' phone and e-mail are masked as on the pages: `complaints.privacy` decides, per column
of CONTACT_COLUMNS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Department, User
from accounts.selectors import department_subtree_ids
from complaints.errors import NotFound
from complaints.models import (
    Category,
    Channel,
    Complaint,
    Decision,
    FollowUp,
    Outcome,
    Remedy,
    Severity,
    State,
)
from complaints.privacy import contact_masker
from complaints.selectors import complaints_visible_to
from reports.models import ExportJob

CHUNK_SIZE = 2000
CENTS = Decimal("0.01")
VIEW_ANY_EXPORT = "reports.view_any_export"


@dataclass(frozen=True)
class ExportSpec:
    """Cases received from `date_from` to `date_to` (local dates, both included), narrowed by
    the filters given: a department (and those below it), a category (and its subcategories), a
    channel, a region, a severity."""

    date_from: date
    date_to: date
    department: int | None = None
    category: int | None = None
    channel: str = ""
    region: str = ""
    severity: str = ""

    def filters(self) -> dict[str, Any]:
        """The filters given, as stored on an export job (JSON)."""
        return {
            key: value
            for key, value in asdict(self).items()
            if key not in ("date_from", "date_to") and value not in (None, "")
        }

    @classmethod
    def from_filters(cls, *, date_from: date, date_to: date, filters: dict[str, Any]) -> ExportSpec:
        return cls(date_from=date_from, date_to=date_to, **filters)


# (key, header) in the file's order. Stage dates are local times; amount and outcome are those of
# the approved decision of the current handling round; satisfaction the latest score given in it.
COLUMNS: list[tuple[str, Promise]] = [
    ("reference", _("Reference")),
    ("received_at", pgettext_lazy("export column", "Received at")),
    ("channel", _("Channel")),
    ("category", _("Category")),
    ("region", _("Region")),
    ("product", _("Product or service")),
    ("severity", _("Severity")),
    ("department", _("Owning department")),
    ("state", pgettext_lazy("export column", "Status")),
    ("first_response_at", pgettext_lazy("export column", "First response at")),
    ("investigation_completed_at", pgettext_lazy("export column", "Investigation completed at")),
    ("decided_at", pgettext_lazy("export column", "Decided at")),
    ("replied_at", pgettext_lazy("export column", "Outcome communicated at")),
    ("closed_at", pgettext_lazy("export column", "Closed at")),
    ("rejected_at", pgettext_lazy("export column", "Rejected at")),
    ("withdrawn_at", pgettext_lazy("export column", "Withdrawn at")),
    ("outcome", _("Outcome")),
    ("remedy", _("Remedy")),
    ("amount", _("Amount (CNY)")),
    ("satisfaction", _("Satisfaction (1–5)")),
    ("reopen_count", _("Reopened (二次处理)")),
    ("escalation_level", _("Escalation level (0–3)")),
    ("customer", _("Customer")),
    ("phone", _("Phone")),
    ("email", _("E-mail")),
]
# The columns that carry the customer's contact details: column → the detail (ContactField) whose
# masking complaints.privacy decides. A new column with contact data goes here, or the test that
# walks every column for every role (tests/privacy/test_masking_walk.py) fails.
CONTACT_COLUMNS = {"phone": "phone", "email": "email"}
DATETIME_COLUMNS = {
    "received_at",
    "first_response_at",
    "investigation_completed_at",
    "decided_at",
    "replied_at",
    "closed_at",
    "rejected_at",
    "withdrawn_at",
}

_FIELDS = [
    "reference",
    "received_at",
    "channel",
    "category__name",
    "category__name_en",
    "category__parent__name",
    "category__parent__name_en",
    "region",
    "product_or_service",
    "severity",
    "department__name",
    "department__name_en",
    "state",
    "first_response_at",
    "investigation_completed_at",
    "decided_at",
    "replied_at",
    "closed_at",
    "rejected_at",
    "withdrawn_at",
    "decision",
    "satisfaction",
    "reopen_count",
    "escalation_level",
    "customer__name",
    "customer__phone",
    "customer__email",
]


def export_headers(*, language: str) -> list[str]:
    with translation.override(language):
        return [str(header) for _key, header in COLUMNS]


def _local_bounds(spec: ExportSpec) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.combine(spec.date_from, time.min, tzinfo=zone)
    end = datetime.combine(spec.date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def category_subtree_ids(root: int, *, using: str) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.using(using).values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found: set[int] = set()
    stack = [root]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def export_queryset(
    *, user: User, spec: ExportSpec, using: str
) -> QuerySet[Complaint, tuple[Any, ...]]:
    """The cases of the export, in order of receipt, as value tuples of `_FIELDS`."""
    start, end = _local_bounds(spec)
    complaints = (
        complaints_visible_to(user=user)
        .using(using)
        .filter(received_at__gte=start, received_at__lt=end)
    )
    if spec.department is not None:
        scope = department_subtree_ids(department=Department(pk=spec.department))
        complaints = complaints.filter(department_id__in=scope)
    if spec.category is not None:
        complaints = complaints.filter(
            category_id__in=category_subtree_ids(spec.category, using=using)
        )
    if spec.channel:
        complaints = complaints.filter(channel=spec.channel)
    if spec.region:
        complaints = complaints.filter(region=spec.region)
    if spec.severity:
        complaints = complaints.filter(severity=spec.severity)
    decision = (
        Decision.objects.filter(
            complaint=OuterRef("pk"),
            round=OuterRef("reopen_count"),
            state=Decision.Status.APPROVED,
        )
        .order_by("-created_at", "-id")
        .values(json=JSONObject(outcome="outcome", remedy="remedy", amount="amount"))[:1]
    )
    satisfaction = (
        FollowUp.objects.filter(
            Q(complaint=OuterRef("pk"), round=OuterRef("reopen_count"), reached=True)
            & Q(satisfaction__isnull=False)
        )
        .order_by("-at", "-id")
        .values("satisfaction")[:1]
    )
    return (
        complaints.annotate(
            decision=Subquery(decision, output_field=JSONField()),
            satisfaction=Subquery(satisfaction),
        )
        .order_by(F("received_at").asc(), "id")
        .values_list(*_FIELDS)
    )


def _local_name(name: str | None, name_en: str | None, *, english: bool) -> str:
    if not name:
        return ""
    return name_en if english and name_en else name


def _decision(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def export_rows(
    *, user: User, spec: ExportSpec, language: str, using: str
) -> Iterator[dict[str, Any]]:
    """One dict per case, keyed as COLUMNS: texts in `language`, stage times as local datetimes,
    the amount a Decimal, contacts masked unless `user` may see them."""
    english = not language.lower().startswith("zh")
    show_contact = contact_masker(user=user)
    zone = timezone.get_default_timezone()
    with translation.override(language):
        labels = {
            "channel": {code: str(label) for code, label in Channel.choices},
            "severity": {code: str(label) for code, label in Severity.choices},
            "state": {code: str(label) for code, label in State.choices},
            "outcome": {code: str(label) for code, label in Outcome.choices},
            "remedy": {code: str(label) for code, label in Remedy.choices},
        }
    channels, severities, states = labels["channel"], labels["severity"], labels["state"]
    outcomes, remedies = labels["outcome"], labels["remedy"]
    # Tuples unpacked by name and the labels looked up in plain dicts: this loop runs once per
    # case of the month (100,000 and more), so it does no per-row work it can do once.
    rows = export_queryset(user=user, spec=spec, using=using).iterator(chunk_size=CHUNK_SIZE)
    for (
        reference,
        received_at,
        channel,
        category_name,
        category_name_en,
        parent_name,
        parent_name_en,
        region,
        product,
        severity,
        department_name,
        department_name_en,
        state,
        first_response_at,
        investigation_completed_at,
        decided_at,
        replied_at,
        closed_at,
        rejected_at,
        withdrawn_at,
        decision_value,
        satisfaction,
        reopen_count,
        escalation_level,
        customer,
        phone,
        email,
    ) in rows:
        decision = _decision(decision_value)
        category = _local_name(category_name, category_name_en, english=english)
        parent = _local_name(parent_name, parent_name_en, english=english)
        phone, email = phone or "", email or ""
        amount = decision.get("amount")
        yield {
            "reference": reference,
            "received_at": received_at.astimezone(zone),
            "channel": channels.get(channel, channel),
            "category": f"{parent} / {category}" if parent else category,
            "region": region,
            "product": product,
            "severity": severities.get(severity, severity),
            "department": _local_name(department_name, department_name_en, english=english),
            "state": states.get(state, state),
            "first_response_at": _local(first_response_at, zone),
            "investigation_completed_at": _local(investigation_completed_at, zone),
            "decided_at": _local(decided_at, zone),
            "replied_at": _local(replied_at, zone),
            "closed_at": _local(closed_at, zone),
            "rejected_at": _local(rejected_at, zone),
            "withdrawn_at": _local(withdrawn_at, zone),
            "outcome": outcomes.get(decision.get("outcome", ""), ""),
            "remedy": remedies.get(decision.get("remedy", ""), ""),
            "amount": Decimal(str(amount)).quantize(CENTS) if amount is not None else None,
            "satisfaction": satisfaction,
            "reopen_count": reopen_count,
            "escalation_level": escalation_level,
            "customer": customer,
            "phone": show_contact(CONTACT_COLUMNS["phone"], phone),
            "email": show_contact(CONTACT_COLUMNS["email"], email),
        }


def _local(value: datetime | None, zone: Any) -> datetime | None:
    return value.astimezone(zone) if value is not None else None


def export_job_get_for_user(*, user: User, job_id: int) -> ExportJob:
    """The job if `user` asked for it or may read every export; otherwise NotFound, never a hint
    (a file holds its requester's scope and unmasked contacts)."""
    jobs = ExportJob.objects.select_related("requested_by")
    if not user.has_perm(VIEW_ANY_EXPORT):
        jobs = jobs.filter(requested_by=user)
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise NotFound(_("No such export."))
    return job


def export_jobs_recent(*, user: User, limit: int = 10) -> list[ExportJob]:
    """The person's latest export jobs, newest first (their index)."""
    return list(ExportJob.objects.filter(requested_by=user).order_by("-created_at", "-id")[:limit])
