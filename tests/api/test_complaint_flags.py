"""Urgent facts through the API: the channel sets its flag, a change needs a reason (issue 12 §1.2)."""

from __future__ import annotations

import pytest

from complaints.models import Complaint, Notification
from sla.models import Escalation
from tests.api.conftest import NEW_COMPLAINT, error_of

pytestmark = pytest.mark.django_db


def test_a_12315_referral_is_flagged_and_escalated_once(org, api_for):
    body = (
        api_for(org.agent)
        .post("complaints/", {**NEW_COMPLAINT, "channel": "regulator_12315"})
        .json()
    )

    assert body["flags"]["regulator_involved"] is True
    assert body["escalation_level"] == 3
    complaint = Complaint.objects.get(reference=body["reference"])
    assert list(Escalation.objects.filter(complaint=complaint).values_list("reason", "level")) == [
        ("regulator", 3)
    ]
    assert Notification.objects.filter(recipient=org.executive, complaint=complaint).count() == 1


def test_a_flag_patched_without_a_reason_is_a_field_error(org, api_for, new_complaint):
    complaint = new_complaint()

    response = api_for(org.agent).patch(
        f"complaints/{complaint.reference}/", {"flags": {"media_involved": True}}
    )

    assert response.status_code == 400
    assert "comment" in error_of(response)["fields"]
    assert Complaint.objects.get(pk=complaint.pk).media_involved is False
    assert not Escalation.objects.filter(complaint=complaint).exists()
