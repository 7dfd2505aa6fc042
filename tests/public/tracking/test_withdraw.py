"""The customer withdraws an open complaint from the tracking page."""

from __future__ import annotations

import pytest

from complaints.models import CaseEvent, Notification, State
from complaints.services import complaint_assign
from sla.models import Clock
from tests.public.tracking.conftest import track_url

pytestmark = pytest.mark.django_db


def test_withdrawing_needs_the_confirmation(client, customer_case):
    complaint = customer_case("investigation")

    response = client.post(track_url(complaint) + "withdraw/", {"reason": "已和门店私下解决"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tick the box to confirm." in html
    assert "已和门店私下解决" in html  # kept
    complaint.refresh_from_db()
    assert complaint.state == State.INVESTIGATION


def test_the_customer_withdraws_through_the_runner(client, customer_case, org):
    complaint = customer_case("investigation")
    complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)

    response = client.post(
        track_url(complaint) + "withdraw/", {"reason": "已和门店私下解决", "confirm": "on"}
    )

    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == State.WITHDRAWN and complaint.withdrawn_at is not None
    event = CaseEvent.objects.get(complaint=complaint, transition="withdraw")
    assert event.actor is None and event.data["by"] == "customer"
    assert event.comment == "已和门店私下解决" and event.customer_visible
    # The runner stopped the clocks and settled what was pending.
    assert not Clock.objects.filter(
        complaint=complaint, met_at__isnull=True, cancelled_at__isnull=True
    ).exists()
    assert [n.recipient for n in Notification.objects.filter(kind="customer")] == [org.handler]
    page = client.get(response["Location"]).content.decode()
    assert "Withdrawn" in page and "You withdrew the complaint." in page
    assert 'data-testid="withdraw-form"' not in page


def test_a_finished_complaint_cannot_be_withdrawn(client, customer_case):
    complaint = customer_case("closed")

    response = client.post(track_url(complaint) + "withdraw/", {"confirm": "on"}, follow=True)

    assert "This complaint can no longer be withdrawn." in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == State.CLOSED


def test_the_staff_case_page_says_the_customer_withdrew(client, customer_case, org):
    complaint = customer_case("triage")
    client.post(track_url(complaint) + "withdraw/", {"confirm": "on"})
    client.force_login(org.agent)

    html = client.get(f"/complaints/{complaint.reference}/").content.decode()

    assert "The customer withdrew the complaint on the tracking page." in html
