"""Decisions through the API: propose, approve within the authority limit, refuse, list."""

from __future__ import annotations

import pytest

from complaints.models import Decision, DecisionApproval, State
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "remedy": "compensation",
    "outcome": "upheld",
    "amount": "800.00",
    "rationale": "维修质量问题，赔偿损失。",
}


@pytest.fixture
def deciding(complaint_in):
    return complaint_in(State.DECISION)


class TestPropose:
    def test_within_the_proposers_limit_it_is_approved_at_once(
        self, org, api_for, deciding, case_url
    ):
        response = api_for(org.handler).post(case_url(deciding, "decisions"), PROPOSAL)

        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["state"], body["amount"], body["proposed_by"]) == (
            "approved",
            "800.00",
            "handler",
        )
        assert body["approved_by"] == "handler"
        assert [a["verdict"] for a in body["approvals"]] == ["approved"]

    def test_above_the_limit_it_waits_for_an_approver(self, org, api_for, deciding, case_url):
        response = api_for(org.handler).post(
            case_url(deciding, "decisions"), {**PROPOSAL, "amount": "5000"}
        )

        assert response.status_code == 201
        assert response.json()["state"] == "pending_approval"
        assert response.json()["approvals"] == []

    def test_an_approver_can_be_requested_by_username(self, org, api_for, deciding, case_url):
        response = api_for(org.handler).post(
            case_url(deciding, "decisions"),
            {**PROPOSAL, "amount": "5000", "requested_approver": "head"},
        )

        assert response.json()["requested_approver"] == "head"

    def test_shape_errors_are_named(self, org, api_for, deciding, case_url):
        response = api_for(org.handler).post(
            case_url(deciding, "decisions"), {"remedy": "magic", "amount": "lots"}
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"remedy", "outcome", "amount", "rationale"}

    def test_a_negative_amount_is_refused_by_the_service(self, org, api_for, deciding, case_url):
        response = api_for(org.handler).post(
            case_url(deciding, "decisions"), {**PROPOSAL, "amount": "-1"}
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {"amount": ["Enter an amount of zero or more."]}

    def test_before_the_investigation_is_complete_there_is_nothing_to_decide(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(case_url(complaint, "decisions"), PROPOSAL)

        assert response.status_code == 409
        assert error_of(response)["code"] == "condition_not_met"

    @pytest.mark.parametrize("role", ["agent", "auditor"])
    def test_roles_that_do_not_propose_get_403(self, org, api_for, deciding, case_url, role):
        response = api_for(getattr(org, role)).post(case_url(deciding, "decisions"), PROPOSAL)

        assert response.status_code == 403
        assert not Decision.objects.exists()


class TestApproval:
    @pytest.fixture
    def pending(self, org, api_for, deciding, case_url) -> Decision:
        api_for(org.handler).post(case_url(deciding, "decisions"), {**PROPOSAL, "amount": "5000"})
        return Decision.objects.get(complaint=deciding)

    def test_the_handler_cannot_approve_above_their_limit(self, org, api_for, pending, case_url):
        response = api_for(org.handler).post(
            case_url(pending.complaint, "decisions", pending.pk, "approve"), {}
        )

        assert response.status_code == 403
        # A handler's role approves nothing: said before the limit is looked at.
        assert error_of(response)["message"] == "Your role does not allow this action."
        assert Decision.objects.get(pk=pending.pk).state == "pending_approval"

    def test_the_department_head_approves_it(self, org, api_for, pending, case_url):
        response = api_for(org.head).post(
            case_url(pending.complaint, "decisions", pending.pk, "approve"),
            {"comment": "同意赔偿"},
        )

        assert response.status_code == 200, response.json()
        assert (response.json()["state"], response.json()["approved_by"]) == ("approved", "head")
        approval = DecisionApproval.objects.get(decision=pending)
        assert (approval.approver, approval.comment) == (org.head, "同意赔偿")

    def test_approving_twice_is_a_condition_not_met(self, org, api_for, pending, case_url):
        api = api_for(org.head)
        url = case_url(pending.complaint, "decisions", pending.pk, "approve")
        api.post(url, {})

        response = api.post(url, {})

        assert response.status_code == 409
        assert error_of(response)["code"] == "condition_not_met"

    def test_refusing_needs_a_comment(self, org, api_for, pending, case_url):
        url = case_url(pending.complaint, "decisions", pending.pk, "reject")

        without = api_for(org.head).post(url, {})
        refused = api_for(org.head).post(url, {"comment": "金额过高，请重新评估"})

        assert without.status_code == 400
        assert set(error_of(without)["fields"]) == {"comment"}
        assert refused.status_code == 200
        assert refused.json()["state"] == "refused"
        assert refused.json()["approvals"][0]["verdict"] == "refused"

    def test_an_unknown_decision_is_404(self, org, api_for, pending, case_url):
        response = api_for(org.head).post(
            case_url(pending.complaint, "decisions", pending.pk + 99, "approve"), {}
        )

        assert response.status_code == 404
        assert error_of(response)["message"] == "No such decision on this complaint."

    def test_a_head_of_another_department_never_sees_it(self, org, api_for, pending, case_url):
        response = api_for(org.other_handler).post(
            case_url(pending.complaint, "decisions", pending.pk, "approve"), {}
        )

        assert response.status_code == 404

    def test_the_list_shows_every_round_with_approvals(self, org, api_for, pending, case_url):
        api_for(org.head).post(case_url(pending.complaint, "decisions", pending.pk, "approve"), {})

        response = api_for(org.auditor).get(case_url(pending.complaint, "decisions"))

        assert response.status_code == 200
        [decision] = response.json()
        assert (decision["id"], decision["round"], decision["state"]) == (pending.pk, 0, "approved")
        assert decision["approvals"][0]["approver"] == "head"
        assert decision["approvals"][0]["approver_limit"] == "20000.00"
