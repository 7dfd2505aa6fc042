"""Repeat and duplicate complaints through the API (issue 18 §4)."""

from __future__ import annotations

import pytest

from complaints.models import CaseLink, Complaint, RejectionReason, State
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def test_possible_duplicates_are_listed_for_a_case_from_any_door(
    org, api_for, new_complaint, case_url
):
    earlier = new_complaint(order_ref="JD-9", customer_phone="13900001111")
    mine = new_complaint(customer_phone="13812345678")
    # filed on the public page: the agent sees its possible duplicates at triage
    later = new_complaint(actor=None, order_ref="jd-9", customer_phone="+86 138 1234 5678")

    found = api_for(org.agent).get(case_url(later, "possible-duplicates")).json()

    assert {row["reference"]: (row["same_order"], row["same_customer"]) for row in found} == {
        earlier.reference: (True, False),
        mine.reference: (False, True),
    }
    assert api_for(org.other_handler).get(case_url(later, "possible-duplicates")).status_code == 404


def test_link_then_merge_through_the_api(org, api_for, new_complaint, case_url):
    first = new_complaint()
    second = new_complaint()
    third = new_complaint()
    api = api_for(org.agent)

    linked = api.post(case_url(second, "links"), {"other": first.reference, "comment": "同一台"})
    assert linked.status_code == 201
    assert [(r["reference"], r["link"]) for r in linked.json()] == [(first.reference, "related")]
    assert [r["reference"] for r in api.get(case_url(first, "links")).json()] == [second.reference]
    again = api.post(case_url(first, "links"), {"other": second.reference})
    assert again.status_code == 400

    merged = api.post(case_url(third, "merge"), {"into": first.reference, "version": third.version})
    assert merged.status_code == 200
    assert merged.json()["state"] == State.REJECTED
    assert Complaint.objects.get(pk=third.pk).rejection_reason == RejectionReason.DUPLICATE
    links = api.get(case_url(first, "links")).json()
    assert {(r["reference"], r["link"], r["merged_here"]) for r in links} == {
        (second.reference, "related", False),
        (third.reference, "duplicate", True),
    }


def test_bad_merges_answer_with_stable_codes_and_change_nothing(
    org, api_for, new_complaint, case_url
):
    case = new_complaint(customer_phone="13900001111")
    other = new_complaint(customer_phone="13700002222")
    api = api_for(org.agent)

    assert (
        error_of(api.post(case_url(case, "merge"), {"into": case.reference}))["code"] == "invalid"
    )
    other_customer = api.post(case_url(case, "merge"), {"into": other.reference})
    assert other_customer.status_code == 400
    assert "confirm_other_customer" in error_of(other_customer)["fields"]
    assert api.post(case_url(case, "merge"), {"into": "CP-2020-999999"}).status_code == 404
    assert api.post(case_url(case, "merge"), {"into": "../x"}).status_code == 404
    assert api.post(case_url(case, "merge"), {}).status_code == 400
    stale = api.post(
        case_url(case, "merge"),
        {"into": other.reference, "version": 99, "confirm_other_customer": True},
    )
    assert stale.status_code == 409
    assert api_for(org.handler).post(
        case_url(case, "merge"), {"into": other.reference}
    ).status_code in (403, 404)
    assert not CaseLink.objects.exists()
    assert Complaint.objects.get(pk=case.pk).state == State.INTAKE
