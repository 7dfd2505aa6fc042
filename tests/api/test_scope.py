"""Who may reach what: every case endpoint per role, out of scope as 404, anonymous as 401."""

from __future__ import annotations

import pytest

from complaints.models import State
from tests.api.conftest import error_of
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

CASE_READS = ["", "transitions/", "events/", "evidence/", "decisions/"]

# Every operation of the API with a body that would pass the shape checks.
OPERATIONS: list[tuple[str, str, dict]] = [
    ("get", "complaints/", {}),
    ("post", "complaints/", {}),
    ("get", "complaints/{ref}/", {}),
    ("patch", "complaints/{ref}/", {"severity": "urgent"}),
    ("get", "complaints/{ref}/transitions/", {}),
    ("post", "complaints/{ref}/transitions/withdraw/", {}),
    ("get", "complaints/{ref}/events/", {}),
    ("post", "complaints/{ref}/notes/", {"text": "x"}),
    ("post", "complaints/{ref}/contacts/", {}),
    ("get", "complaints/{ref}/evidence/", {}),
    ("get", "complaints/{ref}/evidence/1/", {}),
    ("get", "complaints/{ref}/evidence/1/download/", {}),
    ("get", "complaints/{ref}/decisions/", {}),
    ("post", "complaints/{ref}/decisions/", {}),
    ("post", "complaints/{ref}/decisions/1/approve/", {}),
    ("post", "complaints/{ref}/decisions/1/reject/", {}),
    ("post", "complaints/{ref}/follow-ups/", {}),
    ("post", "complaints/{ref}/handoffs/", {}),
    ("post", "complaints/{ref}/pause/", {}),
    ("post", "complaints/{ref}/resume/", {}),
    ("get", "customers/", {}),
    ("get", "customers/1/", {}),
    ("get", "departments/", {}),
    ("get", "categories/", {}),
    ("get", "users/me/", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_anonymous_requests_are_401_everywhere(api_for, method, path, body):
    api = api_for(None)
    url = path.format(ref="CP-2026-000001")

    response = getattr(api, method)(url, body) if body else getattr(api, method)(url)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize("role", ["agent", "handler", "head", "manager", "executive", "auditor"])
def test_every_role_in_scope_reads_every_part_of_the_case(org, api_for, complaint_in, role):
    complaint = complaint_in(State.INVESTIGATION)  # owned by service, assigned to nobody
    api = api_for(getattr(org, role))

    for part in CASE_READS:
        response = api.get(f"complaints/{complaint.reference}/{part}")
        assert response.status_code == 200, (role, part, response.json())


@pytest.mark.parametrize(("method", "path", "body"), [op for op in OPERATIONS if "{ref}" in op[1]])
def test_a_handler_of_another_department_gets_404_for_every_case_operation(
    org, api_for, complaint_in, method, path, body
):
    complaint = complaint_in(State.INVESTIGATION)
    api = api_for(org.other_handler)
    url = path.format(ref=complaint.reference)

    response = getattr(api, method)(url, body) if body else getattr(api, method)(url)

    assert response.status_code == 404, response.json()
    assert error_of(response)["code"] == "not_found"


def test_a_department_head_sees_the_cases_of_departments_below_theirs(org, api_for, new_complaint):
    north = DepartmentFactory(code="service-north", name="服务部北区", parent=org.service)
    below = new_complaint(customer_phone="13900000000", department=north)

    assert api_for(org.head).get(f"complaints/{below.reference}/").status_code == 200
    assert api_for(org.handler).get(f"complaints/{below.reference}/").status_code == 404
