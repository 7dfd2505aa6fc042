"""The role is asked before the body is read: a role that may not make a change hears 403 (not
"field missing", not "unsupported media type") whatever it sent, through the API and the case page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Decision, State
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db

# (method, path under the case or None for the collection) of every change the API offers on a
# case, each sent empty: a body the serializer would refuse.
CASE_WRITES = [
    ("patch", ""),
    ("post", "notes/"),
    ("post", "contacts/"),
    ("post", "follow-ups/"),
    ("post", "handoffs/"),
    ("post", "pause/"),
    ("post", "resume/"),
    ("post", "evidence/"),
    ("post", "decisions/"),
    ("post", "decisions/{decision}/approve/"),
    ("post", "decisions/{decision}/reject/"),
]


@pytest.fixture
def case(complaint_in):
    return complaint_in(State.DECISION)


@pytest.mark.parametrize(("method", "tail"), CASE_WRITES)
def test_a_read_only_auditor_gets_403_for_any_incomplete_change(org, api_for, case, method, tail):
    path = f"complaints/{case.reference}/{tail.format(decision=999)}"

    response = getattr(api_for(org.auditor), method)(path, {})

    assert response.status_code == 403, response.content
    assert error_of(response)["code"] == "permission_denied"


def test_a_read_only_auditor_gets_403_for_an_incomplete_new_complaint(org, api_for):
    response = api_for(org.auditor).post("complaints/", {"subject": "x"})

    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"


def test_a_handler_without_the_right_to_approve_gets_403_before_the_body(org, api_for, case, flow):
    decision = flow.propose(case, amount=5000)
    api = api_for(org.handler)

    approve = api.post(
        f"complaints/{case.reference}/decisions/{decision.pk}/approve/", {"comment": ["no"]}
    )
    record = api.post("complaints/", {})

    assert approve.status_code == 403
    assert record.status_code == 403
    assert Decision.objects.get(pk=decision.pk).state == Decision.Status.PENDING_APPROVAL


def test_a_role_that_may_act_still_hears_what_is_missing(org, api_for, case):
    response = api_for(org.handler).post(f"complaints/{case.reference}/notes/", {})

    assert response.status_code == 400
    assert "text" in error_of(response)["fields"]


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("case_note", ()),
        ("case_contact", ()),
        ("case_follow_up", ()),
        ("case_triage", ()),
        ("case_handoff", ()),
        ("case_pause", ()),
        ("case_evidence", ()),
        ("case_decision", ()),
        ("case_decision_approve", (999,)),
    ],
)
def test_the_case_page_refuses_a_read_only_role_before_reading_the_form(
    client, org, case, name, args
):
    client.force_login(org.auditor)

    response = client.post(reverse(name, args=[case.reference, *args]), {})

    assert response.status_code == 403


def test_the_case_page_still_shows_field_errors_to_a_role_that_may_act(client, org, case):
    client.force_login(org.handler)

    response = client.post(reverse("case_note", args=[case.reference]), {})

    assert response.status_code == 422


@pytest.mark.parametrize("name", ["complete_investigation", "withdraw", "decide"])
def test_a_role_that_may_never_take_a_step_gets_403_before_the_body_and_the_state(
    org, api_for, client, case, name
):
    # The case is at "decision": complete_investigation does not start there, and an empty body
    # lacks what it would need. Neither is the auditor's business: the role is asked first.
    before = case.version
    client.force_login(org.auditor)

    api = api_for(org.auditor).post(f"complaints/{case.reference}/transitions/{name}/", {})
    page = client.post(reverse("case_transition", args=[case.reference, name]), {})

    assert api.status_code == 403, api.content
    assert error_of(api)["code"] == "permission_denied"
    assert page.status_code == 403
    case.refresh_from_db()
    assert case.version == before


def test_a_role_that_may_take_the_step_still_hears_the_state(org, api_for, case):
    response = api_for(org.handler).post(
        f"complaints/{case.reference}/transitions/complete_investigation/", {}
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "transition_not_allowed"


def test_transition_needs_reads_the_models_permission():
    from complaints.services import TRANSITIONS, transition_needs

    assert transition_needs("complete_investigation") == ("investigate_complaint",)
    assert transition_needs("close") == ("follow_up_complaint",)
    assert all(transition_needs(name) for name in TRANSITIONS)
