"""Complaints: create, read and triage (PATCH) through the API."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from complaints.models import CaseEvent, Complaint, Customer, Severity, State
from tests.api.conftest import NEW_COMPLAINT, error_of

pytestmark = pytest.mark.django_db

COMPLAINT_KEYS = {
    "reopen_count",
    "reference",
    "version",
    "state",
    "channel",
    "received_at",
    "customer",
    "subject",
    "description",
    "product_or_service",
    "order_ref",
    "expected_resolution",
    "remedy_sought",
    "amount_claimed",
    "category",
    "severity",
    "flags",
    "department",
    "assignee",
    "escalation_level",
    "deadlines",
    "created_at",
    "updated_at",
}


class TestCreate:
    def test_an_agent_records_a_complaint_and_gets_it_back(self, org, api_for):
        response = api_for(org.agent).post("complaints/", NEW_COMPLAINT)

        assert response.status_code == 201, response.json()
        body = response.json()
        assert set(body) == COMPLAINT_KEYS
        complaint = Complaint.objects.get(reference=body["reference"])
        assert response["Location"] == f"/api/v1/complaints/{complaint.reference}/"
        assert body["state"] == State.INTAKE
        assert body["version"] == complaint.version
        assert body["channel"] == "phone"
        assert body["category"] == "repair-quality"
        assert body["department"] == "service"  # the category's default department
        assert body["assignee"] is None
        assert body["flags"] == {
            "personal_injury": False,
            "media_involved": False,
            "regulator_involved": False,
            "legal_risk": False,
        }
        assert complaint.received_by == org.agent
        assert complaint.customer.phone == "+8613812345678"
        assert {d["stage"] for d in body["deadlines"]} >= {"first_response", "investigation"}
        assert set(body["deadlines"][0]) == {
            "stage",
            "due_at",
            "met_at",
            "breached",
            "paused",
            "provisional",
        }

    def test_the_customer_is_acknowledged_by_e_mail_in_their_language(
        self, org, api_for, django_capture_on_commit_callbacks, mailoutbox
    ):
        payload = {
            **NEW_COMPLAINT,
            "customer": {
                **NEW_COMPLAINT["customer"],
                "email": "zhao@example.com",
                "language": "en",
            },
        }

        with django_capture_on_commit_callbacks(execute=True):
            body = api_for(org.agent).post("complaints/", payload).json()

        [message] = mailoutbox
        assert message.to == ["zhao@example.com"]
        assert message.subject == f"We have received your complaint {body['reference']}"
        complaint = Complaint.objects.get(reference=body["reference"])
        assert complaint.first_response_at is None
        assert complaint.contacts.get().purpose == "acknowledgement"

    def test_an_unknown_customer_language_is_a_field_error(self, org, api_for):
        payload = {**NEW_COMPLAINT, "customer": {**NEW_COMPLAINT["customer"], "language": "fr"}}

        response = api_for(org.agent).post("complaints/", payload)

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"customer.language"}
        assert not Complaint.objects.exists()

    def test_times_are_iso_8601_with_an_offset(self, org, api_for):
        body = api_for(org.agent).post("complaints/", NEW_COMPLAINT).json()

        for value in (body["received_at"], body["created_at"], body["deadlines"][0]["due_at"]):
            assert parse_datetime(value).utcoffset() is not None, value
        assert body["received_at"].endswith("+08:00")  # the calendar's zone, Asia/Shanghai

    def test_a_complaint_received_yesterday_keeps_its_time_of_receipt(self, org, api_for):
        yesterday = timezone.now() - timedelta(days=1)

        response = api_for(org.agent).post(
            "complaints/", {**NEW_COMPLAINT, "received_at": yesterday.isoformat()}
        )

        assert response.status_code == 201
        complaint = Complaint.objects.get(reference=response.json()["reference"])
        assert complaint.received_at == yesterday
        first_response = complaint.clocks.get(stage="first_response")
        assert first_response.due_at == yesterday + timedelta(hours=24)

    def test_a_future_time_of_receipt_is_refused(self, org, api_for):
        tomorrow = timezone.now() + timedelta(days=1)

        response = api_for(org.agent).post(
            "complaints/", {**NEW_COMPLAINT, "received_at": tomorrow.isoformat()}
        )

        assert response.status_code == 400
        assert error_of(response)["code"] == "invalid"
        assert "received_at" in error_of(response)["fields"]
        assert not Complaint.objects.exists()

    def test_missing_fields_are_named(self, org, api_for):
        response = api_for(org.agent).post("complaints/", {"customer": {}})

        assert response.status_code == 400
        fields = error_of(response)["fields"]
        assert {"subject", "description", "customer.name"} <= set(fields)

    def test_the_services_own_checks_come_back_as_field_errors(self, org, api_for):
        # Shape is fine; the intake service refuses a customer that cannot be reached.
        customer = {"name": "王先生"}

        response = api_for(org.agent).post("complaints/", {**NEW_COMPLAINT, "customer": customer})

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "customer.phone": ["Give a phone number or an e-mail address to reach the customer."]
        }
        assert not Customer.objects.exists()

    def test_an_unknown_category_code_is_a_field_error(self, org, api_for):
        response = api_for(org.agent).post("complaints/", {**NEW_COMPLAINT, "category": "nope"})

        assert response.status_code == 400
        assert "category" in error_of(response)["fields"]

    def test_urgent_flags_and_large_claims_raise_the_severity(self, org, api_for):
        payload = {
            **NEW_COMPLAINT,
            "severity": "general",
            "flags": {"personal_injury": True},
            "amount_claimed": "1500.50",
        }

        body = api_for(org.agent).post("complaints/", payload).json()

        assert body["severity"] == Severity.URGENT
        assert body["flags"]["personal_injury"] is True
        assert body["amount_claimed"] == "1500.50"

    def test_the_channel_defaults_to_the_partner_system(self, org, api_for):
        payload = {key: value for key, value in NEW_COMPLAINT.items() if key != "channel"}

        assert api_for(org.agent).post("complaints/", payload).json()["channel"] == "api"

    @pytest.mark.parametrize("role", ["handler", "auditor", "executive"])
    def test_roles_that_do_not_receive_complaints_are_refused(self, org, api_for, role):
        response = api_for(getattr(org, role)).post("complaints/", NEW_COMPLAINT)

        assert response.status_code == 403
        assert error_of(response)["code"] == "permission_denied"
        assert not Complaint.objects.exists()


class TestRead:
    def test_the_detail_carries_its_version_as_etag(self, org, api_for, new_complaint):
        complaint = new_complaint()

        response = api_for(org.manager).get(f"complaints/{complaint.reference}/")

        assert response.status_code == 200
        assert response.json()["reference"] == complaint.reference
        assert response["ETag"] == f'"{complaint.version}"'

    def test_contact_details_are_masked_for_roles_without_pii_permission(
        self, org, api_for, new_complaint
    ):
        complaint = new_complaint(customer_email="wang.wei@example.com")

        masked = api_for(org.agent).get(f"complaints/{complaint.reference}/").json()["customer"]
        clear = api_for(org.manager).get(f"complaints/{complaint.reference}/").json()["customer"]

        assert masked == {
            "id": complaint.customer_id,
            "name": "王先生",
            "phone": "138****5678",
            "email": "w***@example.com",
            "region": "",
            "masked": True,
        }
        assert clear["phone"] == "+8613812345678"
        assert clear["email"] == "wang.wei@example.com"
        assert clear["masked"] is False

    @pytest.mark.parametrize("role", ["agent", "handler", "head", "manager", "auditor"])
    def test_every_role_in_scope_reads_the_case(self, org, api_for, new_complaint, role):
        complaint = new_complaint()  # owned by the service department

        response = api_for(getattr(org, role)).get(f"complaints/{complaint.reference}/")

        assert response.status_code == 200

    def test_a_handler_of_another_department_is_told_it_does_not_exist(
        self, org, api_for, new_complaint
    ):
        complaint = new_complaint()

        response = api_for(org.other_handler).get(f"complaints/{complaint.reference}/")

        assert response.status_code == 404
        assert error_of(response) == {"code": "not_found", "message": "No such complaint."}

    @pytest.mark.parametrize("reference", ["CP-2026-999999", "x" * 40, "%00"])
    def test_unknown_references_are_404(self, org, api_for, reference):
        response = api_for(org.manager).get(f"complaints/{reference}/")

        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"


class TestTriage:
    def test_a_patch_changes_the_triage_fields_through_the_service(
        self, org, api_for, new_complaint
    ):
        complaint = new_complaint()
        url = f"complaints/{complaint.reference}/"

        response = api_for(org.agent).patch(
            url,
            {
                "severity": "complex",
                "assignee": "handler",
                "flags": {"legal_risk": True},
                "comment": "涉及合同条款",
                "version": complaint.version,
            },
        )

        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["severity"] == "complex"
        assert body["assignee"] == "handler"
        assert body["flags"]["legal_risk"] is True
        assert body["version"] == complaint.version + 1
        assert response["ETag"] == f'"{complaint.version + 1}"'
        event = CaseEvent.objects.filter(complaint=complaint, kind=CaseEvent.Kind.TRIAGED).get()
        assert event.actor == org.agent and event.comment == "涉及合同条款"

    def test_a_stale_version_is_a_conflict_and_changes_nothing(self, org, api_for, new_complaint):
        complaint = new_complaint()
        api = api_for(org.agent)
        api.patch(f"complaints/{complaint.reference}/", {"severity": "complex"})

        response = api.patch(
            f"complaints/{complaint.reference}/",
            {"severity": "urgent", "version": complaint.version},
        )

        assert response.status_code == 409
        assert error_of(response)["code"] == "conflict"
        assert Complaint.objects.get(pk=complaint.pk).severity == "complex"

    def test_if_match_carries_the_version_too(self, org, api_for, new_complaint):
        complaint = new_complaint()
        api = api_for(org.agent)
        url = f"complaints/{complaint.reference}/"

        stale = api.patch(url, {"severity": "complex"}, **{"If-Match": '"99"'})
        fresh = api.patch(url, {"severity": "complex"}, **{"If-Match": f'"{complaint.version}"'})
        garbled = api.patch(url, {"severity": "urgent"}, **{"If-Match": "yesterday"})

        assert stale.status_code == 409
        assert fresh.status_code == 200
        assert garbled.status_code == 400
        assert "If-Match" in error_of(garbled)["fields"]

    def test_null_clears_the_assignee(self, org, api_for, new_complaint):
        complaint = new_complaint()
        api = api_for(org.agent)
        api.patch(f"complaints/{complaint.reference}/", {"assignee": "handler"})

        body = api.patch(f"complaints/{complaint.reference}/", {"assignee": None}).json()

        assert body["assignee"] is None

    def test_an_assignee_outside_the_owning_department_is_a_field_error(
        self, org, api_for, new_complaint
    ):
        complaint = new_complaint()

        response = api_for(org.agent).patch(
            f"complaints/{complaint.reference}/", {"assignee": "legal_handler"}
        )

        assert response.status_code == 400
        assert error_of(response)["fields"] == {
            "assignee": ["The assignee must belong to the owning department."]
        }

    @pytest.mark.parametrize("role", ["handler", "auditor"])
    def test_roles_without_triage_permission_get_403(self, org, api_for, new_complaint, role):
        complaint = new_complaint()

        response = api_for(getattr(org, role)).patch(
            f"complaints/{complaint.reference}/", {"severity": "urgent"}
        )

        assert response.status_code == 403
        assert Complaint.objects.get(pk=complaint.pk).severity == Severity.GENERAL

    def test_moving_the_case_out_of_the_heads_scope_still_answers_with_the_case(
        self, org, api_for, new_complaint
    ):
        complaint = new_complaint()

        response = api_for(org.head).patch(
            f"complaints/{complaint.reference}/", {"department": "legal"}
        )

        assert response.status_code == 200
        assert response.json()["department"] == "legal"
        # the head worked on it (triaged it): they read it still, and change it no more
        assert api_for(org.head).get(f"complaints/{complaint.reference}/").status_code == 200
        again = api_for(org.head).patch(
            f"complaints/{complaint.reference}/", {"severity": "urgent"}
        )
        assert again.status_code == 403

    def test_a_finished_case_cannot_be_triaged(self, org, api_for, complaint_in):
        complaint = complaint_in(State.CLOSED)

        response = api_for(org.manager).patch(
            f"complaints/{complaint.reference}/", {"severity": "urgent"}
        )

        assert response.status_code == 409
        assert error_of(response)["code"] == "condition_not_met"
        assert error_of(response)["reasons"] == ["A finished complaint can no longer be changed."]

    def test_the_amount_is_kept_as_a_decimal(self, org, api_for):
        body = (
            api_for(org.agent)
            .post("complaints/", {**NEW_COMPLAINT, "amount_claimed": "12.5"})
            .json()
        )

        assert Complaint.objects.get(reference=body["reference"]).amount_claimed == Decimal("12.50")
