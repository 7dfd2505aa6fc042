"""Transitions: what a user may do now, doing it, and every way it can be refused."""

from __future__ import annotations

import pytest

from complaints.models import CaseEvent, Complaint, State
from tests.api.conftest import error_of
from tests.complaints.conftest import snapshot

pytestmark = pytest.mark.django_db


class TestAvailable:
    def test_an_agent_sees_the_transitions_of_a_new_case_with_their_targets(
        self, org, api_for, new_complaint, case_url
    ):
        complaint = new_complaint()

        response = api_for(org.agent).get(case_url(complaint, "transitions"))

        assert response.status_code == 200
        assert response.json() == [
            {"name": "start_triage", "target": "triage", "label": "Start triage", "inputs": []},
            {
                "name": "reject",
                "target": "rejected",
                "label": "Reject (不予受理)",
                "inputs": ["reason"],
            },
            {"name": "withdraw", "target": "withdrawn", "label": "Withdraw", "inputs": []},
        ]

    def test_what_each_role_may_do_differs(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        def names(user) -> list[str]:
            return [t["name"] for t in api_for(user).get(case_url(complaint, "transitions")).json()]

        assert names(org.handler) == ["complete_investigation", "withdraw"]
        assert names(org.agent) == ["withdraw"]
        assert names(org.auditor) == []

    def test_a_condition_not_met_hides_the_transition(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.DECISION)  # no approved decision yet

        names = [
            t["name"] for t in api_for(org.handler).get(case_url(complaint, "transitions")).json()
        ]

        assert "decide" not in names

    def test_out_of_scope_is_404(self, org, api_for, new_complaint, case_url):
        response = api_for(org.other_handler).get(case_url(new_complaint(), "transitions"))

        assert response.status_code == 404


class TestPerform:
    def test_a_transition_moves_the_case_and_answers_with_it(
        self, org, api_for, new_complaint, case_url
    ):
        complaint = new_complaint()

        response = api_for(org.agent).post(
            case_url(complaint, "transitions", "start_triage"),
            {"comment": "开始核实", "version": complaint.version},
        )

        assert response.status_code == 200, response.json()
        assert response.json()["state"] == State.TRIAGE
        assert response.json()["version"] == complaint.version + 1
        event = CaseEvent.objects.get(complaint=complaint, transition="start_triage")
        assert (event.actor, event.comment, event.to_state) == (org.agent, "开始核实", "triage")

    def test_inputs_reach_the_service(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.TRIAGE)

        response = api_for(org.agent).post(
            case_url(complaint, "transitions", "reject"),
            {"reason": "duplicate", "comment": "与 CP-2026-000001 重复"},
        )

        assert response.status_code == 200
        stored = Complaint.objects.get(pk=complaint.pk)
        assert (stored.state, stored.rejection_reason) == (State.REJECTED, "duplicate")

    def test_missing_inputs_are_400_with_the_field(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)
        before = snapshot(complaint)

        response = api_for(org.handler).post(
            case_url(complaint, "transitions", "complete_investigation"), {}
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {"findings": ["This field is required."]}
        assert snapshot(complaint) == before

    def test_a_transition_from_another_state_is_409_listing_the_allowed(
        self, org, api_for, new_complaint, case_url
    ):
        complaint = new_complaint()

        response = api_for(org.agent).post(case_url(complaint, "transitions", "close"), {})

        assert response.status_code == 409
        error = error_of(response)
        assert error["code"] == "transition_not_allowed"
        assert error["allowed"] == ["start_triage", "reject", "withdraw"]

    def test_an_unmet_condition_is_409_with_the_reasons(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.DECISION)

        response = api_for(org.handler).post(case_url(complaint, "transitions", "decide"), {})

        assert response.status_code == 409
        error = error_of(response)
        assert error["code"] == "condition_not_met"
        assert error["reasons"] == ["An approved decision is needed first."]

    def test_a_role_without_the_permission_gets_403(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)
        before = snapshot(complaint)

        response = api_for(org.agent).post(
            case_url(complaint, "transitions", "complete_investigation"), {"findings": "查明"}
        )

        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
        assert snapshot(complaint) == before

    def test_an_auditor_cannot_move_a_case(self, org, api_for, new_complaint, case_url):
        response = api_for(org.auditor).post(
            case_url(new_complaint(), "transitions", "start_triage"), {}
        )

        assert response.status_code == 403

    def test_a_stale_version_is_409_conflict(self, org, api_for, new_complaint, case_url):
        complaint = new_complaint()
        before = snapshot(complaint)

        response = api_for(org.agent).post(
            case_url(complaint, "transitions", "start_triage"), {"version": complaint.version + 5}
        )

        assert response.status_code == 409
        assert error_of(response)["code"] == "conflict"
        assert snapshot(complaint) == before

    def test_if_match_is_honoured(self, org, api_for, new_complaint, case_url):
        complaint = new_complaint()

        response = api_for(org.agent).post(
            case_url(complaint, "transitions", "start_triage"), {}, **{"If-Match": 'W/"42"'}
        )

        assert response.status_code == 409

    def test_an_unknown_transition_name_is_404(self, org, api_for, new_complaint, case_url):
        response = api_for(org.agent).post(case_url(new_complaint(), "transitions", "teleport"), {})

        assert response.status_code == 404
        assert error_of(response)["code"] == "unknown_transition"

    def test_out_of_scope_is_404_before_anything_else(self, org, api_for, new_complaint, case_url):
        complaint = new_complaint()

        response = api_for(org.other_handler).post(
            case_url(complaint, "transitions", "withdraw"), {}
        )

        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
        assert Complaint.objects.get(pk=complaint.pk).state == State.INTAKE

    def test_a_wrongly_typed_input_is_400(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.TRIAGE)

        response = api_for(org.agent).post(
            case_url(complaint, "transitions", "reject"), {"reason": "because", "version": "x"}
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"reason", "version"}
