"""Received e-mails that became no case (ignored, could not be handled) keep their sender and
subject only COMPLAINTS_INBOUND_MAIL_LOG_DAYS: the nightly retention job clears them and the staff
notifications repeating them; the message id stays, so a message delivered again is still not
read. A person's erasure clears every message from their addresses; their export lists them."""

from __future__ import annotations

import json
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from complaints.models import Complaint, InboundEmail, Mailbox, Notification
from complaints.services.mailbox_failures import inbound_failure_key, inbound_failure_record
from complaints.services.mailboxes import mailbox_poll
from complaints.services.retention import inbound_mail_log_forget
from complaints.services.rights import rights_erase
from complaints.tasks import anonymise_expired_cases_task
from sla.models import BusinessCalendar
from tests.complaints.privacy_cases import worked_case
from tests.complaints.test_mailboxes import mail
from tests.complaints.test_rights_requests import (
    EMAIL,
    prepare,  # noqa: F401  (the fixture)
    record,
)
from tests.imap import PASSWORD, ImapAccount

pytestmark = pytest.mark.django_db

SENDER = "li@example.org"


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
def box(org) -> Mailbox:
    """A mailbox never connected to (the rows are written by the services directly)."""
    return Mailbox.objects.create(
        name="投诉邮箱",
        address="complaints@example.test",
        host="127.0.0.1",
        username="complaints",
        password_name="UNUSED",
        is_active=False,
    )


def ignored(box: Mailbox, *, days_ago: int, sender: str = SENDER, **fields) -> InboundEmail:
    return InboundEmail.objects.create(
        mailbox=box,
        message_key=f"<{uuid.uuid4()}@example.org>",
        sender=sender,
        subject="自动回复：洗衣机漏水",
        outcome=InboundEmail.Outcome.IGNORED,
        reason=InboundEmail.Reason.AUTO_REPLY,
        received_at=timezone.now() - timedelta(days=days_ago),
        **fields,
    )


def failed(box: Mailbox, *, days_ago: int, sender: str = SENDER) -> InboundEmail:
    """A message that could not be handled, with its notifications, read `days_ago` days ago."""
    row = inbound_failure_record(
        mailbox=box,
        message_key=f"<{uuid.uuid4()}@example.org>",
        sender=sender,
        subject="洗衣机漏水",
        error=ValueError(f"bad value from {sender}"),
    )
    assert row is not None
    InboundEmail.objects.filter(pk=row.pk).update(
        received_at=timezone.now() - timedelta(days=days_ago)
    )
    return InboundEmail.objects.get(pk=row.pk)


def told(row: InboundEmail) -> list[Notification]:
    return list(
        Notification.objects.filter(
            kind=Notification.Kind.MAIL_FAILED, key=inbound_failure_key(row)
        )
    )


def cleared(row: InboundEmail) -> bool:
    row.refresh_from_db()
    return (row.sender, row.subject, row.error, row.refused_files) == ("", "", "", [])


class TestTheNightlyJob:
    def test_old_rows_without_a_case_are_cleared_and_the_codes_kept(self, box) -> None:
        old_ignored = ignored(box, days_ago=91)
        old_failed = failed(box, days_ago=91)
        key = old_failed.message_key
        assert old_failed.error and told(old_failed)

        assert inbound_mail_log_forget() == 2

        assert cleared(old_ignored) and cleared(old_failed)
        assert (old_ignored.outcome, old_ignored.reason) == ("ignored", "auto_reply")
        assert (old_failed.outcome, old_failed.error_code) == ("failed", "unusable")
        assert old_failed.message_key == key and old_failed.received_at
        assert told(old_failed) == []

    def test_newer_rows_are_kept_with_their_notifications(self, box) -> None:
        recent_ignored = ignored(box, days_ago=89)
        recent_failed = failed(box, days_ago=89)

        assert inbound_mail_log_forget() == 0

        assert not cleared(recent_ignored) and not cleared(recent_failed)
        assert recent_failed.sender == SENDER and told(recent_failed)

    def test_the_period_is_a_setting(self, box, settings) -> None:
        settings.COMPLAINTS_INBOUND_MAIL_LOG_DAYS = 10
        row = ignored(box, days_ago=11)

        inbound_mail_log_forget()

        assert cleared(row)

    def test_a_row_linked_to_a_case_follows_the_case(self, box, new_complaint) -> None:
        complaint = new_complaint()
        attached = ignored(
            box,
            days_ago=400,
            complaint=complaint,
            refused_files=[{"name": "a.exe", "reasons": ["type"]}],
        )
        attached.outcome = InboundEmail.Outcome.COMPLAINT
        attached.save()

        assert inbound_mail_log_forget() == 0

        attached.refresh_from_db()
        assert (attached.sender, attached.subject) == (SENDER, "自动回复：洗衣机漏水")
        assert attached.refused_files

    def test_in_batches_and_a_second_run_changes_nothing(self, box, settings) -> None:
        rows = [ignored(box, days_ago=100) for _ in range(5)]
        other_notifications = Notification.objects.exclude(kind=Notification.Kind.MAIL_FAILED)
        before = other_notifications.count()

        assert inbound_mail_log_forget(batch_size=2) == 5
        assert inbound_mail_log_forget(batch_size=2) == 0

        assert all(cleared(row) for row in rows)
        assert other_notifications.count() == before

    def test_the_nightly_retention_task_runs_it(self, box) -> None:
        row = failed(box, days_ago=120)

        anonymise_expired_cases_task.apply().get()

        assert cleared(row) and told(row) == []


def test_a_message_delivered_again_after_clearing_is_still_not_read(
    mailbox, imap, org, settings
) -> None:
    imap.deliver(mail(Auto_Submitted="auto-replied"))
    assert mailbox_poll(mailbox_id=mailbox.pk).ignored == 1
    InboundEmail.objects.update(received_at=timezone.now() - timedelta(days=91))
    assert inbound_mail_log_forget() == 1

    imap.deliver(mail(Auto_Submitted="auto-replied"))  # the same Message-ID again
    imap.mark_unread()
    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert result.read == 2 and result.ignored == 0
    row = InboundEmail.objects.get()
    assert (row.sender, row.subject, row.reason) == ("", "", "auto_submitted")
    assert imap.search("UNSEEN") == []


def test_a_failed_message_delivered_again_after_clearing_tells_nobody_again(
    mailbox, imap, org
) -> None:
    calendar = BusinessCalendar.objects.get(is_default=True)
    rest = calendar.rest_weekdays
    calendar.rest_weekdays, calendar.revision = [1, 2, 3, 4, 5, 6, 7], uuid.uuid4()
    calendar.save()
    try:
        imap.deliver(mail())
        assert mailbox_poll(mailbox_id=mailbox.pk).failed == 1
        InboundEmail.objects.update(received_at=timezone.now() - timedelta(days=91))
        inbound_mail_log_forget()
        assert not Notification.objects.filter(kind=Notification.Kind.MAIL_FAILED).exists()

        imap.mark_unread()
        result = mailbox_poll(mailbox_id=mailbox.pk)
    finally:
        calendar.rest_weekdays, calendar.revision = rest, uuid.uuid4()
        calendar.save()

    assert (result.read, result.failed) == (1, 0)
    assert not Complaint.objects.exists()
    assert not Notification.objects.filter(kind=Notification.Kind.MAIL_FAILED).exists()
    assert cleared(InboundEmail.objects.get())


class TestAPersonsRequests:
    def test_erasure_clears_every_message_from_their_addresses(
        self, org, flow, new_complaint, box
    ) -> None:
        worked_case(org, flow, new_complaint, ended_days_ago=3)
        recent = failed(box, days_ago=1, sender=EMAIL.upper())
        attached = ignored(box, days_ago=1, sender=EMAIL, complaint=new_complaint())
        by_requester = ignored(box, days_ago=1, sender="wang.other@example.com")
        stranger = ignored(box, days_ago=1, sender="someone@example.com")
        request = record(org, kind="erasure", requester_email="wang.other@example.com")

        rights_erase(actor=org.manager, request_id=request.pk, confirmed=True)

        assert cleared(recent) and cleared(attached) and cleared(by_requester)
        assert told(recent) == []
        assert not cleared(stranger)
        request.refresh_from_db()
        assert request.result["received_emails_cleared"] == 3
        assert recent.message_key  # still read once

    def test_the_export_lists_their_messages_that_became_no_case(
        self,
        org,
        flow,
        new_complaint,
        box,
        prepare,  # noqa: F811  (the imported fixture)
    ) -> None:
        worked_case(org, flow, new_complaint)
        mine = failed(box, days_ago=2, sender=EMAIL)
        ignored(box, days_ago=1, sender=EMAIL, complaint=new_complaint())  # in the case's data
        ignored(box, days_ago=1, sender="someone@example.com")
        request = prepare(org, record(org), "en")

        data = json.loads(zipfile.ZipFile(request.export_file.open("rb")).read("data.json"))

        [listed] = data["received_emails_without_case"]
        assert (listed["from"], listed["subject"], listed["to"]) == (
            EMAIL,
            "洗衣机漏水",
            box.address,
        )
        assert listed["handled_as"] == {"code": "failed", "label": "Could not be handled"}
        assert listed["error"]["code"] == "unusable"
        assert mine.error not in json.dumps(data, ensure_ascii=False)
        assert request.result["received_emails"] == 1
