"""Complaints mailboxes in the admin (issue 17 §1): the password stays out of the database, the
connection test and "read now" actions, the read-only log of messages read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from complaints.models import Complaint, InboundEmail, Mailbox
from complaints.services.mailboxes import mailbox_poll
from tests.complaints.test_mailboxes import mail
from tests.imap import PASSWORD

pytestmark = pytest.mark.django_db

ADD = reverse("admin:complaints_mailbox_add")
LIST = reverse("admin:complaints_mailbox_changelist")


@pytest.fixture
def admin_client(client, org):
    admin = User.objects.create_user(
        username="admin", is_superuser=True, is_staff=True, approval_limit=Decimal(1000000)
    )
    client.force_login(admin)
    return client


def form(**overrides: str) -> dict[str, str]:
    return {
        "name": "投诉邮箱",
        "address": "tousu@example.com",
        "host": "imap.example.com",
        "port": "993",
        "security": Mailbox.Security.SSL,
        "username": "tousu@example.com",
        "password_name": "COMPLAINTS_MAILBOX_PASSWORD",
        "folder": "INBOX",
        "processed_folder": "",
        "department": "",
        "category": "",
        "is_active": "on",
        **overrides,
    }


def test_a_mailbox_names_a_password_variable_that_must_be_set(admin_client, monkeypatch, org):
    response = admin_client.post(ADD, form())
    errors = response.context["adminform"].form.errors
    assert (
        list(errors) == ["password_name"]
        and "COMPLAINTS_MAILBOX_PASSWORD" in errors["password_name"][0]
    )
    assert not Mailbox.objects.exists()

    monkeypatch.setenv("COMPLAINTS_MAILBOX_PASSWORD", "s3cret-value")
    response = admin_client.post(ADD, form(department=str(org.service.pk)))

    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert (mailbox.password_name, mailbox.department) == (
        "COMPLAINTS_MAILBOX_PASSWORD",
        org.service,
    )
    stored = Mailbox.objects.filter(pk=mailbox.pk).values().get()
    assert "s3cret-value" not in str(stored)  # the password never reaches the database
    assert (
        "s3cret-value"
        not in admin_client.get(
            reverse("admin:complaints_mailbox_change", args=[mailbox.pk])
        ).content.decode()
    )


@pytest.fixture
def mailbox(imap, settings) -> Mailbox:
    settings.MAILBOX_PASSWORDS = {"TEST_MAILBOX_PASSWORD": PASSWORD}
    return Mailbox.objects.create(
        name="本机",
        address=imap.user,
        host="127.0.0.1",
        port=imap.port,
        security=Mailbox.Security.NONE,
        username=imap.user,
        password_name="TEST_MAILBOX_PASSWORD",
    )


def _act(client, action: str, mailbox: Mailbox) -> list[str]:
    response = client.post(LIST, {"action": action, "_selected_action": [mailbox.pk]}, follow=True)
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_connection_test_and_read_now_actions(admin_client, mailbox, imap, settings):
    [ok] = _act(admin_client, "test_connection", mailbox)
    assert "connected" in ok

    imap.deliver(mail())
    [read] = _act(admin_client, "poll_now", mailbox)
    assert "1 read; 1 new complaints" in read
    assert Complaint.objects.count() == 1

    settings.MAILBOX_PASSWORDS = {"TEST_MAILBOX_PASSWORD": "wrong"}
    [failed] = _act(admin_client, "test_connection", mailbox)
    assert "AUTHENTICATIONFAILED" in failed


def test_the_log_of_messages_read_opens_and_cannot_be_edited(admin_client, mailbox, imap):
    imap.deliver(mail())
    _act(admin_client, "poll_now", mailbox)
    row = InboundEmail.objects.get()

    listing = admin_client.get(reverse("admin:complaints_inboundemail_changelist"))
    page = admin_client.get(reverse("admin:complaints_inboundemail_change", args=[row.pk]))
    edit = admin_client.post(
        reverse("admin:complaints_inboundemail_change", args=[row.pk]), {"outcome": "ignored"}
    )

    assert listing.status_code == 200 and row.subject in listing.content.decode()
    assert page.status_code == 200
    assert edit.status_code == 403
    assert admin_client.get(reverse("admin:complaints_inboundemail_add")).status_code == 403
    assert admin_client.get(reverse("admin:complaints_mailbox_changelist")).status_code == 200


def test_staff_roles_do_not_see_the_mailboxes(client, org):
    org.manager.is_staff = True
    org.manager.save()
    client.force_login(org.manager)

    assert client.get(LIST).status_code == 403
    assert client.get(reverse("admin:complaints_inboundemail_changelist")).status_code == 403


def _failed(mailbox: Mailbox, message_key: str) -> InboundEmail:
    return InboundEmail.objects.create(
        mailbox=mailbox,
        message_key=message_key,
        sender="li@example.org",
        subject="洗衣机漏水",
        outcome=InboundEmail.Outcome.FAILED,
        error_code=InboundEmail.Failure.UNUSABLE,
        error="No working day within 366 days",
        received_at=timezone.now(),
    )


def test_read_again_hands_a_failed_message_to_the_next_poll_or_says_it_is_gone(
    admin_client, mailbox, imap
):
    imap.deliver(mail())
    waiting = _failed(mailbox, "<first@example.org>")
    gone = _failed(mailbox, "<gone@example.org>")
    changelist = reverse("admin:complaints_inboundemail_changelist")

    with translation.override("en"):
        response = admin_client.post(
            changelist,
            {"action": "read_again", "_selected_action": [waiting.pk, gone.pk]},
            follow=True,
        )
    said = [str(message) for message in get_messages(response.wsgi_request)]

    assert "marked unread on the server; the next poll reads it again" in said[0]
    assert "Not found on the server" in said[1] and "<gone@example.org>" in said[1]
    assert list(InboundEmail.objects.values_list("pk", flat=True)) == [gone.pk]
    assert mailbox_poll(mailbox_id=mailbox.pk).complaints == 1
    page = admin_client.get(reverse("admin:complaints_inboundemail_change", args=[gone.pk]))
    assert "No working day within 366 days" in page.content.decode()


def test_changing_the_folder_or_server_sets_the_uid_watermark_again(admin_client, mailbox):
    Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=1700000000, last_uid=7)
    url = reverse("admin:complaints_mailbox_change", args=[mailbox.pk])
    same = {
        "address": mailbox.address,
        "host": mailbox.host,
        "port": str(mailbox.port),
        "security": mailbox.security,
        "username": mailbox.username,
        "password_name": mailbox.password_name,
    }
    page = admin_client.get(url).content.decode()
    assert "1700000000" in page  # shown, not editable
    assert 'name="last_uid"' not in page and 'name="uid_validity"' not in page

    assert admin_client.post(url, form(**same, name="改名")).status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.uid_validity, mailbox.last_uid) == ("改名", 1700000000, 7)

    assert admin_client.post(url, form(**same, folder="Complaints")).status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.uid_validity, mailbox.last_uid) == ("Complaints", None, 0)
