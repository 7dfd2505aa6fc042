"""The duty manager rota (值班经理, issue 16 §1): an injury is told at once to the day's duty
manager, beside senior management; the rota is kept in the admin."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint, Notification
from complaints.services import Flags, complaint_triage
from sla.models import DutyDay, Escalation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DUTY_KEY = "injury-duty:{pk}"


@pytest.fixture
def record(new_complaint, django_capture_on_commit_callbacks):
    def make(**fields) -> Complaint:
        with django_capture_on_commit_callbacks(execute=True):
            return new_complaint(**fields)

    return make


@pytest.fixture
def on_duty(org):
    """`on_duty(day)`: a store manager put on the rota for that local day."""

    def make(day: date, **fields) -> DutyDay:
        fields.setdefault("email", "zhou@example.com")
        fields.setdefault("language", "zh-hans")
        manager = UserFactory(username=f"duty{day:%m%d}", first_name="周", last_name="", **fields)
        return DutyDay.objects.create(day=day, manager=manager)

    return make


def duty_notices(complaint: Complaint) -> list[Notification]:
    return list(Notification.objects.filter(key=DUTY_KEY.format(pk=complaint.pk)))


def test_an_injury_is_told_at_once_to_the_day_s_duty_manager(record, on_duty, org):
    today = on_duty(timezone.localdate())
    on_duty(timezone.localdate() + timedelta(days=1))  # tomorrow's is not told

    complaint = record(flags=Flags(personal_injury=True))

    [notice] = duty_notices(complaint)
    assert notice.recipient == today.manager
    assert notice.kind == Notification.Kind.ESCALATION
    assert notice.held_until is None  # urgent: day or night
    [email] = [m for m in mail.outbox if m.to == ["zhou@example.com"]]
    assert complaint.reference in email.subject
    assert "值班经理" in email.subject  # in the manager's language
    assert "陪同" in email.body or "送医" in email.body
    # Senior management hears of it as before.
    assert Escalation.objects.filter(
        complaint=complaint, reason=Escalation.Reason.PERSONAL_INJURY
    ).exists()
    assert Notification.objects.filter(
        complaint=complaint, recipient=org.executive, kind=Notification.Kind.ESCALATION
    ).exists()


def test_without_a_rota_for_the_day_only_senior_management_is_told(record, on_duty, org):
    on_duty(timezone.localdate() - timedelta(days=1))

    complaint = record(flags=Flags(personal_injury=True))

    assert duty_notices(complaint) == []
    assert Notification.objects.filter(complaint=complaint, recipient=org.executive).exists()


def test_an_inactive_duty_manager_is_not_told(record, on_duty):
    on_duty(timezone.localdate(), is_active=False)

    assert duty_notices(record(flags=Flags(personal_injury=True))) == []


def test_other_urgent_facts_do_not_call_the_duty_manager(record, on_duty):
    on_duty(timezone.localdate())

    assert duty_notices(record(flags=Flags(media_involved=True))) == []


def test_an_injury_set_at_triage_calls_them_once(
    record, on_duty, org, django_capture_on_commit_callbacks
):
    duty = on_duty(timezone.localdate())
    complaint = record()
    assert duty_notices(complaint) == []

    with django_capture_on_commit_callbacks(execute=True):
        complaint_triage(
            complaint=Complaint.objects.get(pk=complaint.pk),
            actor=org.agent,
            personal_injury=True,
            comment="顾客在店内摔伤",
        )
    with django_capture_on_commit_callbacks(execute=True):
        complaint_triage(
            complaint=Complaint.objects.get(pk=complaint.pk),
            actor=org.agent,
            personal_injury=True,
            severity="urgent",
            comment="再次确认",
        )

    assert [n.recipient for n in duty_notices(complaint)] == [duty.manager]


def test_the_rota_is_kept_in_the_admin(admin_client, on_duty):
    duty = on_duty(date(2026, 12, 7))

    listing = admin_client.get(reverse("admin:sla_dutyday_changelist"))
    page = admin_client.get(reverse("admin:sla_dutyday_change", args=[duty.pk]))

    assert listing.status_code == 200
    assert "2026" in listing.content.decode()
    assert page.status_code == 200
    assert admin_client.get(reverse("admin:sla_dutyday_add")).status_code == 200
