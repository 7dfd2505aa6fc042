"""Quiet hours for people (issue 19 §2): outside the service hours of the recipient's calendar (their
department's, here the default) a reminder's or
a non-urgent escalation's e-mail waits for the next period's start, while the inbox shows it at once;
urgent escalations go at once; people may take notifications in the inbox only."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from accounts.models import User
from complaints.models import Notification
from complaints.selectors import unread_count
from complaints.services import notify
from complaints.services.notifications import (
    notification_emails_resend,
    notification_emails_send,
    notifications_settle,
)
from sla.calendar import ServiceHours, WorkingCalendar
from sla.models import BusinessCalendar, Escalation
from sla.selectors import working_calendar_cache_clear
from sla.services import calendar_service_hours_set
from sla.services.escalation import escalate

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = [(time(8, 30), time(12)), (time(13, 30), time(18))]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


FRIDAY_2200 = at(2025, 12, 5, 22)
MONDAY_0830 = at(2025, 12, 8, 8, 30)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    working_calendar_cache_clear()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def desk(db) -> BusinessCalendar:
    """The default calendar with the demo's desk hours, Monday to Friday."""
    calendar = BusinessCalendar.objects.get(is_default=True)
    calendar_service_hours_set(calendar=calendar, weekly=dict.fromkeys(range(1, 6), OFFICE))
    return calendar


@pytest.fixture
def clock_at(time_machine):
    def move(moment: datetime) -> None:
        time_machine.move_to(moment, tick=False)

    return move


def remind(complaint, user, *, key: str = "reminder:test") -> Notification:
    [notification] = notify(
        recipients=[user],
        kind=Notification.Kind.REMINDER,
        complaint=complaint,
        key=key,
        template="assignment",
        context={"actor": user},
    )
    return notification


def test_a_reminder_at_friday_22_waits_until_monday_0830_and_the_inbox_shows_it_at_once(
    org, new_complaint, desk, clock_at, client, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = new_complaint()
    clock_at(FRIDAY_2200)
    with django_capture_on_commit_callbacks(execute=True):
        notification = remind(complaint, org.head)

    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.email_due
    assert notification.created_at == FRIDAY_2200  # when it was due
    assert notification.held_until == MONDAY_0830
    assert notification.held_reason == Notification.Held.QUIET_HOURS
    assert notification.emailed_at is None
    # The inbox has it at once.
    assert unread_count(user=org.head) == 1
    client.force_login(org.head)
    page = client.get(reverse("notifications"))
    assert notification.headline in page.content.decode()

    # Asking the send task early sends nothing; the resend job sends it once the desk opens.
    assert notification_emails_send(notification_ids=[notification.pk]) == (0, [])
    clock_at(at(2025, 12, 8, 8, 29))
    assert notification_emails_resend() == 0
    clock_at(MONDAY_0830)
    assert notification_emails_resend() == 1
    assert notification_emails_resend() == 0
    assert [message.to for message in mailoutbox] == [[org.head.email]]
    notification.refresh_from_db()
    assert notification.emailed_at == MONDAY_0830  # when it was sent


def test_a_lunch_time_reminder_waits_for_the_afternoon(org, new_complaint, desk, clock_at):
    clock_at(at(2025, 12, 10, 12, 30))  # a Wednesday
    notification = remind(new_complaint(), org.head)
    assert notification.held_until == at(2025, 12, 10, 13, 30)


def test_in_service_hours_nothing_waits(
    org, new_complaint, desk, clock_at, mailoutbox, django_capture_on_commit_callbacks
):
    clock_at(at(2025, 12, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        notification = remind(new_complaint(), org.head)
    assert notification.held_until is None
    assert len(mailoutbox) == 1


def test_an_injury_escalation_at_0200_goes_at_once_a_breach_waits(
    org, new_complaint, desk, clock_at, mailoutbox, django_capture_on_commit_callbacks
):
    complaint = new_complaint()
    night = at(2025, 12, 9, 2)  # a Tuesday
    clock_at(night)
    with django_capture_on_commit_callbacks(execute=True):
        escalate(complaint=complaint, level=1, reason=Escalation.Reason.PERSONAL_INJURY, at=night)
    [urgent] = Notification.objects.filter(kind=Notification.Kind.ESCALATION)
    assert urgent.held_until is None
    assert urgent.emailed_at == night
    assert len(mailoutbox) == 1

    other = new_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        escalate(complaint=other, level=1, reason=Escalation.Reason.BREACH, at=night)
    held = Notification.objects.get(complaint=other)
    assert held.held_until == at(2025, 12, 9, 8, 30)
    assert len(mailoutbox) == 1


def test_level_three_goes_at_once(org, new_complaint, desk, clock_at, mailoutbox):
    night = at(2025, 12, 9, 2)
    clock_at(night)
    escalate(complaint=new_complaint(), level=3, reason=Escalation.Reason.BREACH, at=night)
    assert not Notification.objects.filter(held_until__isnull=False).exists()


def test_without_service_hours_nothing_waits(
    org, new_complaint, clock_at, mailoutbox, django_capture_on_commit_callbacks
):
    clock_at(FRIDAY_2200)
    with django_capture_on_commit_callbacks(execute=True):
        notification = remind(new_complaint(), org.head)
    assert notification.held_until is None
    assert notification.held_reason == ""
    assert len(mailoutbox) == 1


def test_other_kinds_never_wait(org, new_complaint, desk, clock_at):
    clock_at(FRIDAY_2200)
    [notification] = notify(
        recipients=[org.head],
        kind=Notification.Kind.ASSIGNMENT,
        complaint=new_complaint(),
        key="assignment:test",
        template="assignment",
        context={"actor": org.manager},
    )
    assert notification.held_until is None


def test_in_app_only_people_get_no_e_mail(
    org, new_complaint, desk, clock_at, mailoutbox, django_capture_on_commit_callbacks
):
    org.head.notification_delivery = User.Delivery.APP_ONLY
    org.head.save()
    clock_at(at(2025, 12, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        notification = remind(new_complaint(), org.head)
    assert not notification.email_due
    assert notification.held_until is None
    clock_at(at(2025, 12, 10, 11))
    assert notification_emails_resend() == 0
    assert mailoutbox == []
    assert unread_count(user=org.head) == 1


def test_e_mail_only_people_are_mailed_and_find_it_in_the_inbox_as_read(
    org, new_complaint, desk, clock_at, mailoutbox, django_capture_on_commit_callbacks
):
    org.head.notification_delivery = User.Delivery.EMAIL_ONLY
    org.head.save()
    complaint = new_complaint()
    clock_at(at(2025, 12, 10, 10))
    with django_capture_on_commit_callbacks(execute=True):
        notification = remind(complaint, org.head)

    assert notification.email_due and notification.read_at is not None
    assert [message.to for message in mailoutbox] == [[org.head.email]]
    assert unread_count(user=org.head) == 0
    assert Notification.objects.filter(recipient=org.head).count() == 1  # still listed

    # Through the batch writer (the escalation sweep's) too.
    with django_capture_on_commit_callbacks(execute=True):
        escalate(
            complaint=complaint, level=1, reason=Escalation.Reason.BREACH, at=at(2025, 12, 10, 10)
        )
    assert Notification.objects.filter(recipient=org.head).count() == 2
    assert len(mailoutbox) == 2
    assert unread_count(user=org.head) == 0


def test_e_mail_only_without_an_address_stays_unread_so_nothing_is_missed(
    org, new_complaint, desk, clock_at, mailoutbox
):
    org.head.notification_delivery = User.Delivery.EMAIL_ONLY
    org.head.email = ""
    org.head.save()
    clock_at(at(2025, 12, 10, 10))

    notification = remind(new_complaint(), org.head)

    assert not notification.email_due and notification.read_at is None
    assert unread_count(user=org.head) == 1


def test_a_held_reminder_settled_before_the_desk_opens_is_not_mailed(
    org, new_complaint, desk, clock_at, mailoutbox
):
    clock_at(FRIDAY_2200)
    notification = remind(new_complaint(), org.head)
    notifications_settle(keys=[notification.key], reason=Notification.Settled.CLOCK_MET, by=None)
    clock_at(MONDAY_0830)
    assert notification_emails_resend() == 0
    assert mailoutbox == []


def test_the_reason_reads_in_the_readers_language():
    from django.utils import translation

    with translation.override("zh-hans"):
        chinese = str(Notification.Held.QUIET_HOURS.label)
    with translation.override("en"):
        english = str(Notification.Held.QUIET_HOURS.label)
    assert chinese != english


def test_next_service_start_of_the_pure_calendar():
    hours = ServiceHours(weekly=(((510, 720), (810, 1080)),) * 5 + ((), ()))
    calendar = WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset({6, 7}),
        days_off=frozenset(),
        working_days=frozenset(),
        service_hours=hours,
    )
    assert calendar.next_service_start(FRIDAY_2200) == MONDAY_0830
    assert calendar.next_service_start(at(2025, 12, 10, 12)) == at(2025, 12, 10, 13, 30)
    assert calendar.next_service_start(at(2025, 12, 10, 8, 30)) is None
    assert calendar.next_service_start(at(2025, 12, 10, 17, 59)) is None
    assert calendar.next_service_start(at(2025, 12, 10, 18)) == at(2025, 12, 11, 8, 30)
    no_hours = WorkingCalendar(
        time_zone=SHANGHAI,
        rest_weekdays=frozenset({6, 7}),
        days_off=frozenset(),
        working_days=frozenset(),
    )
    assert no_hours.next_service_start(FRIDAY_2200) is None


def test_people_choose_in_app_only_on_their_own_account_page(org, client):
    client.force_login(org.handler)
    page = client.get(reverse("notification_settings"))
    assert page.status_code == 200
    assert 'value="app_only"' in page.content.decode()
    answer = client.post(reverse("notification_settings"), {"notification_delivery": "app_only"})
    assert answer.status_code == 302
    org.handler.refresh_from_db()
    assert org.handler.notification_delivery == User.Delivery.APP_ONLY
    assert not org.handler.wants_email
    assert 'value="email_only"' in page.content.decode()
    refused = client.post(reverse("notification_settings"), {"notification_delivery": "sms"})
    assert refused.status_code == 200
    org.handler.refresh_from_db()
    assert org.handler.notification_delivery == User.Delivery.APP_ONLY
