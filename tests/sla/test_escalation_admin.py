"""Reminders, escalations and notifications in the admin: listed and shown, never edited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints.models import Notification
from complaints.services import Flags
from sla.models import Escalation

pytestmark = pytest.mark.django_db


@pytest.fixture
def escalated(new_complaint):
    return new_complaint(flags=Flags(personal_injury=True))


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:sla_escalation_changelist") + "?level=3&reason=personal_injury",
        reverse("admin:sla_reminder_changelist"),
        reverse("admin:complaints_notification_changelist") + "?kind=escalation&read=no",
        reverse("admin:complaints_notification_changelist") + "?read=yes",
    ],
)
def test_the_lists_open(admin_client, escalated, url):
    response = admin_client.get(url)

    assert response.status_code == 200


def test_an_escalation_and_its_notification_are_shown_read_only(admin_client, escalated):
    escalation = Escalation.objects.get(complaint=escalated)
    notification = Notification.objects.get(complaint=escalated)

    for url in (
        reverse("admin:sla_escalation_change", args=[escalation.pk]),
        reverse("admin:complaints_notification_change", args=[notification.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert b'name="_save"' not in response.content
    assert admin_client.get(reverse("admin:sla_escalation_add")).status_code == 403
    assert admin_client.get(reverse("admin:complaints_notification_add")).status_code == 403
    delete = reverse("admin:sla_escalation_delete", args=[escalation.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Escalation.objects.filter(pk=escalation.pk).exists()
