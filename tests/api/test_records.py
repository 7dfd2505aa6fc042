"""Timeline, notes, customer contacts, follow-ups, handoffs and clock pauses through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import CaseEvent, Complaint, CustomerContact, FollowUp, Handoff, State
from sla.models import Clock
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


class TestEvents:
    def test_the_timeline_lists_every_entry_oldest_first(
        self, org, api_for, new_complaint, flow, case_url
    ):
        complaint = flow.run(new_complaint(), "start_triage", comment="核实中")

        response = api_for(org.auditor).get(case_url(complaint, "events"))

        assert response.status_code == 200
        events = response.json()
        assert [e["kind"] for e in events] == ["created", "transition"]
        transition = events[1]
        assert set(transition) == {
            "id",
            "kind",
            "at",
            "actor",
            "from_state",
            "to_state",
            "transition",
            "comment",
            "customer_visible",
            "data",
        }
        assert transition["actor"] == "agent"
        assert (transition["from_state"], transition["to_state"]) == ("intake", "triage")
        assert transition["transition"] == "start_triage"
        assert transition["comment"] == "核实中"
        assert events[0]["data"]["channel"] == "phone"

    def test_out_of_scope_is_404(self, org, api_for, new_complaint, case_url):
        assert (
            api_for(org.other_handler).get(case_url(new_complaint(), "events")).status_code == 404
        )


class TestNotes:
    def test_a_note_is_added_to_the_timeline(self, org, api_for, new_complaint, case_url):
        complaint = new_complaint()

        response = api_for(org.handler).post(case_url(complaint, "notes"), {"text": "已联系门店"})

        assert response.status_code == 201
        assert response.json()["kind"] == "note"
        assert response.json()["comment"] == "已联系门店"
        assert response.json()["customer_visible"] is False
        assert CaseEvent.objects.filter(complaint=complaint, kind="note").count() == 1

    def test_an_empty_note_is_a_field_error(self, org, api_for, new_complaint, case_url):
        response = api_for(org.handler).post(case_url(new_complaint(), "notes"), {"text": ""})

        assert response.status_code == 400
        assert "text" in error_of(response)["fields"]

    def test_an_auditor_may_not_write_notes(self, org, api_for, new_complaint, case_url):
        response = api_for(org.auditor).post(case_url(new_complaint(), "notes"), {"text": "看过"})

        assert response.status_code == 403


class TestContacts:
    def test_the_first_outbound_contact_meets_the_first_response_deadline(
        self, org, api_for, new_complaint, case_url
    ):
        complaint = new_complaint()

        response = api_for(org.agent).post(
            case_url(complaint, "contacts"),
            {"channel": "phone", "direction": "outbound", "summary": "已致电客户，说明处理流程"},
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["channel"], body["direction"], body["purpose"], body["by"]) == (
            "phone",
            "outbound",
            "general",
            "agent",
        )
        assert CustomerContact.objects.filter(complaint=complaint).count() == 1
        assert Clock.objects.get(complaint=complaint, stage="first_response").met_at is not None

    def test_a_contact_in_the_future_is_refused(self, org, api_for, new_complaint, case_url):
        response = api_for(org.agent).post(
            case_url(new_complaint(), "contacts"),
            {
                "channel": "phone",
                "direction": "inbound",
                "summary": "客户来电",
                "at": (timezone.now() + timedelta(hours=1)).isoformat(),
            },
        )

        assert response.status_code == 400
        assert "at" in error_of(response)["fields"]

    def test_a_choice_outside_the_list_is_a_field_error(
        self, org, api_for, new_complaint, case_url
    ):
        response = api_for(org.agent).post(
            case_url(new_complaint(), "contacts"),
            {"channel": "pigeon", "direction": "inbound", "summary": "?"},
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"channel"}


class TestFollowUps:
    def test_a_follow_up_visit_is_recorded(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.FOLLOW_UP)

        response = api_for(org.agent).post(
            case_url(complaint, "follow-ups"),
            {"method": "phone", "reached": True, "satisfaction": 4, "resolved": True},
        )

        assert response.status_code == 201, response.json()
        assert response.json()["satisfaction"] == 4
        assert response.json()["round"] == 0
        assert FollowUp.objects.get(complaint=complaint).by == org.agent

    def test_a_reached_visit_needs_the_customers_verdict(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.FOLLOW_UP)

        response = api_for(org.agent).post(
            case_url(complaint, "follow-ups"), {"method": "phone", "reached": True}
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"satisfaction", "resolved"}

    def test_before_the_reply_there_is_nothing_to_follow_up(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.agent).post(
            case_url(complaint, "follow-ups"), {"method": "phone", "reached": False}
        )

        assert response.status_code == 409
        assert error_of(response)["code"] == "condition_not_met"

    def test_a_handler_may_not_record_follow_ups(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.FOLLOW_UP)

        response = api_for(org.handler).post(
            case_url(complaint, "follow-ups"), {"method": "phone", "reached": False}
        )

        assert response.status_code == 403


class TestHandoffs:
    def test_a_handoff_moves_the_case_and_records_who_to_whom(
        self, org, api_for, complaint_in, case_url
    ):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(
            case_url(complaint, "handoffs"),
            {"to_department": "legal", "to_user": "legal_handler", "note": "涉及合同纠纷"},
        )

        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["from_department"], body["to_department"], body["to_user"]) == (
            "service",
            "legal",
            "legal_handler",
        )
        assert body["handed_off_by"] == "handler"
        stored = Complaint.objects.get(pk=complaint.pk)
        assert (stored.department, stored.assignee) == (org.legal, org.other_handler)
        assert Handoff.objects.filter(complaint=complaint).count() == 1
        # Now it is the legal handler's case.
        assert api_for(org.other_handler).get(case_url(complaint)).status_code == 200
        # the giver still reads the case they worked on (issue 12, 1.5), and writes no more to it
        assert api_for(org.handler).get(case_url(complaint)).status_code == 200
        note = api_for(org.handler).post(case_url(complaint, "notes"), {"text": "补充"})
        assert note.status_code == 403

    def test_a_handoff_without_a_note_is_a_field_error(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(
            case_url(complaint, "handoffs"), {"to_department": "legal", "note": " "}
        )

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"note"}

    def test_a_stale_version_is_a_conflict(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(
            case_url(complaint, "handoffs"),
            {"to_department": "legal", "note": "转法务", "version": 1},
        )

        assert response.status_code == 409
        assert Complaint.objects.get(pk=complaint.pk).department == org.service

    def test_an_agent_may_not_hand_off(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.agent).post(
            case_url(complaint, "handoffs"), {"to_department": "legal", "note": "转法务"}
        )

        assert response.status_code == 403


class TestPauses:
    def test_pausing_and_resuming_the_clocks(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)
        api = api_for(org.handler)

        paused = api.post(
            case_url(complaint, "pause"), {"reason": "testing_appraisal", "note": "送检"}
        )
        resumed = api.post(case_url(complaint, "resume"))

        assert paused.status_code == 200, paused.json()
        running = [d for d in paused.json()["deadlines"] if d["met_at"] is None]
        # testing stops the handling clocks; the first response and the 72-hour alert run on
        assert {d["stage"]: d["paused"] for d in running} == {
            "first_response": False,
            "investigation": True,
            "decision": True,
            "resolution": False,
        }
        assert resumed.status_code == 200
        assert not any(d["paused"] for d in resumed.json()["deadlines"])
        kinds = list(CaseEvent.objects.filter(complaint=complaint).values_list("kind", flat=True))
        assert kinds[-2:] == ["clocks_paused", "clocks_resumed"]

    def test_other_needs_a_note(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(case_url(complaint, "pause"), {"reason": "other"})

        assert response.status_code == 400
        assert set(error_of(response)["fields"]) == {"note"}

    def test_resuming_what_is_not_paused_is_409(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.handler).post(case_url(complaint, "resume"))

        assert response.status_code == 409
        assert error_of(response)["reasons"] == ["No clock is paused on this complaint."]

    def test_an_auditor_may_not_pause(self, org, api_for, complaint_in, case_url):
        complaint = complaint_in(State.INVESTIGATION)

        response = api_for(org.auditor).post(
            case_url(complaint, "pause"), {"reason": "waiting_customer"}
        )

        assert response.status_code == 403
