"""The transition runner's customer path: an allow-list, no staff check, the same everything else."""

from __future__ import annotations

import pytest

from complaints.errors import ConditionNotMet, PermissionDenied, TransitionNotAllowed
from complaints.models import State
from complaints.services import complaint_transition
from complaints.services.transitions import CUSTOMER_TRANSITIONS
from tests.complaints.conftest import snapshot

pytestmark = pytest.mark.django_db


def test_only_the_allow_listed_transitions_are_the_customers():
    assert {"withdraw", "reopen", "close"} == CUSTOMER_TRANSITIONS


@pytest.mark.parametrize("name", ["start_triage", "reject", "decide", "send_reply"])
def test_a_customer_cannot_run_staff_transitions(customer_case, name):
    complaint = customer_case("triage")
    before = snapshot(complaint)

    with pytest.raises(PermissionDenied):
        complaint_transition(complaint=complaint, name=name, actor=None, by_customer=True)

    assert snapshot(complaint) == before


def test_no_actor_without_the_customer_path_is_refused(customer_case):
    complaint = customer_case("triage")

    with pytest.raises(PermissionDenied):
        complaint_transition(complaint=complaint, name="withdraw", actor=None)


def test_a_staff_actor_cannot_borrow_the_customer_path(customer_case, org):
    complaint = customer_case("triage")

    with pytest.raises(PermissionDenied):
        complaint_transition(
            complaint=complaint, name="withdraw", actor=org.auditor, by_customer=True
        )


def test_state_and_conditions_still_apply(customer_case):
    closed = customer_case("closed")
    replied = customer_case("follow_up", customer_phone="13900001111")

    with pytest.raises(TransitionNotAllowed) as error:
        complaint_transition(complaint=closed, name="withdraw", actor=None, by_customer=True)
    assert error.value.allowed == []
    with pytest.raises(ConditionNotMet):  # no dissatisfied answer recorded
        complaint_transition(complaint=replied, name="reopen", actor=None, by_customer=True)


def test_the_customer_withdraws_any_open_case(customer_case):
    complaint = customer_case("decision")

    moved = complaint_transition(complaint=complaint, name="withdraw", actor=None, by_customer=True)

    assert moved.state == State.WITHDRAWN
