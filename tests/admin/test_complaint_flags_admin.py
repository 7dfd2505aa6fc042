"""Urgent facts changed in the admin: through triage, with a reason, escalated (issue 12 §1.2)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from complaints.models import Complaint
from sla.models import Escalation
from tests.admin.test_admin import change_form_data, change_url

pytestmark = pytest.mark.django_db


def reason_needed(response) -> str:
    """The refusal, in the language the page was shown in."""
    with translation.override(response["Content-Language"]):
        return gettext("Give the reason for changing an urgent fact.")


def test_a_flag_set_in_the_admin_without_a_reason_is_refused_on_the_triage_comment(
    admin_client, new_complaint
):
    complaint = new_complaint()
    url = change_url(complaint)

    response = admin_client.post(url, change_form_data(admin_client, url, legal_risk="on"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["triage_comment"] == [reason_needed(response)]
    assert Complaint.objects.get(pk=complaint.pk).legal_risk is False
    assert not Escalation.objects.filter(complaint=complaint).exists()


def test_a_flag_set_in_the_admin_with_a_reason_escalates_once(admin_client, new_complaint):
    complaint = new_complaint()
    url = change_url(complaint)

    response = admin_client.post(
        url, change_form_data(admin_client, url, legal_risk="on", triage_comment="法院传票")
    )

    assert response.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).legal_risk is True
    assert list(Escalation.objects.filter(complaint=complaint).values_list("reason", "level")) == [
        ("legal", 3)
    ]
