"""In-app notifications and their e-mails (complaints/services/notifications.py, complaints/tasks.py)."""

from __future__ import annotations

from decimal import Decimal
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.utils import translation

from complaints.errors import NotFound
from complaints.models import Notification, State
from complaints.selectors import unread_count
from complaints.services import (
    complaint_assign,
    complaint_hand_off,
    complaint_triage,
    decision_propose,
    notification_mark_read,
    notify,
)
from complaints.services.notifications import notification_emails_send
from complaints.tasks import send_notification_emails_task
from sla.models import Escalation, EscalationSettings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def announce(complaint, recipients, *, key: str = "test:1") -> list[Notification]:
    escalation = Escalation(complaint=complaint, level=3, reason=Escalation.Reason.PERSONAL_INJURY)
    return notify(
        recipients=recipients,
        kind=Notification.Kind.ESCALATION,
        complaint=complaint,
        key=key,
        template="escalation",
        context={"escalations": [escalation], "level": 3, "level_label": "x"},
    )


def label_in(language: str) -> str:
    with translation.override(language):
        return str(Escalation.Reason.PERSONAL_INJURY.label)


def test_each_recipient_reads_it_in_their_own_language(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    org.manager.language = "en"
    org.manager.save()
    complaint = new_complaint()

    with django_capture_on_commit_callbacks(execute=True):
        created = announce(complaint, [org.manager, org.executive])

    by_user = {n.recipient.username: n for n in created}
    english, chinese = by_user["manager"], by_user["executive"]
    assert english.subject.startswith(f"[{complaint.reference}]")
    assert label_in("en") in english.subject and "Hello" in english.body
    assert label_in("zh-hans") in chinese.subject
    assert english.subject != chinese.subject
    # the e-mails carry what the inbox shows, with an HTML part
    sent = {message.to[0]: message for message in mailoutbox}
    assert sent["manager@example.com"].subject == english.subject
    assert sent["manager@example.com"].body == english.body
    [(html, mimetype)] = sent["manager@example.com"].alternatives
    assert mimetype == "text/html" and complaint.reference in html and "<html" in html
    assert sent["executive@example.com"].subject == chinese.subject


def test_e_mails_link_to_the_case_page(org, new_complaint, settings, mailoutbox):
    settings.COMPLAINTS_SITE_URL = "https://complaints.example.com/"
    complaint = new_complaint()

    [notification] = announce(complaint, [org.manager])

    link = f"https://complaints.example.com/complaints/{complaint.reference}/"
    assert link in notification.body
    assert f'href="{link}"' in notification.body_html


def test_one_notification_per_person_and_cause(org, new_complaint):
    complaint = new_complaint()
    inactive = UserFactory(username="gone", is_active=False)

    created = announce(complaint, [org.head, org.head, None, inactive, org.manager])
    assert sorted(n.recipient.username for n in created) == ["head", "manager"]

    # the same cause again adds only the person not told yet
    again = announce(complaint, [org.head, org.manager, org.executive])
    assert [n.recipient.username for n in again] == ["executive"]
    assert Notification.objects.count() == 3


def test_e_mails_leave_only_after_the_commit(
    org, new_complaint, django_capture_on_commit_callbacks
):
    complaint = new_complaint()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        [notification] = announce(complaint, [org.head])
        assert mail.outbox == []  # still inside the transaction
    assert len(callbacks) == 1
    assert [message.to for message in mail.outbox] == [["head@example.com"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_no_e_mail_when_the_organisation_turned_them_off(
    org, new_complaint, django_capture_on_commit_callbacks, mailoutbox
):
    EscalationSettings.objects.filter(pk=1).update(send_email=False)
    EscalationSettings.forget()  # a queryset update sends no signal
    complaint = new_complaint()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert len(announce(complaint, [org.head])) == 1
    assert callbacks == []
    assert mailoutbox == []


def test_people_without_an_address_are_told_in_the_app_only(org, new_complaint, mailoutbox):
    org.head.email = ""
    org.head.save()
    [notification] = announce(new_complaint(), [org.head])

    assert notification_emails_send(notification_ids=[notification.pk]) == (0, [])
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_a_refused_e_mail_stays_unsent_and_the_retry_sends_it_once(org, new_complaint, mailoutbox):
    [first, second] = announce(new_complaint(), [org.head, org.manager])
    real_send = mail.EmailMultiAlternatives.send

    def refuse_for_head(message, *args, **kwargs):
        if message.to == ["head@example.com"]:
            raise SMTPServerDisconnected("server went away")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMultiAlternatives, "send", refuse_for_head):
        sent, failures = notification_emails_send(notification_ids=[first.pk, second.pk])
    assert sent == 1 and [type(error) for error in failures] == [SMTPServerDisconnected]
    by_user = {n.recipient.username: n for n in Notification.objects.all()}
    assert by_user["head"].emailed_at is None  # not lost: the retry will send it
    assert by_user["manager"].emailed_at is not None

    # the retry sends the one that failed and not the other again
    assert notification_emails_send(notification_ids=[first.pk, second.pk]) == (1, [])
    assert notification_emails_send(notification_ids=[first.pk, second.pk]) == (0, [])
    assert sorted(message.to[0] for message in mailoutbox) == [
        "head@example.com",
        "manager@example.com",
    ]


def test_the_e_mail_task_retries_a_refused_e_mail(org, new_complaint, settings, mailoutbox):
    [notification] = announce(new_complaint(), [org.head])
    real_send = mail.EmailMultiAlternatives.send
    attempts: list[int] = []

    def refuse_once(message, *args, **kwargs):
        attempts.append(1)
        if len(attempts) == 1:
            raise SMTPServerDisconnected("server went away")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMultiAlternatives, "send", refuse_once):
        send_notification_emails_task.apply(args=[[notification.pk]], throw=False)

    assert len(attempts) == 2
    assert [message.to for message in mailoutbox] == [["head@example.com"]]
    assert send_notification_emails_task.max_retries == 5
    assert send_notification_emails_task.acks_late is True


def test_reading_marks_it_read_for_its_recipient_only(org, new_complaint):
    [notification] = announce(new_complaint(), [org.head])
    assert unread_count(user=org.head) == 1

    with pytest.raises(NotFound):
        notification_mark_read(notification=notification, user=org.manager)
    assert unread_count(user=org.head) == 1

    read = notification_mark_read(notification=notification, user=org.head)
    first_read_at = read.read_at
    assert first_read_at is not None
    assert unread_count(user=org.head) == 0
    # reading again keeps the first time
    assert notification_mark_read(notification=notification, user=org.head).read_at == (
        first_read_at
    )


# --- who is told what by the workflow -------------------------------------------------------


def assignments() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=Notification.Kind.ASSIGNMENT).values_list(
            "recipient__username", "complaint__reference"
        )
    )


def test_the_new_assignee_is_told(org, new_complaint):
    complaint = new_complaint()

    complaint = complaint_assign(complaint=complaint, actor=org.head, assignee=org.handler)
    assert assignments() == [("handler", complaint.reference)]

    # giving the case to oneself needs no message
    complaint_assign(complaint=complaint, actor=org.head, assignee=org.head)
    assert assignments() == [("handler", complaint.reference)]


def test_triage_tells_the_assignee_it_names(org, new_complaint):
    complaint = new_complaint()

    complaint = complaint_triage(complaint=complaint, actor=org.agent, severity="complex")
    assert assignments() == []
    complaint_triage(complaint=complaint, actor=org.agent, assignee=org.handler)
    assert assignments() == [("handler", complaint.reference)]


def test_a_hand_off_to_a_person_tells_them(org, complaint_in):
    complaint = complaint_in(State.INVESTIGATION)

    complaint_hand_off(
        complaint=complaint,
        actor=org.head,
        to_department=org.legal,
        to_user=org.other_handler,
        note="合同条款问题，转法务部。",
    )

    assert assignments() == [("legal_handler", complaint.reference)]


def approval_requests() -> list[str]:
    return sorted(
        Notification.objects.filter(kind=Notification.Kind.APPROVAL_REQUEST).values_list(
            "recipient__username", flat=True
        )
    )


def propose(complaint, actor, amount, **kwargs):
    return decision_propose(
        complaint=complaint,
        actor=actor,
        remedy="compensation",
        outcome="upheld",
        amount=Decimal(amount),
        rationale="维修质量问题，赔偿损失。",
        **kwargs,
    )


def test_a_decision_within_the_proposers_limit_asks_nobody(org, complaint_in):
    propose(complaint_in(State.DECISION), org.handler, 500)

    assert approval_requests() == []


def test_a_decision_awaiting_approval_goes_to_every_eligible_approver(org, complaint_in):
    decision = propose(complaint_in(State.DECISION), org.handler, 10000)

    # the head of 服务部 (limit 20,000), the complaint manager and senior management
    assert approval_requests() == ["executive", "head", "manager"]
    assert set(Notification.objects.values_list("key", flat=True)) == {f"approval:{decision.pk}"}


def test_a_decision_with_a_requested_approver_goes_to_that_person(org, complaint_in):
    propose(complaint_in(State.DECISION), org.handler, 10000, requested_approver=org.manager)

    assert approval_requests() == ["manager"]


def test_the_approval_request_writes_the_amount_for_its_reader(org, complaint_in):
    org.manager.language = "en"
    org.manager.save()

    propose(complaint_in(State.DECISION), org.handler, 25700)

    by_user = {n.recipient.username: n for n in Notification.objects.all()}
    assert by_user["manager"].subject.endswith("Decision awaiting your approval: ¥25,700.00")
    assert "¥25,700.00" in by_user["manager"].body
    assert by_user["executive"].subject.endswith("25,700.00 元")
    assert "25,700.00 元" in by_user["executive"].body
    assert "25700" not in by_user["executive"].subject + by_user["executive"].body
