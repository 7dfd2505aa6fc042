"""Those who worked on a case keep reading it after it left their hands, and never write (12 §1.5)."""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation

from complaints.errors import PermissionDenied
from complaints.models import CaseEvent, CaseParticipant, Complaint, State
from complaints.selectors import (
    complaint_get_for_user,
    complaint_is_visible_to,
    complaint_is_workable_by,
    complaints_visible_to,
    complaints_workable_by,
)
from complaints.services import (
    complaint_add_note,
    complaint_assign,
    complaint_hand_off,
    complaint_transition,
    complaint_triage,
    contact_record,
    contact_reveal,
    decision_propose,
    evidence_add,
)
from sla.services.pauses import clocks_pause
from tests.complaints.conftest import snapshot
from tests.complaints.test_evidence import png_bytes

pytestmark = pytest.mark.django_db


def participants(complaint: Complaint) -> set[str]:
    return set(
        CaseParticipant.objects.filter(complaint=complaint).values_list("user__username", flat=True)
    )


@pytest.fixture
def handed_off(org, complaint_in) -> Complaint:
    """A 服务部 case the 服务部 handler worked on (a note), then handed to 法务部."""
    case = complaint_assign(
        complaint=complaint_in(State.INVESTIGATION), actor=org.head, assignee=org.handler
    )
    complaint_add_note(
        complaint=case, actor=org.handler, text="已联系厂家，维修记录显示换过压缩机。"
    )
    case.refresh_from_db()
    complaint_hand_off(
        complaint=case, actor=org.handler, to_department=org.legal, note="涉及合同条款，转法务。"
    )
    case.refresh_from_db()
    return case


def test_after_a_handoff_the_giver_still_reads_the_case_and_their_note(org, handled_off_ref):
    case = complaint_get_for_user(user=org.handler, reference=handled_off_ref)

    assert complaint_is_visible_to(user=org.handler, complaint=case)
    assert case in complaints_visible_to(user=org.handler)
    notes = case.events.filter(kind=CaseEvent.Kind.NOTE, actor=org.handler)
    assert [note.comment for note in notes] == ["已联系厂家，维修记录显示换过压缩机。"]


@pytest.fixture
def handled_off_ref(handed_off) -> str:
    return handed_off.reference


def test_after_a_handoff_the_giver_is_no_longer_in_charge(org, handed_off):
    assert not complaint_is_workable_by(user=org.handler, complaint=handed_off)
    assert handed_off not in complaints_workable_by(user=org.handler)
    # the receivers are in charge: 法务部 (its handler) and the agent who received the case
    assert complaint_is_workable_by(user=org.other_handler, complaint=handed_off)
    assert complaint_is_workable_by(user=org.agent, complaint=handed_off)


def test_a_reader_cannot_write_anything_and_nothing_changes(org, handed_off):
    before = snapshot(handed_off)
    handler = org.handler
    attempts = {
        "note": lambda: complaint_add_note(complaint=handed_off, actor=handler, text="再补充一点"),
        "transition": lambda: complaint_transition(
            complaint=handed_off,
            name="complete_investigation",
            actor=handler,
            data={"findings": "压缩机接线松动，属维修质量问题。"},
        ),
        "handoff": lambda: complaint_hand_off(
            complaint=handed_off, actor=handler, to_department=org.service, note="拿回来"
        ),
        "evidence": lambda: evidence_add(
            complaint=handed_off,
            actor=handler,
            kind="photo",
            upload=SimpleUploadedFile("a.png", png_bytes(), content_type="image/png"),
        ),
        "contact": lambda: contact_record(
            complaint=handed_off,
            actor=handler,
            channel="phone",
            direction="outbound",
            summary="告知进展",
        ),
        "decision": lambda: decision_propose(
            complaint=handed_off,
            actor=handler,
            remedy="repair",
            outcome="upheld",
            amount=Decimal(0),
            rationale="免费返修",
        ),
        "pause": lambda: clocks_pause(complaint=handed_off, actor=handler, reason="testing"),
        "unmask": lambda: contact_reveal(
            complaint=handed_off, actor=handler, fields=["phone"], reason="call_customer"
        ),
    }
    for name, attempt in attempts.items():
        with translation.override("en"), pytest.raises(PermissionDenied) as refused:
            attempt()
        assert "you can only read it" in str(refused.value.message), name

    assert snapshot(handed_off) == before
    assert not handed_off.evidence.exists()


def test_who_worked_on_a_case_is_read_from_what_they_did(org, handed_off, flow):
    # received by the agent, assigned by the head, held (and a note, and the handoff) by the handler
    assert participants(handed_off) == {"agent", "head", "handler"}

    # the new department takes it on: assignment names the person it goes to
    complaint_triage(complaint=handed_off, actor=org.manager, assignee=org.other_handler)
    handed_off.refresh_from_db()
    # a read: not work
    contact_reveal(
        complaint=handed_off, actor=org.executive, fields=["phone"], reason="other", note="核实"
    )

    assert participants(handed_off) == {"agent", "head", "handler", "manager", "legal_handler"}


def test_the_data_migration_fills_participants_from_existing_records(org, handed_off):
    recorded = participants(handed_off)
    CaseParticipant.objects.all().delete()
    migration = importlib.import_module("complaints.migrations.0016_case_participants")

    migration.fill_from_records(apps, SimpleNamespace(connection=connection))

    assert participants(handed_off) == recorded


def test_someone_who_never_touched_the_case_still_gets_not_found(org, handed_off):
    # the head of 服务部 assigned it and so worked on it; the auditor sees everything anyway;
    # a handler of a third department did nothing and sees nothing
    from accounts.roles import Role
    from tests.factories import DepartmentFactory, UserFactory

    third = UserFactory(
        username="third", role=Role.HANDLER, department=DepartmentFactory(code="third")
    )

    assert not complaint_is_visible_to(user=third, complaint=handed_off)
    assert handed_off not in complaints_visible_to(user=third)
