"""The case page: what it shows, to whom, and at what cost in queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import CaseEvent, State
from complaints.services import (
    complaint_add_note,
    complaint_hand_off,
    complaint_transition,
    contact_record,
    decision_propose,
    evidence_add,
)
from tests.pages.conftest_case import case_url, page_fixture, png_bytes  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- scope -------------------------------------------------------------------------------------


def test_a_handler_of_another_department_gets_404(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    assert page.get(org.other_handler, complaint).status_code == 404
    assert page.get(org.handler, complaint).status_code == 200


def test_an_unknown_reference_is_404(client_for, org):
    assert client_for(org.manager).get("/complaints/CP-2020-999999/").status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client_for, new_complaint):
    response = client_for(None).get(case_url(new_complaint()))

    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]


# --- header and facts --------------------------------------------------------------------------


def test_the_header_shows_the_case_at_a_glance(page, org, new_complaint):
    complaint = new_complaint()

    html = text(page.get(org.manager, complaint))

    assert complaint.reference in html
    assert 'class="state state-intake"' in html
    assert complaint.subject in html
    assert "Phone" in html  # channel
    assert f'href="/customers/{complaint.customer.pk}/"' in html
    assert 'data-testid="deadline-first_response"' in html


def test_flags_and_escalation_are_shown(page, org, new_complaint):
    from complaints.services import Flags

    complaint = new_complaint(flags=Flags(media_involved=True))

    html = text(page.get(org.manager, complaint))

    assert 'data-testid="flag-media_involved"' in html
    assert 'data-testid="escalation-level"' in html


# --- contact details: masked, and unmasked on a logged click -----------------------------------


def test_contact_details_are_masked_for_an_agent(page, org, new_complaint):
    complaint = new_complaint(customer_email="wang.wei@example.com")

    html = text(page.get(org.agent, complaint))

    assert "138****5678" in html
    assert "w***@example.com" in html
    assert "+8613812345678" not in html
    assert 'data-testid="unmask"' in html


def test_a_complaint_manager_sees_them_unmasked_without_a_click(page, org, new_complaint):
    complaint = new_complaint()

    html = text(page.get(org.manager, complaint))

    assert "+8613812345678" in html
    assert 'data-testid="unmask"' not in html


REVEAL = {"details": ["phone", "email"], "reason": "call_customer"}


def test_showing_contact_details_is_a_logged_post_with_a_reason(page, org, new_complaint):
    complaint = new_complaint(customer_email="wang.wei@example.com")

    response = page.client(org.agent).post(case_url(complaint, "case_unmask"), REVEAL)

    assert response.status_code == 200
    assert "+8613812345678" in text(response)
    assert "wang.wei@example.com" in text(response)
    event = complaint.events.get(kind=CaseEvent.Kind.PII_UNMASKED)
    assert event.actor == org.agent
    assert event.data == {"fields": ["phone", "email"], "reason": "call_customer"}
    # and the timeline says so in words
    sentences = [e.sentence for e in page.get(org.agent, complaint).context["timeline"]]
    assert (
        f"{org.agent.get_full_name()} · 客服部 revealed the customer's Phone, E-mail." in sentences
    )


def test_showing_contact_details_by_htmx_swaps_the_card(page, org, new_complaint):
    complaint = new_complaint()

    response = page.client(org.agent).post(
        case_url(complaint, "case_unmask"),
        {"details": ["phone"], "reason": "confirm_identity"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert text(response).lstrip().startswith("<section")
    assert "+8613812345678" in text(response)
    assert complaint.events.filter(kind=CaseEvent.Kind.PII_UNMASKED).count() == 1


def test_a_get_never_unmasks(page, org, new_complaint):
    complaint = new_complaint()

    response = page.client(org.agent).get(case_url(complaint, "case_unmask"))

    assert response.status_code == 405
    assert not complaint.events.filter(kind=CaseEvent.Kind.PII_UNMASKED).exists()


def test_an_auditor_may_not_unmask(page, org, new_complaint):
    complaint = new_complaint()

    html = text(page.get(org.auditor, complaint))
    response = page.client(org.auditor).post(case_url(complaint, "case_unmask"), REVEAL)

    assert 'data-testid="unmask"' not in html
    assert response.status_code == 403
    assert not complaint.events.filter(kind=CaseEvent.Kind.PII_UNMASKED).exists()


# --- next steps --------------------------------------------------------------------------------


def test_only_the_steps_this_user_may_take_now_are_offered(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    agent_html = text(page.get(org.agent, complaint))
    handler_html = text(page.get(org.handler, complaint))

    for name in ("start_investigation", "answer_on_spot", "reject", "withdraw"):
        assert f'data-testid="transition-{name}"' in agent_html
    assert 'data-testid="transition-reject"' not in handler_html
    assert 'data-testid="transition-answer_on_spot"' not in handler_html
    assert 'data-testid="transition-close"' not in agent_html


def test_an_auditor_sees_the_case_and_no_forms(page, org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    html = text(page.get(org.auditor, complaint))

    assert 'data-testid="no-steps"' in html
    assert "<form" not in html.split('data-testid="case-page"')[1].split("</article>")[0]


def test_a_finished_case_says_so(page, org, complaint_in):
    complaint = complaint_in(State.CLOSED)

    html = text(page.get(org.manager, complaint))

    assert "This case is finished." in html
    assert 'data-testid="triage-panel"' not in html


# --- the timeline in words ---------------------------------------------------------------------


def test_the_timeline_tells_the_story_in_words(page, org, complaint_in, flow):
    complaint = complaint_in(State.INVESTIGATION)
    complaint_hand_off(
        complaint=complaint,
        actor=org.handler,
        to_department=org.legal,
        to_user=org.other_handler,
        note="涉及合同条款解释，请法务部处理。",
    )
    complaint.refresh_from_db()
    complaint_add_note(complaint=complaint, actor=org.manager, text="客户情绪激动，注意沟通方式。")

    html = text(page.get(org.manager, complaint))
    # People are named with their department (no English name set here: the Chinese one).
    agent_name = f"{org.agent.get_full_name()} · 客服部"
    handler_name = f"{org.handler.get_full_name()} · 服务部"

    assert f"{agent_name} moved the case from Triage to Investigation." in html
    assert f"{handler_name} handed the case over from" in html
    assert "法务部" in html and "涉及合同条款解释" in html
    assert "wrote an internal note." in html
    assert f"{agent_name} recorded the complaint (Phone)." in html
    assert '"changes"' not in html and "{&#x27;" not in html  # no raw JSON


def test_the_timeline_says_when_the_customer_could_not_be_acknowledged(page, org, new_complaint):
    complaint = new_complaint(customer_phone="010 6512 3456")  # a landline: no e-mail, no texts

    html = text(page.get(org.agent, complaint))

    assert "Acknowledgment to the customer" in html
    assert "could not be sent: the customer has no e-mail address" in html


def test_the_timeline_says_the_customer_was_acknowledged_by_text(page, org, new_complaint):
    complaint = new_complaint()  # a mobile number only

    html = text(page.get(org.agent, complaint))

    assert "Acknowledgment to the customer" in html
    assert "sent by text message" in html


def test_the_timeline_shows_the_automatic_acknowledgment_and_the_rejection_notice(
    page, org, new_complaint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_email="wang@example.com")
        complaint = complaint_transition(
            complaint=complaint, name="reject", actor=org.agent, data={"reason": "duplicate"}
        )

    html = text(page.get(org.manager, complaint))

    assert "The customer was sent an acknowledgment automatically (E-mail)." in html
    assert "The customer was sent the notice of non-acceptance automatically (E-mail)." in html
    assert html.count("sent by e-mail") == 2  # on the receipt and on the rejection
    assert "Notice to the customer" in html


def test_internal_and_customer_visible_entries_are_told_apart(page, org, new_complaint):
    complaint = new_complaint()
    complaint_add_note(complaint=complaint, actor=org.agent, text="内部备注")

    response = page.get(org.agent, complaint)
    entries = response.context["timeline"]

    # newest first: the note, then the receipt
    assert [e.event.kind for e in entries] == [CaseEvent.Kind.NOTE, CaseEvent.Kind.CREATED]
    assert entries[0].internal and not entries[1].internal
    html = text(response)
    assert 'class="event tone-note is-internal"' in html
    assert "is-customer" in html


def test_decisions_and_follow_ups_show_amounts_and_satisfaction(page, org, complaint_in, flow):
    complaint = complaint_in(State.DECISION)
    flow.propose(complaint, amount=Decimal("1200.50"))
    for name in ("decide", "send_reply"):
        complaint = flow.run(complaint, name)
    flow.follow_up(complaint, satisfied=True)

    html = text(page.get(org.manager, complaint))

    assert "proposed a decision." in html
    # The decision card and the timeline write the amount the same way.
    assert html.count("¥1,200.50") >= 2 and "¥1200.50" not in html
    assert "made the follow-up visit (Phone)." in html
    assert "5 / 5" in html


# --- query counts ------------------------------------------------------------------------------


def _history(complaint, org, n: int):
    """n notes, contacts, evidence files and decisions on a case in the decision stage."""
    for i in range(n):
        complaint_add_note(complaint=complaint, actor=org.manager, text=f"备注 {i}")
        contact_record(
            complaint=complaint,
            actor=org.manager,
            channel="phone",
            direction="outbound",
            summary=f"电话 {i}",
        )
        evidence_add(
            complaint=complaint,
            actor=org.handler,
            kind="photo",
            upload=SimpleUploadedFile(f"p{i}.png", png_bytes(2 + i % 3, 2), "image/png"),
        )
        complaint.refresh_from_db()
        decision_propose(
            complaint=complaint,
            actor=org.handler,
            remedy="repair",
            outcome="upheld",
            amount=Decimal(i),
            rationale=f"理由 {i}",
        )
        complaint.refresh_from_db()


def _queries(client, url) -> int:
    client.get(url)  # warm per-process caches (calendar, content types)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["head", "handler", "agent", "manager"])
def test_the_page_costs_the_same_queries_for_5_or_50_of_everything(page, org, complaint_in, who):
    small, large = complaint_in(State.DECISION), complaint_in(State.DECISION)
    _history(small, org, 5)
    _history(large, org, 50)
    assert large.events.count() > 200

    client = page.client(getattr(org, who))

    assert _queries(client, case_url(small)) == _queries(client, case_url(large))


def test_the_page_query_count_is_pinned(page, org, complaint_in):
    complaint = complaint_in(State.DECISION)
    _history(complaint, org, 5)

    count = _queries(page.client(org.head), case_url(complaint))

    # session, user, case, its six prefetches, permissions, deadlines' calendar, the decision
    # conditions, approvers and form choices: a fixed budget that must not creep up unnoticed.
    assert count <= 30, count
