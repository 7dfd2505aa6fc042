"""The urgent facts on the case page: shown, and changed only with a reason (issue 12 §1.2)."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext

from complaints.models import CaseEvent, State
from sla.models import Escalation
from tests.complaints.conftest import snapshot
from tests.pages.conftest_case import case_url, page_fixture, stored  # noqa: F401
from tests.pages.test_case_forms import text, triage_data

pytestmark = pytest.mark.django_db


def reason_needed(response) -> str:
    """The refusal, in the language the page was shown in."""
    with translation.override(response["Content-Language"]):
        return gettext("Give the reason for changing an urgent fact.")


def test_a_flag_changed_without_a_reason_is_refused_with_a_clear_message(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)
    before = snapshot(complaint)

    response = page.post(
        org.agent, complaint, "case_triage", triage_data(complaint, legal_risk="on")
    )

    assert response.status_code == 422
    assert snapshot(complaint) == before
    assert not Escalation.objects.filter(complaint=complaint).exists()
    form = response.context["triage_form"]
    assert form.errors["comment"] == [reason_needed(response)]
    assert response.context["open_panel"] == "triage"


def test_a_flag_changed_with_a_reason_is_shown_recorded_and_escalated(page, org, complaint_in):
    complaint = complaint_in(State.TRIAGE)

    response = page.post(
        org.agent,
        complaint,
        "case_triage",
        triage_data(complaint, legal_risk="on", comment="收到律师函"),
    )

    assert response.status_code == 302
    complaint = stored(complaint)
    assert complaint.legal_risk is True
    event = complaint.events.get(kind=CaseEvent.Kind.TRIAGED)
    assert event.data["changes"]["legal_risk"] == [False, True]
    assert event.comment == "收到律师函"
    assert Escalation.objects.filter(complaint=complaint, reason="legal", level=3).count() == 1
    html = text(page.get(org.agent, complaint))
    assert 'data-testid="flag-legal_risk"' in html
    assert "收到律师函" in html


def test_a_case_from_the_media_shows_its_flag_and_where_it_came_from(page, org, new_complaint):
    org.agent.language = "en"
    org.agent.save()
    complaint = new_complaint(channel="media")

    html = text(page.get(org.agent, complaint))

    assert 'data-testid="flag-media_involved"' in html
    assert "Media involved (from the channel)" in html
    assert "The case was escalated to Senior management." in html
