"""The case page's work forms: triage, handoff, notes, contacts, follow-up visits, pausing clocks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import CaseEvent, CustomerContact, FollowUp, Handoff, Severity, State
from sla.models import Clock
from tests.complaints.conftest import snapshot
from tests.pages.conftest_case import case_url, page_fixture, stored  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def triage_data(complaint, **changes) -> dict:
    data = {
        "category": complaint.category_id or "",
        "severity": complaint.severity,
        "department": complaint.department_id or "",
        "assignee": complaint.assignee_id or "",
    }
    data.update(changes)
    return data


# --- triage ------------------------------------------------------------------------------------


def test_triage_assigns_and_records_the_change(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.post(
        org.agent,
        complaint,
        "case_triage",
        triage_data(complaint, assignee=org.handler.pk, severity="complex", comment="技术问题"),
    )

    assert response.status_code == 302
    complaint = stored(complaint)
    assert complaint.assignee == org.handler
    assert complaint.severity == Severity.COMPLEX
    event = complaint.events.get(kind=CaseEvent.Kind.TRIAGED)
    assert set(event.data["changes"]) == {"assignee", "severity"}
    html = text(page.get(org.agent, complaint))
    assert "The triage details are saved." in html
    assert "changed the triage details." in html


def test_triage_with_an_assignee_of_another_department_is_marked(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)
    before = snapshot(complaint)

    response = page.post(
        org.agent, complaint, "case_triage", triage_data(complaint, assignee=org.other_handler.pk)
    )

    assert response.status_code == 422
    assert snapshot(complaint) == before
    form = response.context["triage_form"]
    assert form.errors["assignee"] == ["The assignee must belong to the owning department."]
    assert response.context["open_panel"] == "triage"


def test_moving_the_department_without_an_assignee_lets_the_service_clear_it(
    page, org, complaint_in
):
    complaint = complaint_in(State.TRIAGE)
    page.post(org.agent, complaint, "case_triage", triage_data(complaint, assignee=org.handler.pk))
    complaint = stored(complaint)

    page.post(
        org.agent,
        complaint,
        "case_triage",
        triage_data(complaint, department=org.legal.pk),
    )

    complaint = stored(complaint)
    assert complaint.department == org.legal
    assert complaint.assignee is None


def test_triage_from_a_stale_page_is_a_conflict(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)
    old_version = complaint.version
    page.post(org.manager, complaint, "case_triage", triage_data(complaint, severity="complex"))
    before = snapshot(complaint)

    response = page.post(
        org.agent,
        complaint,
        "case_triage",
        triage_data(complaint, severity="urgent"),
        version=old_version,
    )

    assert response.status_code == 409
    assert "Someone else changed this case" in text(response)
    assert snapshot(complaint) == before


def test_a_handler_may_not_triage(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    before = snapshot(complaint)

    html = text(page.get(org.handler, complaint))
    response = page.post(
        org.handler, complaint, "case_triage", triage_data(complaint, severity="major")
    )

    assert 'data-testid="triage-panel"' not in html
    assert response.status_code == 403
    assert snapshot(complaint) == before


# --- handoff -----------------------------------------------------------------------------------


def test_a_handoff_moves_the_case_with_its_note(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(
        org.handler,
        complaint,
        "case_handoff",
        {"to_department": org.legal.pk, "to_user": org.other_handler.pk, "note": "请审核赔偿条款"},
    )

    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert (handoff.to_department, handoff.to_user, handoff.note) == (
        org.legal,
        org.other_handler,
        "请审核赔偿条款",
    )
    assert stored(complaint).department == org.legal


def test_a_handoff_without_a_note_is_marked(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(
        org.handler, complaint, "case_handoff", {"to_department": org.legal.pk, "note": ""}
    )

    assert response.status_code == 422
    assert response.context["handoff_form"].errors["note"] == ["Say what is handed over and why."]
    assert not Handoff.objects.exists()


# --- notes -------------------------------------------------------------------------------------


def test_a_note_is_added_to_the_timeline(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(org.handler, complaint, "case_note", {"text": "已联系厂家技术支持"})

    assert response.status_code == 302
    assert response["Location"] == case_url(complaint) + "#timeline"
    note = complaint.events.get(kind=CaseEvent.Kind.NOTE)
    assert (note.comment, note.customer_visible) == ("已联系厂家技术支持", False)


def test_a_note_by_htmx_swaps_the_timeline(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(
        org.handler, complaint, "case_note", {"text": "备注内容"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<ol class="timeline" id="timeline"')
    assert "备注内容" in html


def test_an_empty_note_is_refused_and_htmx_gets_the_form_back(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    plain = page.post(org.handler, complaint, "case_note", {"text": "  "})
    htmx = page.post(org.handler, complaint, "case_note", {"text": ""}, HTTP_HX_REQUEST="true")

    assert plain.status_code == 422
    assert "Write the note first." in text(plain)
    assert htmx["HX-Retarget"] == "#note-form"
    assert "Write the note first." in text(htmx)
    assert not complaint.events.filter(kind=CaseEvent.Kind.NOTE).exists()


def test_an_auditor_may_not_write_notes(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(org.auditor, complaint, "case_note", {"text": "审计意见"})

    assert response.status_code == 403
    assert not complaint.events.filter(kind=CaseEvent.Kind.NOTE).exists()


# --- contacts with the customer ----------------------------------------------------------------


def test_a_logged_call_is_the_first_response(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.post(
        org.agent,
        complaint,
        "case_contact",
        {
            "channel": "phone",
            "direction": "outbound",
            "purpose": "acknowledgement",
            "summary": "已致电确认受理",
        },
    )

    assert response.status_code == 302
    contact = CustomerContact.objects.get()
    assert (contact.channel, contact.by, contact.summary) == ("phone", org.agent, "已致电确认受理")
    assert stored(complaint).first_response_at == contact.at


def test_a_contact_without_what_was_said_keeps_the_choices(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.post(
        org.agent,
        complaint,
        "case_contact",
        {"channel": "email", "direction": "inbound", "purpose": "progress", "summary": ""},
    )

    assert response.status_code == 422
    form = response.context["contact_form"]
    assert form.errors["summary"] == ["Write what was said."]
    assert form["channel"].value() == "email"
    assert form["direction"].value() == "inbound"
    assert not CustomerContact.objects.exists()


def test_a_contact_in_the_future_is_refused(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)
    later = (timezone.localtime() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")

    response = page.post(
        org.agent,
        complaint,
        "case_contact",
        {
            "channel": "phone",
            "direction": "outbound",
            "purpose": "general",
            "summary": "x",
            "at": later,
        },
    )

    assert response.status_code == 422
    assert response.context["contact_form"].errors["at"] == ["A contact cannot be in the future."]


# --- follow-up visits --------------------------------------------------------------------------


def visit(**overrides) -> dict:
    data = {
        "method": "phone",
        "reached": "yes",
        "satisfaction": "5",
        "resolved": "yes",
        "comment": "",
    }
    data.update(overrides)
    return data


def test_a_satisfied_customer_makes_close_available_at_once(page, org, complaint_in):
    complaint = complaint_in(State.FOLLOW_UP)

    response = page.post(org.agent, complaint, "case_follow_up", visit(comment="很满意"))

    assert response.status_code == 302
    assert response["Location"].endswith("#next-steps")
    assert FollowUp.objects.get().satisfaction == 5
    follow = page.get(org.agent, complaint)
    assert "The customer is satisfied: the case can be closed now." in text(follow)
    names = [p.spec.name for p in follow.context["transitions"]]
    assert "close" in names and "reopen" not in names


def test_a_dissatisfied_customer_makes_reopen_available(page, org, complaint_in):
    complaint = complaint_in(State.FOLLOW_UP)

    page.post(org.agent, complaint, "case_follow_up", visit(satisfaction="1", resolved="no"))

    follow = page.get(org.agent, complaint)
    assert "can be reopened for a second handling" in text(follow)
    names = [p.spec.name for p in follow.context["transitions"]]
    assert "reopen" in names and "close" not in names
    # and reopening from the page starts the second handling
    page.step(org.agent, stored(complaint), "reopen")
    assert stored(complaint).state == State.INVESTIGATION
    assert stored(complaint).reopen_count == 1


def test_a_reached_customer_needs_a_verdict(page, org, complaint_in):
    complaint = complaint_in(State.FOLLOW_UP)

    response = page.post(
        org.agent, complaint, "case_follow_up", visit(satisfaction="", resolved="")
    )

    assert response.status_code == 422
    errors = response.context["follow_up_form"].errors
    assert set(errors) == {"satisfaction", "resolved"}
    assert not FollowUp.objects.exists()


def test_an_unanswered_call_is_an_attempt_without_verdict(page, org, complaint_in):
    complaint = complaint_in(State.FOLLOW_UP)

    page.post(
        org.agent, complaint, "case_follow_up", visit(reached="no", satisfaction="", resolved="")
    )

    visit_row = FollowUp.objects.get()
    assert (visit_row.reached, visit_row.satisfaction, visit_row.resolved) == (False, None, None)


def test_the_follow_up_form_appears_only_in_the_follow_up_stage(page, org, complaint_in):
    assert page.get(org.agent, complaint_in(State.REPLY)).context["follow_up_form"] is None
    assert page.get(org.agent, complaint_in(State.FOLLOW_UP)).context["follow_up_form"]


# --- pausing and resuming the deadlines --------------------------------------------------------


def test_pausing_and_resuming_the_deadlines(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    paused = page.post(
        org.handler, complaint, "case_pause", {"reason": "testing_appraisal", "note": "送检"}
    )
    assert paused.status_code == 302
    running = Clock.objects.filter(
        complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True
    )
    # testing stops the handling clocks; the first response and the 72-hour alert run on
    assert {clock.stage: clock.paused_at is not None for clock in running} == {
        "first_response": False,
        "investigation": True,
        "decision": True,
        "resolution": False,
    }
    html = text(page.get(org.handler, complaint))
    assert 'data-testid="resume-clocks"' in html
    assert "paused the deadlines." in html
    # the message names the deadlines that stopped, not "the deadlines"
    assert "Paused until you resume them: Investigation, Decision." in html

    resumed = page.post(org.handler, stored(complaint), "case_resume", {})
    assert resumed.status_code == 302
    assert not any(clock.paused_at for clock in running.all())


def test_pausing_for_another_reason_needs_the_note(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(org.handler, complaint, "case_pause", {"reason": "other", "note": ""})

    assert response.status_code == 422
    assert response.context["pause_form"].errors["note"] == ["Explain why the clock stops."]


def test_resuming_with_nothing_paused_says_so(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    response = page.post(org.handler, complaint, "case_resume", {})

    assert response.status_code == 422
    assert "No clock is paused on this complaint." in text(response)
