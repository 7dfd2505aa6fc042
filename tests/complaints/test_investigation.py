"""Internal notes and handoffs between departments (complaints/services/investigation.py)."""

from __future__ import annotations

import pytest

from accounts.people import snapshot as name_snapshot
from accounts.roles import Role
from complaints.errors import ConditionNotMet, Conflict, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, Handoff, State
from complaints.selectors import complaint_is_visible_to, complaint_is_workable_by
from complaints.services import complaint_add_note, complaint_assign, complaint_hand_off
from tests.complaints.conftest import snapshot
from tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def case(org, complaint_in) -> Complaint:
    """A 服务部 case under investigation, held by the 服务部 handler."""
    complaint = complaint_in(State.INVESTIGATION)
    return complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)


# --- notes ------------------------------------------------------------------------------------


def test_a_note_goes_on_the_timeline_for_staff_only(org, case):
    event = complaint_add_note(complaint=case, actor=org.handler, text="  已联系厂家技术支持。 ")

    assert (event.kind, event.actor, event.comment) == (
        CaseEvent.Kind.NOTE,
        org.handler,
        "已联系厂家技术支持。",
    )
    assert event.customer_visible is False
    assert case.events.filter(kind=CaseEvent.Kind.NOTE).count() == 1


def test_a_note_needs_text_the_role_and_the_scope(org, case):
    before = snapshot(case)

    with pytest.raises(InvalidInput) as refused:
        complaint_add_note(complaint=case, actor=org.handler, text=" ")
    assert "text" in refused.value.fields
    with pytest.raises(PermissionDenied):
        complaint_add_note(complaint=case, actor=org.auditor, text="审计意见")
    with pytest.raises(NotFound):
        complaint_add_note(complaint=case, actor=org.other_handler, text="法务意见")

    assert snapshot(case) == before


# --- handoffs ---------------------------------------------------------------------------------


def test_a_case_is_handed_to_legal_and_back(org, case):
    # when the 服务部 handler hands the case to the 法务部 handler
    to_legal = complaint_hand_off(
        complaint=case,
        actor=org.handler,
        to_department=org.legal,
        to_user=org.other_handler,
        note="客户提出诉讼，请法务评估。",
    )

    # then the handoff says from whom to whom, and the case now belongs to 法务部
    assert (to_legal.from_department, to_legal.from_user) == (org.service, org.handler)
    assert (to_legal.to_department, to_legal.to_user) == (org.legal, org.other_handler)
    assert to_legal.handed_off_by == org.handler
    moved = Complaint.objects.get(pk=case.pk)
    assert (moved.department, moved.assignee) == (org.legal, org.other_handler)
    assert moved.state == State.INVESTIGATION
    assert complaint_is_visible_to(user=org.other_handler, complaint=moved)
    # the giver reads it still (they worked on it) but is no longer in charge of it
    assert complaint_is_visible_to(user=org.handler, complaint=moved)
    assert not complaint_is_workable_by(user=org.handler, complaint=moved)

    # when 法务部 hands it back to the 服务部 handler
    back = complaint_hand_off(
        complaint=moved,
        actor=org.other_handler,
        to_department=org.service,
        to_user=org.handler,
        note="法务意见已附，建议协商赔偿。",
    )

    # then the case is home again, and both handoffs are on record and on the timeline
    returned = Complaint.objects.get(pk=case.pk)
    assert (returned.department, returned.assignee) == (org.service, org.handler)
    assert (back.from_department, back.to_department) == (org.legal, org.service)
    assert list(Handoff.objects.filter(complaint=case)) == [to_legal, back]
    events = list(case.events.filter(kind=CaseEvent.Kind.HANDOFF))
    assert [(e.actor, e.data["handoff_id"]) for e in events] == [
        (org.handler, to_legal.pk),
        (org.other_handler, back.pk),
    ]
    assert events[0].comment == "客户提出诉讼，请法务评估。"
    assert events[0].data["to_department"] == name_snapshot(org.legal)
    assert returned.version == case.version + 2


def test_a_case_can_be_handed_to_a_department_without_naming_a_person(org, case):
    handoff = complaint_hand_off(
        complaint=case, actor=org.head, to_department=org.legal, note="请法务部分派。"
    )

    moved = Complaint.objects.get(pk=case.pk)
    assert handoff.to_user is None
    assert (moved.department, moved.assignee) == (org.legal, None)


def test_a_case_can_pass_to_a_colleague_in_the_same_department(org, case):
    colleague = UserFactory(username="handler2", role=Role.HANDLER, department=org.service)

    handoff = complaint_hand_off(
        complaint=case, actor=org.handler, to_department=org.service, to_user=colleague, note="交班"
    )

    assert (handoff.from_user, handoff.to_user) == (org.handler, colleague)
    assert Complaint.objects.get(pk=case.pk).assignee == colleague


@pytest.mark.parametrize(
    ("handoff", "field"),
    [
        (lambda org, closed: {"to_department": org.legal, "note": "  "}, "note"),
        (lambda org, closed: {"to_department": closed, "note": "转交"}, "to_department"),
        (
            lambda org, closed: {
                "to_department": org.legal,
                "to_user": org.handler,
                "note": "转交",
            },
            "to_user",
        ),
        (lambda org, closed: {"to_department": org.service, "note": "转交"}, "to_department"),
        (
            lambda org, closed: {"to_department": org.service, "to_user": org.handler, "note": "x"},
            "to_department",
        ),
    ],
    ids=[
        "no-note",
        "inactive-department",
        "person-not-in-department",
        "already-there",
        "already-with-that-person",
    ],
)
def test_a_wrong_handoff_is_refused(org, case, handoff, field):
    closed_department = DepartmentFactory(code="closed-dept", name="已撤销部门", is_active=False)
    before = snapshot(case)

    with pytest.raises(InvalidInput) as refused:
        complaint_hand_off(complaint=case, actor=org.handler, **handoff(org, closed_department))

    assert field in refused.value.fields
    assert snapshot(case) == before
    assert not Handoff.objects.exists()


def test_a_handoff_to_an_inactive_person_is_refused(org, case):
    org.other_handler.is_active = False
    org.other_handler.save()

    with pytest.raises(InvalidInput) as refused:
        complaint_hand_off(
            complaint=case,
            actor=org.handler,
            to_department=org.legal,
            to_user=org.other_handler,
            note="转交",
        )

    assert "to_user" in refused.value.fields


def test_handing_off_needs_the_role_the_scope_an_open_case_and_a_fresh_copy(
    org, case, complaint_in
):
    with pytest.raises(PermissionDenied):
        complaint_hand_off(complaint=case, actor=org.agent, to_department=org.legal, note="转交")
    with pytest.raises(NotFound):
        complaint_hand_off(
            complaint=case, actor=org.other_handler, to_department=org.legal, note="转交"
        )
    with pytest.raises(ConditionNotMet):
        complaint_hand_off(
            complaint=complaint_in(State.CLOSED),
            actor=org.handler,
            to_department=org.legal,
            note="转交",
        )
    stale = Complaint.objects.get(pk=case.pk)
    complaint_add_note(complaint=case, actor=org.handler, text="notes do not bump the version")
    complaint_hand_off(complaint=case, actor=org.head, to_department=org.legal, note="转交")
    with pytest.raises(Conflict):
        complaint_hand_off(complaint=stale, actor=org.head, to_department=org.legal, note="再转")
    assert Handoff.objects.filter(complaint=case).count() == 1
