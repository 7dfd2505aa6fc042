"""E-mails that were due but never went (the broker was down at the commit) are sent later, once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from complaints.models import Notification
from complaints.services.notifications import notification_emails_resend
from complaints.tasks import resend_notification_emails_task
from sla.models import EscalationSettings
from tests.complaints.test_notifications import announce

pytestmark = pytest.mark.django_db


def age(notification: Notification, minutes: int) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_e_mail_lost_to_a_broker_outage_goes_out_later_exactly_once(
    org, new_complaint, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    complaint = new_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = announce(complaint, [org.head])  # the commit survives the outage
    assert mailoutbox == []
    assert notification.email_due

    assert notification_emails_resend() == 0  # too fresh: its own task may still be coming
    age(notification, minutes=3)

    assert notification_emails_resend() == 1
    assert notification_emails_resend() == 0
    assert [message.to for message in mailoutbox] == [["head@example.com"]]
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_is_resent_that_was_never_due_or_is_stale(
    org, new_complaint, broker_down, mailoutbox
):
    complaint = new_complaint()
    org.manager.email = ""
    org.manager.save()
    [head, manager] = sorted(
        announce(complaint, [org.head, org.manager], key="a"), key=lambda n: n.recipient.username
    )
    EscalationSettings.objects.filter(pk=1).update(send_email=False)
    EscalationSettings.forget()  # a queryset update sends no signal
    [switched_off] = announce(complaint, [org.executive], key="b")

    assert (head.email_due, manager.email_due, switched_off.email_due) == (True, False, False)
    for notification in (head, manager, switched_off):
        age(notification, minutes=3)
    age(head, minutes=2 * 24 * 60)  # two days old: stale by e-mail, still in the inbox

    assert notification_emails_resend() == 0
    assert mailoutbox == []


def test_beat_runs_the_resend_every_five_minutes(org, new_complaint, broker_down, mailoutbox):
    [notification] = announce(new_complaint(), [org.head])
    age(notification, minutes=10)

    scheduled = PeriodicTask.objects.get(task="complaints.tasks.resend_notification_emails_task")
    assert (scheduled.interval.every, scheduled.interval.period) == (300, "seconds")
    assert resend_notification_emails_task.delay().get() == 1
    assert len(mailoutbox) == 1
