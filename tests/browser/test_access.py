"""What a person may not do is neither offered on the page nor accepted when posted by hand.

Each refusal is tried the way a curious user would: open the address, or post the form from the
browser's own session (cookie and CSRF token included), and the case must stay exactly as it was.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from playwright.sync_api import APIResponse, Page, expect

from complaints.models import CaseEvent, Decision, State
from complaints.services import complaint_add_note, evidence_add
from tests.browser.conftest import csrf_token, open_case
from tests.complaints.conftest import snapshot
from tests.pages.conftest_case import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def post_form(page: Page, url: str, data: dict[str, str]) -> APIResponse:
    """Post as the page's own session would, with the CSRF token its forms carry."""
    return page.request.post(url, form={"csrfmiddlewaretoken": csrf_token(page), **data})


def test_a_handler_of_another_department_finds_nothing_at_the_case_address(
    org, complaint_in, sign_in, live_server
):
    # Given a case of 服务部 with a note and a photo
    complaint = complaint_in(State.INVESTIGATION)
    complaint_add_note(complaint=complaint, actor=org.handler, text="内部备注：客户情绪激动。")
    photo = SimpleUploadedFile("damage.png", png_bytes(), content_type="image/png")
    evidence = evidence_add(complaint=complaint, actor=org.handler, kind="photo", upload=photo)
    before = snapshot(complaint)
    case_url = f"{live_server.url}/complaints/{complaint.reference}/"

    # When the handler of 法务部 opens it, its photo, and posts a note to it
    legal = sign_in(org.other_handler)
    opened = legal.goto(case_url)
    page_text = legal.locator("main").inner_text()
    download = legal.request.get(
        live_server.url + reverse("case_evidence_file", args=[complaint.reference, evidence.pk])
    )
    note = post_form(legal, case_url + "notes/", {"text": "我也想看看"})

    # Then every answer is "not found", nothing of the case shows, and nothing was written
    assert opened.status == 404
    expect(legal.locator(".error-code")).to_have_text("404")
    assert complaint.subject not in page_text
    assert "客户情绪激动" not in page_text
    assert download.status == 404
    assert note.status == 404
    assert snapshot(complaint) == before

    # while a handler of 服务部 opens the same address
    handler = sign_in(org.handler)
    open_case(handler, complaint.reference)
    expect(handler.get_by_test_id("case-subject")).to_have_text(complaint.subject)


def test_a_handler_is_offered_no_triage_and_is_refused_it_when_posting(
    org, complaint_in, sign_in, live_server
):
    # Given a case waiting for triage
    complaint = complaint_in(State.TRIAGE)
    before = snapshot(complaint)
    case_url = f"{live_server.url}/complaints/{complaint.reference}/"

    # When the handler opens it: no triage form, no step to send it to investigation
    handler = sign_in(org.handler)
    open_case(handler, complaint.reference)
    expect(handler.get_by_test_id("triage-panel")).to_have_count(0)
    expect(handler.get_by_test_id("transition-start_investigation")).to_have_count(0)
    expect(handler.get_by_test_id("transition-start_triage")).to_have_count(0)

    # and posts both forms by hand, with the right version, as if the page had offered them
    version = str(complaint.version)
    triage = post_form(
        handler,
        case_url + "triage/",
        {"expected_version": version, "severity": "urgent", "assignee": str(org.handler.pk)},
    )
    step = post_form(
        handler, case_url + "steps/start_investigation/", {"expected_version": version}
    )

    # Then both are forbidden and the case is exactly as it was
    assert (triage.status, step.status) == (403, 403)
    assert "You may not do this" in triage.text()
    assert snapshot(complaint) == before
    complaint.refresh_from_db()
    assert (complaint.severity, complaint.assignee) == ("general", None)

    # while the agent, who may triage, is offered both
    agent = sign_in(org.agent)
    open_case(agent, complaint.reference)
    expect(agent.get_by_test_id("triage-panel")).to_have_count(1)
    expect(agent.get_by_test_id("transition-start_investigation")).to_have_count(1)


def test_only_someone_whose_limit_covers_a_decision_is_offered_its_approval(
    org, complaint_in, flow, sign_in, live_server
):
    # Given a compensation of 30 000 CNY proposed by the handler, above the head's 20 000 limit
    complaint = complaint_in(State.DECISION)
    decision = flow.propose(complaint, amount=Decimal(30000), actor=org.handler)
    assert decision.state == Decision.Status.PENDING_APPROVAL
    before = snapshot(complaint)
    approve_url = live_server.url + reverse(
        "case_decision_approve", args=[complaint.reference, decision.pk]
    )

    refused = {}
    for person in (org.agent, org.handler, org.head):
        # When each opens the case: the decision is there, waiting, with no way to approve it
        page = sign_in(person)
        open_case(page, complaint.reference)
        expect(page.get_by_test_id("decision")).to_have_attribute("data-state", "pending_approval")
        expect(page.get_by_test_id("approve-decision")).to_have_count(0)
        expect(page.get_by_test_id("refuse-decision")).to_have_count(0)
        # and posts the approval by hand
        response = post_form(page, approve_url, {"comment": "同意"})
        refused[person.username] = response.status
        # (the role's refusal, not a CSRF one: the same post by the manager is accepted below);
        # a role that approves nothing is told so before the limit is looked at
        reason = (
            "does not cover this decision"
            if person.has_perm("complaints.approve_decision")
            else "Your role does not allow this action."
        )
        assert reason in response.text()

    # Then it is forbidden to each, and the decision and the case are untouched
    assert refused == {"agent": 403, "handler": 403, "head": 403}
    decision.refresh_from_db()
    assert (decision.state, decision.approvals.count()) == (Decision.Status.PENDING_APPROVAL, 0)
    assert snapshot(complaint) == before
    assert not complaint.events.filter(kind=CaseEvent.Kind.DECISION_APPROVED).exists()

    # while the complaint manager, whose limit is 50 000, is offered both answers, and the very
    # same post is accepted from them
    manager = sign_in(org.manager)
    open_case(manager, complaint.reference)
    expect(manager.get_by_test_id("approve-decision")).to_be_visible()
    expect(manager.get_by_test_id("approval-actions").locator("summary")).to_have_text("Refuse")
    accepted = post_form(manager, approve_url, {"comment": "同意"})
    assert accepted.ok and "The decision is approved." in accepted.text()
    decision.refresh_from_db()
    assert (decision.state, decision.approved_by) == (Decision.Status.APPROVED, org.manager)
