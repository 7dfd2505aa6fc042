"""The case timeline is append-only (complaints/timeline.py, models/timeline.py, migration 0003)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from complaints.models import CaseEvent, Complaint, State, TimelineIsAppendOnly
from complaints.timeline import record_event
from complaints.views.case.timeline import WRITERS


@pytest.fixture
def case(complaint_in) -> Complaint:
    return complaint_in(State.INVESTIGATION)


def stored_events(complaint: Complaint) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(complaint=complaint)
        .order_by("id")
        .values_list("id", "kind", "actor_id", "at", "comment", "transition")
    )


def test_record_event_appends_a_typed_entry(org, case):
    event = record_event(
        complaint=case,
        kind=CaseEvent.Kind.NOTE,
        actor=org.handler,
        comment="已调取维修记录。",
        data={"source": "crm"},
    )

    stored = CaseEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.actor, stored.comment, stored.data) == (
        CaseEvent.Kind.NOTE,
        org.handler,
        "已调取维修记录。",
        {"source": "crm"},
    )
    assert stored.at is not None
    assert stored.customer_visible is False


def test_an_event_cannot_be_changed_through_the_model(case):
    before = stored_events(case)
    event = case.events.order_by("id").first()

    event.comment = "改写历史"
    with pytest.raises(TimelineIsAppendOnly):
        event.save()
    with pytest.raises(TimelineIsAppendOnly):
        event.save(update_fields=["comment"])

    assert stored_events(case) == before


def test_an_event_cannot_be_deleted_through_the_model(case):
    before = stored_events(case)

    with pytest.raises(TimelineIsAppendOnly):
        case.events.order_by("id").first().delete()

    assert stored_events(case) == before


@pytest.mark.parametrize(
    "attempt",
    [
        lambda case: CaseEvent.objects.filter(complaint=case).update(comment="改写"),
        lambda case: CaseEvent.objects.filter(complaint=case).delete(),
        lambda case: CaseEvent.objects.all().delete(),
        lambda case: case.events.update(actor=None),
        lambda case: case.events.all().delete(),
        lambda case: CaseEvent.objects.bulk_update(list(case.events.all()), ["comment"]),
    ],
    ids=["update", "delete", "delete-all", "related-update", "related-delete", "bulk-update"],
)
def test_an_event_cannot_be_changed_or_deleted_in_bulk(case, attempt):
    before = stored_events(case)

    # (in a savepoint: bulk_update runs its updates inside an atomic block of its own)
    with pytest.raises(TimelineIsAppendOnly), transaction.atomic():
        attempt(case)

    assert stored_events(case) == before


def test_a_complaint_with_a_timeline_cannot_be_deleted(case):
    with pytest.raises(ProtectedError):
        Complaint.objects.get(pk=case.pk).delete()

    assert Complaint.objects.filter(pk=case.pk).exists()
    assert case.events.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE complaints_caseevent SET comment = 'rewritten' WHERE complaint_id = %s",
        "DELETE FROM complaints_caseevent WHERE complaint_id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_changes_on_postgresql(case, sql):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    before = stored_events(case)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [case.pk])

    assert stored_events(case) == before


def test_the_database_still_accepts_new_events_on_postgresql(org, case):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    count = case.events.count()

    record_event(complaint=case, kind=CaseEvent.Kind.NOTE, actor=org.handler, comment="新记录")

    assert case.events.count() == count + 1


def test_every_kind_has_its_own_sentence_on_the_case_page() -> None:
    # A kind added without a writer would read "<who>: <kind>" (the generic fallback).
    assert set(CaseEvent.Kind.values) <= set(WRITERS)
