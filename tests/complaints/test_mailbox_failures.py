"""Received e-mails that cannot be handled (issue 17 §1), against the real IMAP server of
tests/imap.py: the people who look after intake are told once per message, and "read again on
the next poll" hands the message to the next poll once its cause is fixed."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from accounts.models import User
from complaints.models import Complaint, InboundEmail, Mailbox, Notification
from complaints.services.mailbox_failures import (
    inbound_email_read_again,
    inbound_failure_key,
    inbound_failure_record,
)
from complaints.services.mailboxes import mailbox_poll
from sla.models import BusinessCalendar
from tests.complaints.test_mailboxes import mail
from tests.imap import PASSWORD, ImapAccount

pytestmark = pytest.mark.django_db

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]


@pytest.fixture
def mailbox(org, imap: ImapAccount, settings) -> Mailbox:
    settings.MAILBOX_PASSWORDS = {"TEST_MAILBOX_PASSWORD": PASSWORD}
    return Mailbox.objects.create(
        name="投诉邮箱",
        address=imap.user,
        host="127.0.0.1",
        port=imap.port,
        security=Mailbox.Security.NONE,
        username=imap.user,
        password_name="TEST_MAILBOX_PASSWORD",
    )


@pytest.fixture
def calendar_without_working_days(org):
    """A configuration mistake an administrator can fix: the calendar deadlines are computed on
    rests every day of the week, so no complaint can be given a deadline (CalendarError)."""
    calendar = BusinessCalendar.objects.get(is_default=True)
    rest = calendar.rest_weekdays
    _set_rest_days(calendar, EVERY_DAY)
    yield calendar
    _set_rest_days(calendar, rest)


@pytest.fixture
def superuser(org) -> User:
    return User.objects.create_user(username="root", is_superuser=True, is_staff=True)


def _set_rest_days(calendar: BusinessCalendar, days: list[int]) -> None:
    calendar.rest_weekdays = days
    calendar.revision = uuid.uuid4()
    calendar.save()


def _told() -> list[Notification]:
    return list(
        Notification.objects.filter(kind=Notification.Kind.MAIL_FAILED).order_by("recipient_id")
    )


def test_a_message_that_fails_tells_the_intake_people_once_each_in_their_language(
    mailbox, imap, org, calendar_without_working_days
):
    org.manager.language = "en"
    org.manager.save()
    imap.deliver(mail(subject="洗衣机漏水"))

    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert (result.read, result.failed, result.complaints) == (1, 1, 0)
    row = InboundEmail.objects.get()
    assert (row.outcome, row.error_code) == (
        InboundEmail.Outcome.FAILED,
        InboundEmail.Failure.UNUSABLE,
    )
    assert row.error and imap.search("UNSEEN") == []
    # Superusers and complaint managers, as for a mailbox that cannot be read.
    [told] = _told()
    assert told.recipient == org.manager and told.complaint is None
    assert told.key == inbound_failure_key(row)
    assert (
        told.subject == f"An e-mail to {mailbox.address} from li@example.org could not be handled"
    )
    admin_url = reverse("admin:complaints_inboundemail_change", args=[row.pk])
    assert "No working day within 366 days" in row.error
    for text, error in ((told.body, row.error), (told.body_html, escape(row.error))):
        assert mailbox.address in text and "li@example.org" in text and "洗衣机漏水" in text
        assert "A value in it, or a setting it needs, cannot be used (unusable)" in text
        assert error in text
        assert admin_url in text
        assert "Read again on the next poll" in text


def test_a_chinese_reader_gets_it_in_chinese(mailbox, imap, org, calendar_without_working_days):
    org.manager.language = "zh-hans"
    org.manager.save()
    imap.deliver(mail())

    mailbox_poll(mailbox_id=mailbox.pk)

    [told] = _told()
    assert "无法处理" in told.subject and mailbox.address in told.subject
    assert "发件人: li@example.org" in told.body and "主题: 洗衣机漏水" in told.body
    assert "原因: 邮件中的某个值或处理所需的某项设置无法使用 (unusable)" in told.body
    assert "下次读取时重读" in told.body


def test_each_failed_message_is_told_once_however_often_it_is_seen(
    mailbox, imap, org, calendar_without_working_days, superuser
):
    imap.deliver(mail())
    imap.deliver(mail(message_id="<second@example.org>", subject="第二封"))
    imap.deliver(mail())  # a copy of the first (same Message-ID)

    first = mailbox_poll(mailbox_id=mailbox.pk)
    # The product died after recording them and before marking them read: read again.
    imap.mark_unread()
    second = mailbox_poll(mailbox_id=mailbox.pk)

    assert (first.read, first.failed, second.read) == (3, 2, 3)
    assert InboundEmail.objects.filter(outcome=InboundEmail.Outcome.FAILED).count() == 2
    told = _told()
    # Two messages, two recipients (the complaint manager and the superuser): four, not more.
    assert len(told) == 4
    assert sorted({n.recipient.username for n in told}) == ["manager", superuser.username]
    assert len({(n.recipient_id, n.key) for n in told}) == 4


def test_read_again_lets_the_next_poll_create_the_complaint_once_the_cause_is_fixed(
    mailbox, imap, org, calendar_without_working_days
):
    imap.deliver(mail())
    mailbox_poll(mailbox_id=mailbox.pk)
    row = InboundEmail.objects.get()
    _set_rest_days(calendar_without_working_days, [6, 7])  # the administrator fixes the calendar

    # Still read: a poll alone does not take it again.
    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0
    assert inbound_email_read_again(row_id=row.pk) == ""

    assert not InboundEmail.objects.filter(pk=row.pk).exists()
    assert len(imap.search("UNSEEN")) == 1
    mailbox.refresh_from_db()
    assert mailbox.polling_until is None  # the hold let go
    result = mailbox_poll(mailbox_id=mailbox.pk)
    assert (result.read, result.complaints) == (1, 1)
    complaint = Complaint.objects.get()
    assert InboundEmail.objects.get().complaint == complaint
    assert imap.search("UNSEEN") == []
    assert len(_told()) == 1  # told once, for the failure only


def test_read_again_reads_a_message_below_the_uid_watermark(
    mailbox, imap, org, calendar_without_working_days
):
    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0  # the watermark set on an empty folder
    imap.deliver(mail())
    assert mailbox_poll(mailbox_id=mailbox.pk).failed == 1
    mailbox.refresh_from_db()
    [uid] = imap.search("ALL")
    assert mailbox.last_uid == int(uid)  # the failed message is behind it
    _set_rest_days(calendar_without_working_days, [6, 7])

    assert inbound_email_read_again(row_id=InboundEmail.objects.get().pk) == ""
    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert (result.read, result.complaints) == (1, 1)
    assert InboundEmail.objects.get().outcome == InboundEmail.Outcome.COMPLAINT
    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0


def test_a_message_failing_again_after_read_again_is_told_again(
    mailbox, imap, org, calendar_without_working_days
):
    imap.deliver(mail())
    mailbox_poll(mailbox_id=mailbox.pk)
    assert inbound_email_read_again(row_id=InboundEmail.objects.get().pk) == ""

    assert mailbox_poll(mailbox_id=mailbox.pk).failed == 1
    assert len(_told()) == 2 and len({n.key for n in _told()}) == 2


def test_read_again_moves_the_message_back_from_the_processed_folder(
    mailbox, imap: ImapAccount, calendar_without_working_days
):
    imap.create_folder("Processed")
    mailbox.processed_folder = "Processed"
    mailbox.save()
    imap.deliver(mail())
    mailbox_poll(mailbox_id=mailbox.pk)
    assert imap.search("ALL") == []
    _set_rest_days(calendar_without_working_days, [6, 7])

    assert inbound_email_read_again(row_id=InboundEmail.objects.get().pk) == ""

    assert len(imap.search("UNSEEN")) == 1 and imap.search("ALL", folder="Processed") == []
    assert mailbox_poll(mailbox_id=mailbox.pk).complaints == 1


def test_read_again_of_a_message_gone_from_the_server_says_so_and_keeps_the_row(
    mailbox, imap, settings, calendar_without_working_days
):
    imap.deliver(mail())
    mailbox_poll(mailbox_id=mailbox.pk)
    row = InboundEmail.objects.get()
    row.message_key = "<deleted-meanwhile@example.org>"  # as if someone deleted the message
    row.save()

    with translation.override("en"):
        problem = inbound_email_read_again(row_id=row.pk)

    assert problem.startswith("Not found on the server")
    assert "<deleted-meanwhile@example.org>" in problem and "INBOX" in problem
    assert InboundEmail.objects.filter(pk=row.pk).exists()
    mailbox.refresh_from_db()
    assert mailbox.polling_until is None
    assert imap.search("UNSEEN") == []


def test_read_again_refuses_rows_it_cannot_help(mailbox, imap):
    handled = InboundEmail.objects.create(
        mailbox=mailbox,
        message_key="<ok@example.org>",
        outcome=InboundEmail.Outcome.COMPLAINT,
        received_at=timezone.now(),
    )
    hashed = InboundEmail.objects.create(
        mailbox=mailbox,
        message_key="sha256:abc",
        outcome=InboundEmail.Outcome.FAILED,
        received_at=timezone.now(),
    )
    Mailbox.objects.filter(pk=mailbox.pk).update(
        polling_until=timezone.now() + timedelta(minutes=5)
    )
    failed = InboundEmail.objects.create(
        mailbox=mailbox,
        message_key="<failed@example.org>",
        outcome=InboundEmail.Outcome.FAILED,
        received_at=timezone.now(),
    )

    with translation.override("en"):
        assert "could not be handled" in inbound_email_read_again(row_id=handled.pk)
        assert "no Message-ID" in inbound_email_read_again(row_id=hashed.pk)
        assert "being read right now" in inbound_email_read_again(row_id=failed.pk)
    assert InboundEmail.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_recording_the_same_failure_at_once_tell_once(org):
    # Past the mailbox's hold (a poll that outlived it): both reach the insert; the unique row
    # lets one through, and only that one tells.
    mailbox = Mailbox.objects.create(
        name="m", address="m@example.test", host="h", username="u", password_name="P"
    )
    start = threading.Barrier(2)
    rows: list = []

    def record() -> None:
        start.wait()
        try:
            rows.append(
                inbound_failure_record(
                    mailbox=mailbox,
                    message_key="<same@example.org>",
                    sender="li@example.org",
                    subject="洗衣机漏水",
                    error=ValueError("no working day"),
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(row is None for row in rows) == [False, True]
    assert InboundEmail.objects.count() == 1
    assert [n.recipient for n in _told()] == [org.manager]
