"""Script payloads the customer types are shown as text: on the tracking page, on the staff case
page, in the staff notification e-mail and in the inbox."""

from __future__ import annotations

import pytest
from django.core import mail

from complaints.models import Notification
from complaints.services import complaint_assign
from tests.public.tracking.conftest import survey_url, track_url

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_message_with_a_script_is_text_everywhere(
    client, customer_case, org, payload, django_capture_on_commit_callbacks
):
    complaint = customer_case("investigation")
    complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(track_url(complaint) + "add/", {"message": payload})

    public = client.get(track_url(complaint)).content.decode()
    assert payload not in public
    assert "&lt;" in public and (
        "&lt;script&gt;" in public or "&lt;img" in public or "&lt;svg" in public
    )
    client.force_login(org.handler)
    staff = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert payload not in staff
    inbox = client.get("/notifications/").content.decode()
    assert payload not in inbox
    notification = Notification.objects.get(kind="customer")
    assert payload in notification.body  # plain text, escaped where it is shown
    assert payload not in notification.body_html
    (message,) = mail.outbox
    html_part = message.alternatives[0][0]
    assert payload not in html_part


def test_a_survey_comment_with_a_script_is_text_on_both_pages(client, customer_case, org):
    complaint = customer_case("follow_up")
    payload = PAYLOADS[0]

    client.post(survey_url(complaint), {"satisfaction": "1", "resolved": "no", "comment": payload})

    public = client.get(track_url(complaint)).content.decode()
    assert payload not in public and "&lt;script&gt;" in public
    client.force_login(org.head)
    staff = client.get(f"/complaints/{complaint.reference}/").content.decode()
    assert payload not in staff and "&lt;script&gt;" in staff


def test_a_withdrawal_reason_with_a_script_is_text(client, customer_case, org):
    complaint = customer_case("triage")
    payload = PAYLOADS[1]

    client.post(track_url(complaint) + "withdraw/", {"reason": payload, "confirm": "on"})

    assert payload not in client.get(track_url(complaint)).content.decode()
    client.force_login(org.agent)
    assert payload not in client.get(f"/complaints/{complaint.reference}/").content.decode()
