"""Repeat and duplicate complaints (issue 18 §4): finding the cases a new complaint may repeat,
linking two as related, merging a duplicate into the case that goes on, the repeat mark."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEntry
from complaints.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from complaints.models import (
    CaseEvent,
    CaseLink,
    Complaint,
    ContactDirection,
    ContactPurpose,
    CustomerContact,
    CustomerText,
    EvidenceFile,
    FollowUp,
    RejectionReason,
    State,
)
from complaints.selectors.case import customer_history
from complaints.selectors.duplicates import (
    customer_repeat_standing,
    linked_cases,
    possible_duplicates,
    possible_duplicates_of,
)
from complaints.services import contact_record, evidence_add
from complaints.services.duplicates import complaint_link_related, complaint_merge_duplicate
from sla.models import Clock
from tests.complaints.test_evidence import PDF, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def refs(found) -> set[str]:
    return {case.reference for case in found}


# --- finding possible duplicates -------------------------------------------------------------


def test_a_phone_written_another_way_finds_the_customers_open_case(org, new_complaint):
    first = new_complaint(customer_phone="13812345678")

    for written in ("+86 138 1234 5678", "138-1234-5678", "+8613812345678", " 13812345678 "):
        assert refs(possible_duplicates(user=org.agent, phone=written)) == {first.reference}


def test_the_order_number_finds_a_case_of_another_customer_whatever_the_letter_case(
    org, new_complaint
):
    first = new_complaint(customer_phone="13900001111", order_ref="JD-2026-0042")

    [found] = possible_duplicates(user=org.agent, phone="13700002222", order_ref=" jd-2026-0042 ")
    assert found.reference == first.reference
    assert found.same_order is True
    [by_customer] = possible_duplicates(user=org.agent, phone="13900001111")
    assert by_customer.same_order is False


def test_the_e_mail_finds_the_case_in_any_letter_case(org, new_complaint):
    first = new_complaint(customer_phone="", customer_email="li.na@example.com")

    assert refs(possible_duplicates(user=org.agent, email="Li.Na@Example.COM")) == {first.reference}


def test_nothing_to_match_or_a_half_typed_number_finds_nothing(org, new_complaint):
    new_complaint()
    assert possible_duplicates(user=org.agent) == []
    assert possible_duplicates(user=org.agent, phone="138") == []
    assert possible_duplicates(user=org.agent, phone="not a number") == []
    assert possible_duplicates(user=org.agent, order_ref="   ") == []


def test_cases_ended_within_the_window_count_and_older_ones_do_not(
    org, new_complaint, flow, settings
):
    settings.COMPLAINTS_DUPLICATE_WINDOW_DAYS = 30
    recent = flow.run(new_complaint(subject="最近撤回"), "withdraw")
    old = flow.run(new_complaint(subject="很久以前撤回"), "withdraw")
    Complaint.objects.filter(pk=old.pk).update(withdrawn_at=timezone.now() - timedelta(days=31))
    open_case = new_complaint(subject="仍在处理")

    found = refs(possible_duplicates(user=org.agent, phone="13812345678"))
    assert found == {recent.reference, open_case.reference}


def test_a_case_only_sees_the_others_not_itself_nor_those_already_linked(org, new_complaint):
    first = new_complaint()
    second = new_complaint()
    third = new_complaint()
    complaint_link_related(actor=org.agent, complaint=first, other=second)

    assert refs(possible_duplicates_of(user=org.agent, complaint=first)) == {third.reference}


def test_a_department_scoped_user_sees_only_the_duplicates_they_may_read(org, new_complaint):
    new_complaint(department=org.legal, category=None)
    assert possible_duplicates(user=org.handler, phone="13812345678") == []


def test_the_duplicate_search_is_two_queries(org, new_complaint, django_assert_num_queries):
    for _n in range(3):
        new_complaint(order_ref="A-1")
    with django_assert_num_queries(1):
        assert len(possible_duplicates(user=org.agent, order_ref="A-1")) == 3
    with django_assert_num_queries(2):
        found = possible_duplicates(
            user=org.agent, phone="13812345678", email="x@example.com", order_ref="A-1"
        )
        assert [case.customer.name for case in found] == ["王先生"] * 3


def test_cases_found_by_the_customer_and_the_order_number_come_once_newest_first(
    org, new_complaint
):
    now = timezone.now()
    mine = [new_complaint(order_ref="JD-7" if n == 1 else "") for n in range(4)]
    theirs = new_complaint(customer_phone="13900001111", order_ref="jd-7")
    # received one hour apart, newest last: mine[0] .. mine[3], then theirs
    for hours, case in enumerate([*mine, theirs]):
        Complaint.objects.filter(pk=case.pk).update(received_at=now - timedelta(hours=10 - hours))

    found = possible_duplicates(user=org.agent, phone="13812345678", order_ref="JD-7", limit=4)

    # mine[1] matched both ways and comes once; the limit holds over both branches
    assert [case.reference for case in found] == [
        theirs.reference,
        mine[3].reference,
        mine[2].reference,
        mine[1].reference,
    ]
    assert [case.same_order for case in found] == [True, False, False, True]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")
def test_the_duplicate_search_reads_its_indexes_not_the_whole_tables(org, new_complaint):
    new_complaint(order_ref="A-1", customer_email="a@example.com")
    with CaptureQueriesContext(connection) as captured:
        possible_duplicates(
            user=org.agent, phone="+86 138 1234 5678", email="A@example.com", order_ref="a-1"
        )
    plans = []
    with connection.cursor() as cursor:
        # A test table is tiny, where a sequential scan is always cheapest; forbid it to see
        # whether the indexes can answer at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    customers, cases = plans
    assert "customer_unique_phone" in customers and "customer_email_idx" in customers, customers
    # the cases by their customer and by the order number, each on its index
    assert "complaint_order_ref_idx" in cases, cases
    assert "Index Cond: (customer_id =" in cases, cases
    # each customer's cases on their (customer, received_at) index; how the planner walks it
    # depends on the table's statistics (backward and stopping after the page at volume, as
    # bench/duplicates.py shows; a bitmap over a tiny table)
    assert "complaint_customer_recv_idx" in cases, cases
    assert "Seq Scan" not in "".join(plans), plans


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of a PostgreSQL plan")
def test_a_customers_history_and_repeat_mark_read_their_cases_and_visits_on_indexes(
    org, new_complaint, flow
):
    case = new_complaint()
    FollowUp.objects.create(
        complaint=case, by=org.agent, at=timezone.now(), method="phone", satisfaction=4
    )
    with CaptureQueriesContext(connection) as captured:
        history = customer_history(user=org.agent, phone="13812345678")
        customer_repeat_standing(customer_id=case.customer_id)
    assert history is not None and history.total == 1 and history.average_satisfaction == 4
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # tiny tables: see above
        for query in captured.captured_queries:
            if 'FROM "complaints_complaint"' in query["sql"]:
                cursor.execute(f"EXPLAIN {query['sql']}")
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
    # the page of cases, the history's figures, the repeat mark
    assert len(plans) == 3, plans
    for plan in plans:
        assert "complaint_customer_recv_idx" in plan, plan
        assert "Seq Scan" not in plan, plan
    for figures in plans[1:]:
        # the visits: one probe per case (index-only once the table is vacuumed, as at volume:
        # bench/duplicates.py)
        assert "followup_complaint_idx" in figures, figures


# --- linking as related ------------------------------------------------------------------------


def test_linking_shows_the_link_on_both_cases_with_a_timeline_entry_and_an_audit_entry(
    org, new_complaint
):
    first = new_complaint()
    second = new_complaint()

    link = complaint_link_related(
        actor=org.agent, complaint=second, other=first, comment="同一台空调"
    )

    assert (link.from_complaint_id, link.to_complaint_id) == (first.pk, second.pk)
    for case, other in ((first, second), (second, first)):
        [linked] = linked_cases(user=org.agent, complaint=case)
        assert (linked.complaint, linked.kind, linked.merged_here) == (other, "related", False)
        entry = CaseEvent.objects.get(complaint=case, kind=CaseEvent.Kind.LINKED)
        assert entry.data["other"] == other.reference
        assert (entry.actor, entry.comment) == (org.agent, "同一台空调")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.COMPLAINTS_LINKED).count() == 1


def test_a_link_is_refused_to_itself_twice_or_without_access(org, new_complaint):
    first = new_complaint()
    second = new_complaint()
    other_dept = new_complaint(department=org.legal, category=None)
    with pytest.raises(InvalidInput):
        complaint_link_related(actor=org.agent, complaint=first, other=first)
    complaint_link_related(actor=org.agent, complaint=first, other=second)
    with pytest.raises(InvalidInput):
        complaint_link_related(actor=org.agent, complaint=second, other=first)
    with pytest.raises(NotFound):
        complaint_link_related(actor=org.handler, complaint=first, other=other_dept)
    with pytest.raises(PermissionDenied):
        complaint_link_related(actor=org.auditor, complaint=first, other=second)
    assert CaseLink.objects.count() == 1


# --- merging a duplicate --------------------------------------------------------------------------


@pytest.fixture
def pair(org, new_complaint, flow):
    """A case in investigation with a photo and a call, and its duplicate at triage with a PDF
    and a message of the customer's."""
    survivor = flow.advance(new_complaint(customer_email="wang@example.com"), State.INVESTIGATION)
    evidence_add(
        complaint=survivor,
        actor=org.handler,
        kind="photo",
        upload=SimpleUploadedFile("a.png", png_bytes(), "image/png"),
    )
    duplicate = flow.advance(
        new_complaint(subject="又一次投诉空调", customer_phone="+86 138 1234 5678"), State.TRIAGE
    )
    evidence_add(
        complaint=duplicate,
        actor=org.agent,
        kind="receipt",
        upload=SimpleUploadedFile("维修单.pdf", PDF, "application/pdf"),
    )
    contact_record(
        complaint=duplicate,
        actor=org.agent,
        channel="phone",
        direction=ContactDirection.INBOUND,
        summary="客户再次来电催促",
    )
    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    return survivor, duplicate


def timeline(case) -> list[tuple]:
    return list(
        CaseEvent.objects.filter(complaint=case).order_by("pk").values_list("pk", "kind", "data")
    )


def test_a_merge_keeps_every_timeline_entry_and_evidence_file_of_both_cases(
    org, pair, django_capture_on_commit_callbacks, mailoutbox
):
    survivor, duplicate = pair
    before = {case.pk: timeline(case) for case in pair}
    files_before = {
        case.pk: list(EvidenceFile.objects.filter(complaint=case).values_list("pk", "file"))
        for case in pair
    }

    with django_capture_on_commit_callbacks(execute=True):
        result = complaint_merge_duplicate(
            actor=org.agent, duplicate=duplicate, survivor=survivor, comment="同一次维修"
        )

    # every earlier entry of both cases is still there, unchanged, and each got its new ones
    for case in pair:
        assert timeline(case)[: len(before[case.pk])] == before[case.pk]
    # both keep their own files; the survivor now also holds the duplicate's, the same stored file
    for case in pair:
        assert set(files_before[case.pk]) <= set(
            EvidenceFile.objects.filter(complaint=case).values_list("pk", "file")
        )
    [(_pk, dup_file)] = files_before[duplicate.pk]
    assert EvidenceFile.objects.filter(complaint=survivor, file=dup_file).count() == 1
    assert result.evidence_copied == 1
    # the survivor's entry names the duplicate, the copies and how long its own timeline is
    merged = CaseEvent.objects.get(complaint=survivor, kind=CaseEvent.Kind.MERGED_IN)
    assert merged.data["duplicate"] == duplicate.reference
    assert merged.data["evidence"][0]["from"] == files_before[duplicate.pk][0][0]
    assert merged.data["events"] == len(before[duplicate.pk])
    # the customer's messages (the description, the call) appear on the survivor
    copied = CustomerContact.objects.filter(pk__in=merged.data["contacts"]).order_by("at", "pk")
    assert [c.summary.split("] ", 1)[1] for c in copied] == [
        f"{duplicate.subject}\n\n{duplicate.description}",
        "客户再次来电催促",
    ]
    assert all(c.complaint_id == survivor.pk and c.direction == "inbound" for c in copied)

    # the duplicate ended through the runner: rejected with the coded ground, clocks stopped
    duplicate.refresh_from_db()
    assert (duplicate.state, duplicate.rejection_reason) == (
        State.REJECTED,
        RejectionReason.DUPLICATE,
    )
    entry = CaseEvent.objects.get(
        complaint=duplicate, kind=CaseEvent.Kind.TRANSITION, transition="reject"
    )
    assert entry.data["merged_into"] == survivor.reference
    assert not Clock.objects.filter(
        complaint=duplicate, met_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    survivor.refresh_from_db()
    assert survivor.state == State.INVESTIGATION
    # both see the link; an audit entry says who merged what
    assert [
        (c.complaint, c.merged_here) for c in linked_cases(user=org.agent, complaint=survivor)
    ] == [(duplicate, True)]
    audit = AuditEntry.objects.get(action=AuditEntry.Action.COMPLAINTS_MERGED)
    assert audit.details["survivor"] == survivor.reference

    # the customer is told the one reference to follow, in their language, not a rejection
    [message] = [m for m in mailoutbox if survivor.reference in m.subject]
    assert message.to == ["wang@example.com"]
    assert survivor.reference in message.body and duplicate.reference in message.body
    assert "/complaint/" in message.body  # the tracking link of the survivor
    assert CustomerContact.objects.filter(
        complaint=duplicate, purpose=ContactPurpose.MERGED
    ).exists()
    assert not CustomerContact.objects.filter(
        complaint=duplicate, purpose=ContactPurpose.REJECTION
    ).exists()


def test_the_notice_is_in_the_customers_language(
    org, new_complaint, flow, mailoutbox, django_capture_on_commit_callbacks
):
    survivor = new_complaint(customer_email="w@example.com", customer_language="en")
    duplicate = new_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_merge_duplicate(actor=org.agent, duplicate=duplicate, survivor=survivor)
    [message] = [m for m in mailoutbox if "handled as" in m.subject]
    assert message.subject == f"Your complaint is now handled as {survivor.reference}"


def test_a_customer_without_e_mail_is_texted_the_survivors_reference(
    org, new_complaint, django_capture_on_commit_callbacks, settings
):
    survivor = new_complaint()
    duplicate = new_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_merge_duplicate(actor=org.agent, duplicate=duplicate, survivor=survivor)
    text = CustomerText.objects.get(kind=CustomerText.Kind.MERGED)
    assert text.complaint_id == survivor.pk
    assert text.params["reference"] == survivor.reference
    entry = CaseEvent.objects.get(complaint=duplicate, transition="reject")
    assert entry.data["notice"] == "texted"


def test_merges_that_make_no_sense_are_refused_and_change_nothing(
    org, new_complaint, flow, settings
):
    settings.COMPLAINTS_DUPLICATE_WINDOW_DAYS = 30
    case = new_complaint()
    other = new_complaint()
    investigating = flow.advance(new_complaint(), State.INVESTIGATION)
    long_closed = flow.run(new_complaint(), "withdraw")
    Complaint.objects.filter(pk=long_closed.pk).update(
        withdrawn_at=timezone.now() - timedelta(days=40)
    )
    long_closed.refresh_from_db()

    with pytest.raises(InvalidInput):  # into itself
        complaint_merge_duplicate(actor=org.agent, duplicate=case, survivor=case)
    with pytest.raises(InvalidInput):  # a case past triage is linked, not merged
        complaint_merge_duplicate(actor=org.agent, duplicate=investigating, survivor=case)
    with pytest.raises(InvalidInput):  # into a case ended beyond the window
        complaint_merge_duplicate(actor=org.agent, duplicate=case, survivor=long_closed)
    with pytest.raises(PermissionDenied):  # a handler may not end a case as not accepted
        complaint_merge_duplicate(actor=org.handler, duplicate=case, survivor=other)

    # no cycles: once merged, neither way back nor into the merged one
    complaint_merge_duplicate(actor=org.agent, duplicate=case, survivor=other)
    other.refresh_from_db()
    case.refresh_from_db()
    with pytest.raises(InvalidInput):
        complaint_merge_duplicate(actor=org.agent, duplicate=other, survivor=case)
    third = new_complaint()
    with pytest.raises(InvalidInput):
        complaint_merge_duplicate(actor=org.agent, duplicate=third, survivor=case)
    assert CaseLink.objects.count() == 1
    assert Complaint.objects.get(pk=other.pk).state == State.INTAKE


def test_two_customers_are_merged_only_when_confirmed_and_the_link_is_not_sent(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    survivor = new_complaint(customer_phone="13900001111", order_ref="JD-1")
    duplicate = new_complaint(
        customer_phone="13700002222", customer_email="other@example.com", order_ref="JD-1"
    )
    with pytest.raises(InvalidInput) as refused:
        complaint_merge_duplicate(actor=org.agent, duplicate=duplicate, survivor=survivor)
    assert "confirm_other_customer" in refused.value.fields
    assert Complaint.objects.get(pk=duplicate.pk).state == State.INTAKE

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        complaint_merge_duplicate(
            actor=org.agent, duplicate=duplicate, survivor=survivor, confirm_other_customer=True
        )
    [message] = mailoutbox
    assert survivor.reference in message.body
    assert "/complaint/" not in message.body  # another customer's case is never linked


def test_a_stale_copy_of_the_duplicate_is_a_conflict(org, new_complaint, flow):
    survivor = new_complaint()
    duplicate = new_complaint()
    stale = Complaint.objects.get(pk=duplicate.pk)
    flow.run(duplicate, "start_triage")
    with pytest.raises(Conflict):
        complaint_merge_duplicate(actor=org.agent, duplicate=stale, survivor=survivor)
    assert not CaseLink.objects.exists()


# --- the repeat mark ---------------------------------------------------------------------------


def test_a_repeat_complainant_has_more_than_the_dashboards_number_in_its_window(
    org, new_complaint, flow, settings, django_assert_num_queries
):
    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 2
    settings.REPORTS_REPEAT_WINDOW_DAYS = 90
    cases = [new_complaint() for _n in range(3)]
    customer_id = cases[0].customer_id
    old = new_complaint()
    Complaint.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=91))
    for score, case in zip((5, 2), cases, strict=False):
        FollowUp.objects.create(
            complaint=case,
            by=org.agent,
            at=timezone.now(),
            method="phone",
            reached=True,
            satisfaction=score,
        )

    with django_assert_num_queries(1):
        standing = customer_repeat_standing(customer_id=customer_id)
    assert (standing.complaints, standing.is_repeat) == (3, True)
    assert standing.average_satisfaction == pytest.approx(3.5)

    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 3
    assert customer_repeat_standing(customer_id=customer_id).is_repeat is False
