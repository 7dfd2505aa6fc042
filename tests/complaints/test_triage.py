"""Routing facts and assignment (complaints/services/triage.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.people import person_snapshot
from accounts.roles import Role
from complaints.errors import ConditionNotMet, Conflict, InvalidInput, NotFound, PermissionDenied
from complaints.models import CaseEvent, Complaint, Severity, State
from complaints.selectors import complaint_is_visible_to
from complaints.services import complaint_assign, complaint_triage
from tests.complaints.conftest import snapshot
from tests.factories import CategoryFactory, UserFactory


@pytest.fixture
def case(complaint_in) -> Complaint:
    return complaint_in(State.TRIAGE)


def triaged_events(complaint: Complaint):
    return complaint.events.filter(kind=CaseEvent.Kind.TRIAGED)


def test_triage_changes_only_what_is_given_and_records_old_and_new(org, case):
    # given a case in triage, general, in 服务部, unassigned
    other_category = CategoryFactory(code="attitude", name="服务态度")
    before = snapshot(case)

    # when the agent changes category, severity and assignee
    result = complaint_triage(
        complaint=case,
        actor=org.agent,
        category=other_category,
        severity=Severity.COMPLEX,
        assignee=org.handler,
        comment="涉及多次维修",
    )

    # then those change, the rest stays, the state stays, and the timeline has old and new
    stored = Complaint.objects.get(pk=case.pk)
    assert (stored.category, stored.severity, stored.assignee) == (
        other_category,
        Severity.COMPLEX,
        org.handler,
    )
    assert stored.department == org.service
    assert stored.state == State.TRIAGE
    assert result.version == stored.version == before["version"] + 1
    event = triaged_events(case).get()
    assert (event.actor, event.comment) == (org.agent, "涉及多次维修")
    assert event.data["changes"]["severity"] == [Severity.GENERAL, Severity.COMPLEX]
    assert event.data["changes"]["assignee"] == [None, person_snapshot(org.handler)]
    assert set(event.data["changes"]) == {"category", "severity", "assignee"}


def test_triage_without_a_change_records_nothing(org, case):
    before = snapshot(case)

    complaint_triage(complaint=case, actor=org.agent, department=org.service)

    assert snapshot(case) == before


def test_a_flag_raises_the_severity_on_triage(org, case):
    result = complaint_triage(
        complaint=case, actor=org.agent, personal_injury=True, comment="顾客摔伤"
    )

    assert result.personal_injury is True
    assert result.severity == Severity.URGENT
    changes = triaged_events(case).get().data["changes"]
    assert changes["severity"] == [Severity.GENERAL, Severity.URGENT]


def test_the_severity_cannot_be_lowered_below_what_the_facts_require(org, new_complaint):
    # given a large claim, major from intake
    complaint = new_complaint(amount_claimed=Decimal(80000))
    assert complaint.severity == Severity.MAJOR

    # when someone sets it to general, then it stays major
    result = complaint_triage(complaint=complaint, actor=org.agent, severity=Severity.GENERAL)
    assert result.severity == Severity.MAJOR


def test_moving_the_case_to_another_department_releases_the_old_assignee(org, case):
    # given the case assigned to the 服务部 handler
    case = complaint_assign(complaint=case, actor=org.agent, assignee=org.handler)

    # when triage moves it to 法务部
    result = complaint_triage(complaint=case, actor=org.agent, department=org.legal)

    # then nobody of 服务部 holds it any more
    assert result.department == org.legal
    assert result.assignee is None
    assert triaged_events(case).get().data["changes"]["assignee"] == [
        person_snapshot(org.handler),
        None,
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda org: {"severity": "catastrophic"}, "severity"),
        (lambda org: {"assignee": org.other_handler}, "assignee"),
        (lambda org: {"department": org.legal, "assignee": org.handler}, "assignee"),
    ],
    ids=["unknown-severity", "assignee-of-another-department", "assignee-left-behind"],
)
def test_wrong_routing_facts_are_refused(org, case, changes, field):
    before = snapshot(case)

    with pytest.raises(InvalidInput) as refused:
        complaint_triage(complaint=case, actor=org.agent, **changes(org))

    assert field in refused.value.fields
    assert snapshot(case) == before


def test_an_inactive_person_cannot_be_assigned(org, case):
    org.handler.is_active = False
    org.handler.save()

    with pytest.raises(InvalidInput) as refused:
        complaint_assign(complaint=case, actor=org.agent, assignee=org.handler)

    assert "assignee" in refused.value.fields


def test_triage_needs_the_role_and_the_scope(org, case):
    with pytest.raises(PermissionDenied):
        complaint_triage(complaint=case, actor=org.handler, severity=Severity.URGENT)
    with pytest.raises(NotFound):
        complaint_triage(complaint=case, actor=org.other_handler, severity=Severity.URGENT)
    assert Complaint.objects.get(pk=case.pk).severity == Severity.GENERAL


def test_a_finished_case_cannot_be_triaged(org, complaint_in):
    closed = complaint_in(State.CLOSED)

    with pytest.raises(ConditionNotMet):
        complaint_triage(complaint=closed, actor=org.agent, severity=Severity.URGENT)
    with pytest.raises(ConditionNotMet):
        complaint_assign(complaint=closed, actor=org.agent, assignee=org.handler)


def test_triage_from_a_stale_copy_conflicts(org, case):
    old_copy = Complaint.objects.get(pk=case.pk)
    complaint_triage(complaint=case, actor=org.agent, severity=Severity.COMPLEX)

    with pytest.raises(Conflict):
        complaint_triage(complaint=old_copy, actor=org.manager, severity=Severity.URGENT)
    assert Complaint.objects.get(pk=case.pk).severity == Severity.COMPLEX


# --- assignment -------------------------------------------------------------------------------


def test_the_head_assigns_a_member_of_the_owning_department(org, case):
    # given a second handler in 服务部
    colleague = UserFactory(username="handler2", role=Role.HANDLER, department=org.service)
    case = complaint_assign(complaint=case, actor=org.head, assignee=org.handler)

    # when the head gives the case to the colleague
    result = complaint_assign(
        complaint=case, actor=org.head, assignee=colleague, comment="张工休假"
    )

    # then the colleague holds it and the timeline says from whom to whom
    assert Complaint.objects.get(pk=case.pk).assignee == colleague
    event = result.events.filter(kind=CaseEvent.Kind.ASSIGNED).order_by("-id").first()
    assert (event.actor, event.comment) == (org.head, "张工休假")
    assert event.data == {"from": person_snapshot(org.handler), "to": person_snapshot(colleague)}


def test_an_assignee_outside_the_owning_department_is_refused(org, case):
    before = snapshot(case)

    with pytest.raises(InvalidInput) as refused:
        complaint_assign(complaint=case, actor=org.head, assignee=org.other_handler)

    assert "assignee" in refused.value.fields
    assert snapshot(case) == before


def test_the_assignee_sees_a_case_of_another_department(org, case):
    # A 服务部 case assigned to nobody is invisible to a 法务部 handler until it is theirs.
    assert not complaint_is_visible_to(user=org.other_handler, complaint=case)
    moved = complaint_triage(
        complaint=case, actor=org.agent, department=org.legal, assignee=org.other_handler
    )
    assert complaint_is_visible_to(user=org.other_handler, complaint=moved)
    assert not complaint_is_visible_to(user=org.handler, complaint=moved)
