"""Workflow steps posted from the case page: success, refusals in words, 403, 409, the reply e-mail."""

from __future__ import annotations

import pytest
from django.core import mail

from complaints.models import CaseEvent, State
from tests.complaints.conftest import snapshot
from tests.pages.conftest_case import case_url, page_fixture, stored  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_a_step_moves_the_case_and_comes_back_to_the_page(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.step(org.agent, complaint, "start_investigation", {"comment": "已核实"})

    assert response.status_code == 302
    assert response["Location"] == case_url(complaint)
    assert stored(complaint).state == State.INVESTIGATION
    event = complaint.events.filter(kind=CaseEvent.Kind.TRANSITION).last()
    assert (event.transition, event.actor, event.comment) == (
        "start_investigation",
        org.agent,
        "已核实",
    )
    follow = page.get(org.agent, complaint)
    assert "The case is now at the “Investigation” stage." in text(follow)


def test_reject_records_the_ground(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    page.step(org.agent, complaint, "reject", {"reason": "duplicate"})

    complaint = stored(complaint)
    assert complaint.state == State.REJECTED
    assert complaint.rejection_reason == "duplicate"


def test_reject_without_a_ground_keeps_what_was_typed(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)
    before = snapshot(complaint)

    response = page.step(org.agent, complaint, "reject", {"reason": "", "comment": "客户重复投诉"})

    assert response.status_code == 422
    assert snapshot(complaint) == before
    panel = next(p for p in response.context["transitions"] if p.spec.name == "reject")
    assert panel.open
    assert "Choose the ground for not accepting the complaint." in panel.form.errors["reason"]
    assert "客户重复投诉" in text(response)


def test_reject_on_other_grounds_needs_the_explanation(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.step(org.agent, complaint, "reject", {"reason": "other"})

    assert response.status_code == 422
    assert "Explain the ground in the comment." in text(response)
    assert stored(complaint).state == State.TRIAGE


def test_complete_investigation_needs_findings(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    missing = page.step(org.handler, complaint, "complete_investigation", {"findings": " "})
    done = page.step(
        org.handler, complaint, "complete_investigation", {"findings": "接线松动，属维修质量问题。"}
    )

    assert missing.status_code == 422
    assert "This field is required." in text(missing)
    assert done.status_code == 302
    assert stored(complaint).findings == "接线松动，属维修质量问题。"


def test_a_step_the_role_may_not_take_is_403_and_changes_nothing(page, org, complaint_in):
    # given a triage case a handler can see but may not reject
    complaint = complaint_in(State.TRIAGE)
    before = snapshot(complaint)

    response = page.step(org.handler, complaint, "reject", {"reason": "duplicate"})

    assert response.status_code == 403
    assert snapshot(complaint) == before


def test_an_auditor_posting_a_step_is_403(page, org, complaint_in):
    complaint = complaint_in(State.INTAKE)
    before = snapshot(complaint)

    response = page.step(org.auditor, complaint, "withdraw", {"comment": "x"})

    assert response.status_code == 403
    assert snapshot(complaint) == before


def test_a_case_out_of_scope_is_404_for_a_step(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)
    before = snapshot(complaint)

    response = page.step(org.other_handler, complaint, "complete_investigation", {"findings": "x"})

    assert response.status_code == 404
    assert snapshot(complaint) == before


def test_an_unknown_step_is_404(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    assert page.step(org.agent, complaint, "teleport").status_code == 404


def test_a_stale_page_is_told_someone_else_changed_the_case(page, org, complaint_in, flow):
    # given the agent's page was read, then a colleague moved the case on
    complaint = complaint_in(State.TRIAGE)
    read_version = complaint.version
    flow.run(complaint, "start_investigation", actor=org.manager)
    before = snapshot(complaint)

    # when the agent sends the reject form of the old page
    response = page.step(
        org.agent, complaint, "withdraw", {"comment": "客户撤回"}, version=read_version
    )

    # then nothing changes and the fresh case is shown with the words, and the typed text kept
    assert response.status_code == 409
    assert snapshot(complaint) == before
    html = text(response)
    assert "Someone else changed this case" in html
    assert 'data-state="investigation"' in html
    panel = next(p for p in response.context["transitions"] if p.spec.name == "withdraw")
    assert panel.open
    assert "客户撤回" in html
    # the form now carries the fresh version: sending it again is a deliberate choice
    assert panel.form["expected_version"].value() == str(stored(complaint).version)


def test_a_step_from_the_wrong_stage_is_refused_in_words(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.step(org.manager, complaint, "close")

    assert response.status_code == 409
    assert "“Close” is not possible while the case is at the “Triage” stage." in text(response)
    assert stored(complaint).state == State.TRIAGE


def test_a_step_the_case_is_not_ready_for_says_what_is_missing(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)

    response = page.step(org.handler, complaint, "decide")

    assert response.status_code == 422
    assert "An approved decision is needed first." in text(response)
    assert stored(complaint).state == State.DECISION


def test_withdraw_keeps_what_the_customer_said(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    page.step(org.agent, complaint, "withdraw", {"comment": "客户已与门店私下协商解决。"})

    assert stored(complaint).state == State.WITHDRAWN
    event = complaint.events.filter(transition="withdraw").get()
    assert event.comment == "客户已与门店私下协商解决。"


# --- the reply ---------------------------------------------------------------------------------


def _ready_to_reply(complaint_in, flow, **overrides):
    return complaint_in(State.REPLY, **overrides)


def test_the_reply_form_starts_from_the_decision(page, org, complaint_in, flow):
    complaint = _ready_to_reply(complaint_in, flow)

    # The reply panel is folded: its button fetches it (htmx), or opens the page with it.
    fetched = page.client(org.handler).get(
        case_url(complaint, "case_panel", "transition:send_reply"), HTTP_HX_REQUEST="true"
    )
    opened = page.client(org.handler).get(case_url(complaint), {"open": "transition:send_reply"})

    panels = [
        fetched.context["panel"],
        next(p for p in opened.context["transitions"] if p.spec.name == "send_reply"),
    ]
    for panel in panels:
        assert panel.form["content"].value() == "维修质量问题，免费返修。"
        assert panel.form["channel"].value() == "phone"


def test_a_reply_by_e_mail_is_mailed_to_the_customer_after_commit(
    page, org, complaint_in, flow, django_capture_on_commit_callbacks
):
    complaint = _ready_to_reply(complaint_in, flow, customer_email="Wang.Wei@Example.com")
    content = "经检测为安装问题，我们将免费上门重新安装，并赠送一年延保。"

    with django_capture_on_commit_callbacks(execute=True):
        response = page.step(
            org.handler, complaint, "send_reply", {"channel": "email", "content": content}
        )

    assert response.status_code == 302
    assert stored(complaint).state == State.FOLLOW_UP
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["wang.wei@example.com"]
    assert complaint.reference in message.subject
    assert content in message.body
    assert content in message.alternatives[0][0]
    event = complaint.events.get(transition="send_reply")
    assert event.data["emailed"] is True


def test_a_reply_by_phone_sends_no_e_mail(
    page, org, complaint_in, flow, django_capture_on_commit_callbacks
):
    complaint = _ready_to_reply(complaint_in, flow, customer_email="wang@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        page.step(
            org.handler, complaint, "send_reply", {"channel": "phone", "content": "已电话告知"}
        )

    assert stored(complaint).state == State.FOLLOW_UP
    assert mail.outbox == []


def test_a_reply_by_e_mail_to_a_customer_without_an_address_sends_nothing(
    page, org, complaint_in, flow, django_capture_on_commit_callbacks
):
    complaint = _ready_to_reply(complaint_in, flow)  # phone only

    with django_capture_on_commit_callbacks(execute=True):
        page.step(org.handler, complaint, "send_reply", {"channel": "email", "content": "结果"})

    assert stored(complaint).state == State.FOLLOW_UP
    assert mail.outbox == []
    assert complaint.events.get(transition="send_reply").data["emailed"] is False


def test_a_refused_reply_sends_no_e_mail(
    page, org, complaint_in, flow, django_capture_on_commit_callbacks
):
    complaint = _ready_to_reply(complaint_in, flow, customer_email="wang@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = page.step(
            org.handler, complaint, "send_reply", {"channel": "email", "content": ""}
        )

    assert response.status_code == 422
    assert mail.outbox == []
    assert stored(complaint).state == State.REPLY
