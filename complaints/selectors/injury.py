"""Reads of the personal-injury record (issue 16 §1): the record with its rows, what is done and
what is missing, the compensation total."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, Sum

from accounts.models import User
from complaints.models import (
    DOCUMENT_ITEMS,
    Complaint,
    InjuryCompensation,
    InjuryDocument,
    InjuryItem,
    InjuryRecord,
    InjuryWitness,
)
from sla.models import CaseChecklistStep


def injury_record_of(*, complaint: Complaint) -> InjuryRecord | None:
    """The case's record with its people, witnesses, documents and breakdown (four queries), or
    None before anything was recorded; no query at all on a case not flagged as an injury."""
    if not complaint.personal_injury:
        return None
    return (
        InjuryRecord.objects.select_related(
            "accompanied_by",
            "accompany_decided_by",
            "advance_decided_by",
            "advance_requested_by",
            "advance_approved_by",
            "advance_paid_by",
            "receipts_exception_by",
            "police_recorded_by",
            "ambulance_recorded_by",
            "insurer_notified_by",
            "insurer_opinion_by",
            "insurer_body",
        )
        .prefetch_related(
            Prefetch("witnesses", queryset=InjuryWitness.objects.select_related("recorded_by")),
            Prefetch("documents", queryset=InjuryDocument.objects.select_related("recorded_by")),
            Prefetch("compensation", queryset=InjuryCompensation.objects.order_by("id")),
        )
        .filter(complaint=complaint)
        .first()
    )


def injury_compensation_total(*, complaint: Complaint) -> Decimal | None:
    """The sum of the case's compensation breakdown; None when it has no breakdown."""
    if not complaint.personal_injury:
        return None
    total: Decimal | None = InjuryCompensation.objects.filter(
        record__complaint=complaint
    ).aggregate(total=Sum("amount"))["total"]
    return total


@dataclass
class ItemStatus:
    """One item of the procedure as the card and the API show it."""

    item: InjuryItem
    done: bool
    # Who recorded it and when (the first of several witnesses; None while missing).
    by: User | None = None
    at: datetime | None = None
    # The case's checklist step for it (deadline, not applicable), if the checklist has one.
    step: CaseChecklistStep | None = None

    @property
    def not_applicable(self) -> bool:
        return not self.done and self.step is not None and self.step.outcome == "not_applicable"

    @property
    def missing(self) -> bool:
        return not self.done and not self.not_applicable


def injury_items(
    *, record: InjuryRecord | None, steps: list[CaseChecklistStep]
) -> list[ItemStatus]:
    """Each item of the procedure, done or missing, with its checklist step (the case's steps,
    already loaded, are matched by their injury item: no query)."""
    by_item = {step.injury_item: step for step in steps if step.injury_item}
    rows: list[ItemStatus] = []
    witnesses = list(record.witnesses.all()) if record else []
    documents = {d.item: d for d in record.documents.all()} if record else {}
    for item in InjuryItem:
        status = ItemStatus(item=item, done=False, step=by_item.get(item))
        if item == InjuryItem.WITNESSES and witnesses:
            first = witnesses[0]
            status.done, status.by, status.at = True, first.recorded_by, first.recorded_at
        elif item == InjuryItem.EMERGENCY_CALL and record is not None:
            calls = [
                (at, by)
                for at, by in (
                    (record.police_called_at, record.police_recorded_by),
                    (record.ambulance_called_at, record.ambulance_recorded_by),
                )
                if at is not None
            ]
            if calls:
                status.done, (status.at, status.by) = True, min(calls, key=lambda c: c[0])
        elif item == InjuryItem.INSURER and record is not None and record.insurer_notified_on:
            status.done, status.by = True, record.insurer_notified_by
        elif item in DOCUMENT_ITEMS and item in documents:
            document = documents[item]
            status.done, status.by, status.at = True, document.recorded_by, document.recorded_at
        rows.append(status)
    return rows


@dataclass
class InjuryCard:
    """What the case page and the API show of the record: the record (an unsaved blank before
    anything was recorded), its rows, the breakdown's total and each item's status."""

    record: InjuryRecord
    witnesses: list[InjuryWitness]
    compensation: list[InjuryCompensation]
    total: Decimal
    items: list[ItemStatus]
    exists: bool

    @property
    def missing(self) -> list[ItemStatus]:
        return [row for row in self.items if row.missing]


def injury_card(*, complaint: Complaint, steps: list[CaseChecklistStep]) -> InjuryCard | None:
    """The card of an injury case (None for other cases, with no query)."""
    if not complaint.personal_injury:
        return None
    record = injury_record_of(complaint=complaint)
    if record is None:
        return InjuryCard(
            record=InjuryRecord(complaint=complaint),
            witnesses=[],
            compensation=[],
            total=Decimal(0),
            items=injury_items(record=None, steps=steps),
            exists=False,
        )
    compensation = list(record.compensation.all())
    return InjuryCard(
        record=record,
        witnesses=list(record.witnesses.all()),
        compensation=compensation,
        total=sum((row.amount for row in compensation), Decimal(0)),
        items=injury_items(record=record, steps=steps),
        exists=True,
    )
