"""No N+1: a list costs the same number of queries for 5 rows as for 100."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import State
from tests.complaints.conftest import Flow

pytestmark = pytest.mark.django_db


def queries(api, path: str, **params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, **params)
    assert response.status_code == 200, response.json()
    return len(captured), response.json()


def make_complaints(new_complaint, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        new_complaint(customer_phone=f"1370000{n:04d}")


# Token and user, the user's and the groups' permissions, count, page, clocks; a department-scoped
# user adds the department tree (whether they head their department, and its subtree).
EXPECTED_LIST_QUERIES = {"manager": 6, "agent": 6, "handler": 7, "head": 7}


@pytest.mark.parametrize("role", list(EXPECTED_LIST_QUERIES))
def test_a_page_of_100_complaints_costs_what_a_page_of_5_does(org, api_for, new_complaint, role):
    api = api_for(getattr(org, role))
    make_complaints(new_complaint, 5)
    small, body_small = queries(api, "complaints/", page_size=100)
    make_complaints(new_complaint, 95, start=5)

    large, body_large = queries(api, "complaints/", page_size=100)

    assert (len(body_small["results"]), len(body_large["results"])) == (5, 100)
    assert large == small == EXPECTED_LIST_QUERIES[role]


def test_filters_and_search_add_no_query_per_row(org, api_for, new_complaint):
    api = api_for(org.manager)
    make_complaints(new_complaint, 5)
    small, _ = queries(api, "complaints/", page_size=100, search="王", ordering="-due")
    make_complaints(new_complaint, 45, start=5)

    large, body = queries(api, "complaints/", page_size=100, search="王", ordering="-due")

    assert len(body["results"]) == 50
    assert large == small


def test_the_customer_list_is_constant(org, api_for, new_complaint):
    api = api_for(org.handler)
    make_complaints(new_complaint, 3)
    small, _ = queries(api, "customers/", page_size=100)
    make_complaints(new_complaint, 30, start=3)

    large, body = queries(api, "customers/", page_size=100)

    assert body["count"] == 33
    assert large == small


def test_a_customers_complaints_are_constant(org, api_for, flow: Flow, new_complaint):
    api = api_for(org.manager)
    first = flow.advance(new_complaint(), State.CLOSED)
    small, _ = queries(api, f"customers/{first.customer_id}/")
    for _ in range(4):
        flow.advance(new_complaint(), State.CLOSED)

    large, body = queries(api, f"customers/{first.customer_id}/")

    assert len(body["complaints"]) == 5
    assert large == small


def test_the_timeline_and_decisions_are_constant(org, api_for, flow: Flow, complaint_in, case_url):
    api = api_for(org.auditor)
    complaint = complaint_in(State.DECISION)
    flow.propose(complaint, amount=100)
    events_small, _ = queries(api, case_url(complaint, "events"))
    decisions_small, _ = queries(api, case_url(complaint, "decisions"))
    for amount in (200, 300, 400):
        flow.propose(complaint, amount=amount)

    events_large, events = queries(api, case_url(complaint, "events"))
    decisions_large, decisions = queries(api, case_url(complaint, "decisions"))

    assert len(decisions) == 4 and len(events) > 10
    assert (events_large, decisions_large) == (events_small, decisions_small)
