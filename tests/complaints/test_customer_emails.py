"""The customer is told: an acknowledgment when staff record a complaint, a notice with the ground
when it is not accepted (不予受理) (issue 12 §1.4). Both are e-mails through the notify queue after
the commit, recorded as the system's outbound e-mail contacts, and never the first response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from complaints.errors import InvalidInput
from complaints.models import (
    CaseEvent,
    ContactDirection,
    ContactPurpose,
    CustomerContact,
    CustomerEmail,
    State,
)
from complaints.services import complaint_transition, contact_record
from complaints.services.customer_emails import customer_emails_resend
from complaints.tasks import resend_notification_emails_task
from sla.models import Clock, EscalationSettings, Stage

pytestmark = pytest.mark.django_db


def due(complaint, stage: str):
    return Clock.objects.get(complaint=complaint, stage=stage, round=0).due_at


def formatted(moment, fmt: str, language: str) -> str:
    with translation.override(language):
        return date_format(timezone.localtime(moment), fmt)


# --- the acknowledgment --------------------------------------------------------------------------


def test_a_complaint_taken_by_phone_is_acknowledged_by_e_mail_after_the_commit(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(channel="phone", customer_email="Wang.Wei@Example.com")
        assert mailoutbox == []  # not before the commit

    [message] = mailoutbox
    assert message.to == ["wang.wei@example.com"]
    assert message.subject == f"我们已收到您的投诉 {complaint.reference}"
    # the reference, and what happens next by when, from the SLA policy's deadlines
    first_response = formatted(due(complaint, Stage.FIRST_RESPONSE), "DATETIME_FORMAT", "zh-hans")
    decision = formatted(due(complaint, Stage.DECISION), "DATE_FORMAT", "zh-hans")
    for part in (complaint.reference, complaint.subject, first_response, decision):
        assert part in message.body
        assert part in message.alternatives[0][0]
    assert "王先生" in message.body

    # recorded as the system's outbound e-mail contact, sent
    contact = CustomerContact.objects.get(complaint=complaint)
    assert (contact.channel, contact.direction, contact.purpose, contact.by) == (
        "email",
        ContactDirection.OUTBOUND,
        ContactPurpose.ACKNOWLEDGEMENT,
        None,
    )
    assert contact.email.emailed_at is not None
    assert complaint.reference in contact.summary
    event = complaint.events.get(kind=CaseEvent.Kind.CONTACT)
    assert event.data["purpose"] == "acknowledgement"
    assert complaint.events.get(kind=CaseEvent.Kind.CREATED).data["acknowledgement"] == "emailed"


def test_the_acknowledgment_never_counts_as_the_first_response(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_email="wang@example.com")
    assert len(mailoutbox) == 1

    complaint.refresh_from_db()
    assert complaint.first_response_at is None
    clock = Clock.objects.get(complaint=complaint, stage=Stage.FIRST_RESPONSE)
    assert clock.met_at is None  # the first-response clock keeps running

    # a person calling the customer is the first response
    contact_record(
        complaint=complaint,
        actor=org.agent,
        channel="phone",
        direction=ContactDirection.OUTBOUND,
        summary="已致电客户，约定明天上门检测。",
    )
    complaint.refresh_from_db()
    clock.refresh_from_db()
    assert complaint.first_response_at is not None
    assert clock.met_at == complaint.first_response_at


def test_the_acknowledgment_is_in_the_customers_language(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_email="jane@example.com", customer_language="en")

    [message] = mailoutbox
    assert message.subject == f"We have received your complaint {complaint.reference}"
    decision = formatted(due(complaint, Stage.DECISION), "DATE_FORMAT", "en")
    first_response = formatted(due(complaint, Stage.FIRST_RESPONSE), "DATETIME_FORMAT", "en")
    assert f"By {first_response}, a member of our staff will contact you." in message.body
    assert f"By {decision}, we will look into the matter and tell you our decision." in message.body
    assert complaint.customer.language == "en"
    assert CustomerEmail.objects.get().language == "en"


def test_an_unknown_language_is_refused(new_complaint):
    with pytest.raises(InvalidInput) as refused:
        new_complaint(customer_email="jane@example.com", customer_language="klingon")

    assert set(refused.value.fields) == {"customer_language"}


def test_a_customer_with_only_a_landline_number_gets_nothing_and_the_case_says_so(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    # (a mobile number only: texts, tests/complaints/test_customer_texts.py)
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_phone="010 6512 3456")  # phone only

    assert mailoutbox == []
    assert not CustomerContact.objects.exists()
    assert complaint.events.get(kind=CaseEvent.Kind.CREATED).data["acknowledgement"] == "no_email"


def test_nothing_is_sent_while_e_mail_is_switched_off(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    EscalationSettings.objects.filter(pk=1).update(send_email=False)
    EscalationSettings.forget()  # a queryset update sends no signal

    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_email="wang@example.com")

    assert mailoutbox == []
    assert not CustomerEmail.objects.exists()
    assert complaint.events.get(kind=CaseEvent.Kind.CREATED).data["acknowledgement"] == "email_off"


def test_an_acknowledgment_lost_to_a_broker_outage_goes_out_later_exactly_once(
    new_complaint, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = new_complaint(customer_email="wang@example.com")  # the commit survives

    assert mailoutbox == []
    email = CustomerEmail.objects.get()
    assert email.emailed_at is None
    assert customer_emails_resend() == 0  # too fresh: its own task may still be coming

    later = timezone.now() + timedelta(minutes=3)
    assert customer_emails_resend(now=later) == 1
    assert customer_emails_resend(now=later) == 0
    assert [message.to for message in mailoutbox] == [["wang@example.com"]]
    assert complaint.reference in mailoutbox[0].subject


def test_the_beat_resend_job_sends_customer_e_mails_too(
    new_complaint, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        new_complaint(customer_email="wang@example.com")
    CustomerEmail.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    assert resend_notification_emails_task() == 1
    assert [message.to for message in mailoutbox] == [["wang@example.com"]]


def test_a_complaint_that_rolls_back_sends_nothing(
    new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        new_complaint(customer_email="wang@example.com")
        raise RuntimeError("the intake failed after the complaint was written")

    assert mailoutbox == []
    assert not CustomerEmail.objects.exists()


# --- the notice of non-acceptance ------------------------------------------------------------------


def test_a_rejected_complaint_gets_a_notice_with_the_ground_and_where_else_to_turn(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    complaint = new_complaint(customer_email="wang@example.com")  # its acknowledgment not sent

    with django_capture_on_commit_callbacks(execute=True):
        complaint = complaint_transition(
            complaint=complaint,
            name="reject",
            actor=org.agent,
            data={"reason": "time_barred", "comment": "购买已超过三年。"},
        )

    assert complaint.state == State.REJECTED
    [message] = mailoutbox
    assert message.to == ["wang@example.com"]
    assert message.subject == f"您的投诉 {complaint.reference} 不予受理"
    with translation.override("zh-hans"):
        ground = "超过投诉时效"
        assert ground in str(complaint.get_rejection_reason_display())
    for part in (complaint.reference, ground, "购买已超过三年。", "12315", "消费者协会"):
        assert part in message.body
    contact = CustomerContact.objects.get(complaint=complaint, purpose=ContactPurpose.REJECTION)
    assert (contact.channel, contact.direction, contact.by) == ("email", "outbound", None)
    assert complaint.events.get(transition="reject").data["notice"] == "emailed"


def test_the_notice_gives_the_ground_in_the_customers_language(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    complaint = new_complaint(customer_email="jane@example.com", customer_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(
            complaint=complaint, name="reject", actor=org.agent, data={"reason": "duplicate"}
        )

    [message] = mailoutbox
    assert message.subject == f"Your complaint {complaint.reference} cannot be accepted"
    assert "Reason: Already being handled or already answered (duplicate)" in message.body
    assert "national 12315 platform" in message.body


def test_a_rejected_complaint_without_an_address_is_noted_not_mailed(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    complaint = new_complaint()

    with django_capture_on_commit_callbacks(execute=True):
        complaint_transition(
            complaint=complaint, name="reject", actor=org.agent, data={"reason": "duplicate"}
        )

    assert mailoutbox == []
    assert complaint.events.get(transition="reject").data["notice"] == "no_email"
