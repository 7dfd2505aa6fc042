"""The case's department and assignee, copied on its deadline clocks and follow-ups
(complaints.services.ownership): every service that makes those rows or moves the case keeps the
copies equal to the case's own columns, so that the reports' per-department and per-handler
figures, counted from the copies without a join, are the cases' own."""

from __future__ import annotations

from complaints.models import Complaint, FollowUp, State
from complaints.services import (
    complaint_assign,
    complaint_hand_off,
    complaint_triage,
    follow_up_record,
)
from sla.models import Clock


def copies(complaint: Complaint) -> set[tuple[int | None, int | None]]:
    """The distinct (department, assignee) pairs the case's clocks and follow-ups carry."""
    rows = set(
        Clock.objects.filter(complaint=complaint).values_list(
            "case_department_id", "case_assignee_id"
        )
    )
    return rows | set(
        FollowUp.objects.filter(complaint=complaint).values_list(
            "case_department_id", "case_assignee_id"
        )
    )


def owner(complaint: Complaint) -> tuple[int | None, int | None]:
    stored = Complaint.objects.get(pk=complaint.pk)
    return (stored.department_id, stored.assignee_id)


def test_a_new_case_s_clocks_carry_its_owner(org, new_complaint) -> None:
    case = new_complaint()

    assert Clock.objects.filter(complaint=case).count() >= 3
    assert copies(case) == {(org.service.pk, None)} == {owner(case)}


def test_assigning_and_handing_on_move_the_copies(org, complaint_in) -> None:
    case = complaint_assign(
        complaint=complaint_in(State.INVESTIGATION), actor=org.head, assignee=org.handler
    )
    assert copies(case) == {(org.service.pk, org.handler.pk)}

    case.refresh_from_db()
    complaint_hand_off(
        complaint=case,
        actor=org.handler,
        to_department=org.legal,
        to_user=org.other_handler,
        note="涉及合同条款，转法务。",
    )

    assert copies(case) == {(org.legal.pk, org.other_handler.pk)} == {owner(case)}


def test_triage_moving_the_case_moves_the_copies(org, complaint_in) -> None:
    case = complaint_in(State.TRIAGE)

    complaint_triage(complaint=case, actor=org.manager, department=org.legal)

    assert copies(case) == {(org.legal.pk, None)} == {owner(case)}


def test_triage_leaving_the_owner_alone_leaves_the_copies(org, complaint_in) -> None:
    case = complaint_in(State.TRIAGE)
    before = copies(case)

    complaint_triage(complaint=case, actor=org.manager, legal_risk=True, comment="律师函")

    assert copies(case) == before == {owner(case)}


def test_follow_ups_carry_the_owner_and_follow_a_later_assignment(org, complaint_in) -> None:
    case = complaint_in(State.FOLLOW_UP)
    follow_up_record(
        complaint=case, actor=org.agent, method="phone", reached=False, comment="无人接听"
    )
    assert copies(case) == {owner(case)}

    case.refresh_from_db()
    complaint_assign(complaint=case, actor=org.head, assignee=org.handler)

    assert copies(case) == {(org.service.pk, org.handler.pk)} == {owner(case)}
    assert FollowUp.objects.get(complaint=case).case_assignee_id == org.handler.pk
