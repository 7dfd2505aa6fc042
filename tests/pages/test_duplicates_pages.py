"""Repeat and duplicate complaints on the pages (issue 18 §4): the intake page's look-up, the
case page's related complaints card and repeat badge, the customer page's repeat mark."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from complaints.models import CaseEvent, CaseLink, Complaint, RejectionReason, State
from complaints.services.duplicates import complaint_link_related
from tests.pages.conftest_case import case_url, page_fixture, stored  # noqa: F401

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


# --- intake --------------------------------------------------------------------------------------


def test_the_intake_look_up_shows_duplicates_by_phone_written_otherwise_and_by_order(
    org, client_for, new_complaint
):
    mine = new_complaint(customer_phone="13812345678")
    theirs = new_complaint(customer_phone="13900001111", order_ref="JD-77")
    client = client_for(org.agent)
    lookup = reverse("customer_lookup")

    by_phone = text(client.get(lookup, {"customer_phone": "+86 138 1234 5678"}))
    assert 'data-testid="intake-duplicates"' in by_phone
    assert mine.reference in by_phone and theirs.reference not in by_phone

    by_order = text(client.get(lookup, {"customer_phone": "13700000000", "order_ref": "jd-77"}))
    assert theirs.reference in by_order and mine.reference not in by_order
    assert "same order number" in by_order

    nothing = text(client.get(lookup, {"customer_phone": "13700000000"}))
    assert 'data-testid="intake-duplicates"' not in nothing


def test_the_intake_page_sent_back_shows_the_duplicates_too(org, client_for, new_complaint):
    earlier = new_complaint(order_ref="JD-88")
    response = client_for(org.agent).post(
        reverse("intake"), {"customer_phone": "13700000000", "order_ref": "JD-88"}
    )
    assert response.status_code == 422
    assert earlier.reference in text(response)


# --- the case page -------------------------------------------------------------------------------


def test_a_new_case_shows_its_possible_duplicates_and_merges_into_one(
    org, page, new_complaint, flow
):
    survivor = flow.advance(new_complaint(subject="第一次"), State.INVESTIGATION)
    duplicate = new_complaint(subject="第二次", customer_phone="+86 13812345678")

    shown = text(page.get(org.agent, duplicate))
    assert 'data-testid="possible-duplicate"' in shown and survivor.reference in shown

    merged = page.post(
        org.agent,
        duplicate,
        "case_merge",
        {"into": survivor.reference, "version": duplicate.version},
    )
    assert merged.status_code == 302
    assert merged["Location"] == case_url(survivor)
    assert stored(duplicate).state == State.REJECTED
    assert stored(duplicate).rejection_reason == RejectionReason.DUPLICATE

    on_survivor = text(page.client(org.agent).get(merged["Location"]))
    assert "merged into this one" in on_survivor
    assert f"merged complaint {duplicate.reference} into this one" in on_survivor
    on_duplicate = text(page.get(org.agent, duplicate))
    assert f"Merged into {survivor.reference}" in on_duplicate
    assert 'data-testid="merge-submit"' not in on_duplicate  # ended: nothing more to do


def test_linking_from_the_case_page_shows_on_both(org, page, new_complaint):
    first = new_complaint()
    second = new_complaint()
    response = page.post(org.agent, second, "case_link", {"other": first.reference.lower()})
    assert response.status_code == 302
    for case, other in ((first, second), (second, first)):
        body = text(page.get(org.agent, case))
        assert 'data-testid="linked-case"' in body and other.reference in body
        assert f"linked this complaint to {other.reference}" in body


def test_refusals_come_back_as_messages_and_change_nothing(org, page, new_complaint):
    case = new_complaint(customer_phone="13900001111")
    other = new_complaint(customer_phone="13700002222")

    refused = page.post(org.agent, case, "case_merge", {"into": other.reference})
    follow = text(page.client(org.agent).get(refused["Location"]))
    assert "different customers" in follow
    missing = page.post(org.agent, case, "case_link", {"other": "CP-2020-999999"})
    assert missing.status_code == 302
    assert not CaseLink.objects.exists()
    assert stored(case).state == State.INTAKE
    # a role without the right is refused before the body is read
    assert page.post(org.handler, case, "case_merge", {}).status_code in (403, 404)
    assert page.post(org.auditor, case, "case_link", {}).status_code == 403


def test_a_repeat_complainant_is_badged_on_the_case_and_the_customer_page(
    org, page, new_complaint, client_for, settings
):
    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 2
    cases = [new_complaint() for _n in range(3)]
    body = text(page.get(org.agent, cases[0]))
    assert 'data-testid="case-repeat"' in body and "Repeat complainant · 3" in body
    customer = text(
        client_for(org.agent).get(reverse("customer_detail", args=[cases[0].customer_id]))
    )
    assert "Repeat complainant: 3 complaints in the last 90 days" in customer

    settings.REPORTS_REPEAT_MIN_COMPLAINTS = 3
    assert 'data-testid="case-repeat"' not in text(page.get(org.agent, cases[0]))


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_card_costs_the_same_queries_for_2_or_8_duplicates_and_links(org, page, new_complaint):
    small = new_complaint()
    new_complaint()
    complaint_link_related(actor=org.agent, complaint=small, other=new_complaint())
    client = page.client(org.agent)
    few = _queries(client, case_url(small))
    for _n in range(6):
        new_complaint()
        complaint_link_related(actor=org.agent, complaint=small, other=new_complaint())
    assert _queries(client, case_url(small)) == few
    assert CaseEvent.objects.filter(complaint=small, kind="linked").count() == 7
    assert Complaint.objects.count() == 15
