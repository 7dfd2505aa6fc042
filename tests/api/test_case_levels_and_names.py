"""The complaint's reopen count and escalation level, and texts the product wrote, in the API."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone, translation

from complaints.models import Complaint, State
from sla.models import Escalation
from sla.services.escalation import escalate
from tests.conftest import Org

pytestmark = pytest.mark.django_db


def test_a_fresh_complaint_has_not_been_reopened_or_escalated(org: Org, api_for, new_complaint):
    complaint = new_complaint()

    body = api_for(org.agent).get(f"complaints/{complaint.reference}/").json()

    assert (body["reopen_count"], body["escalation_level"]) == (0, 0)


def test_a_reopened_and_escalated_complaint_says_so(org: Org, api_for, complaint_in, flow):
    complaint = complaint_in(State.FOLLOW_UP)
    complaint = flow.run(flow.prepare(complaint, "reopen"), "reopen")
    with transaction.atomic():
        escalate(
            complaint=Complaint.objects.select_for_update().get(pk=complaint.pk),
            level=2,
            reason=Escalation.Reason.BREACH,
            at=timezone.now(),
        )

    detail = api_for(org.manager).get(f"complaints/{complaint.reference}/").json()
    listed = api_for(org.manager).get("complaints/").json()["results"]

    assert (detail["reopen_count"], detail["escalation_level"]) == (1, 2)
    row = next(r for r in listed if r["reference"] == complaint.reference)
    assert (row["reopen_count"], row["escalation_level"]) == (1, 2)


def test_the_schema_documents_both(org: Org, client):
    response = client.get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json", HTTP_ACCEPT_LANGUAGE="en"
    )

    complaint = response.json()["components"]["schemas"]["Complaint"]["properties"]
    assert complaint["reopen_count"]["type"] == "integer"
    assert "reopened" in complaint["reopen_count"]["description"]
    assert "escalated" in complaint["escalation_level"]["description"]


def test_an_automatic_approval_gives_its_reason_in_the_requests_language(
    org: Org, api_for, complaint_in, flow
):
    complaint = complaint_in(State.DECISION)
    with translation.override("zh-hans"):  # proposed from a Chinese page
        flow.propose(complaint, amount=100, actor=org.handler)

    response = api_for(org.manager).get(f"complaints/{complaint.reference}/decisions/")

    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    approval = rows[0]["approvals"][0]
    assert approval["within_own_limit"] is True
    assert approval["comment"] == "Within the proposer's limit."
