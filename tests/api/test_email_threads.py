"""E-mails to a customer thread by case (issue 17, §2): each has its own stable Message-ID, all
of a case answer the case's thread ID, and the reference is in every subject; an ID names the case
only if this installation wrote it."""

from __future__ import annotations

import pytest
from django.db import transaction

from complaints.models import Complaint, CustomerEmail
from complaints.services.customer_emails import customer_emails_send, rejection_notice
from complaints.services.notifications import case_thread_id, outbox_message_id, read_message_id
from tests.api.conftest import NEW_COMPLAINT

pytestmark = pytest.mark.django_db


def test_a_case_s_e_mails_share_its_thread_and_carry_its_reference(
    org, api_for, django_capture_on_commit_callbacks, mailoutbox
):
    payload = {
        **NEW_COMPLAINT,
        "customer": {**NEW_COMPLAINT["customer"], "email": "li@example.com"},
    }
    with django_capture_on_commit_callbacks(execute=True):
        reference = api_for(org.agent).post("complaints/", payload).json()["reference"]
    complaint = Complaint.objects.get(reference=reference)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        rejection_notice(complaint=complaint, explanation="不属于受理范围")

    first, second = mailoutbox
    emails = list(CustomerEmail.objects.order_by("pk"))
    thread = case_thread_id(complaint.pk)
    for message, email in zip((first, second), emails, strict=True):
        assert reference in message.subject
        assert message.extra_headers["Message-ID"] == outbox_message_id(email)
        assert message.extra_headers["In-Reply-To"] == thread
        assert message.extra_headers["References"] == thread
        assert read_message_id(message.extra_headers["Message-ID"]) == ("customeremail", email.pk)
    assert first.extra_headers["Message-ID"] != second.extra_headers["Message-ID"]
    assert read_message_id(thread) == ("complaint", complaint.pk)


def test_a_resent_e_mail_keeps_its_message_id(
    org, api_for, mailoutbox, django_capture_on_commit_callbacks
):
    payload = {
        **NEW_COMPLAINT,
        "customer": {**NEW_COMPLAINT["customer"], "email": "li@example.com"},
    }
    api_for(org.agent).post("complaints/", payload)  # the after-commit send never ran
    email = CustomerEmail.objects.get()

    sent, failures = customer_emails_send(email_ids=[email.pk])

    assert (sent, failures) == (1, [])
    assert mailoutbox[0].extra_headers["Message-ID"] == outbox_message_id(email)


@pytest.mark.parametrize(
    "value",
    [
        "<complaint.12.0000000000000000@example.com>",  # a made-up signature
        "<complaint.x.abc@example.com>",
        "<CAB123@mail.gmail.com>",
        "",
        "<>",
    ],
)
def test_a_message_id_not_ours_names_no_case(value):
    assert read_message_id(value) is None


def test_our_message_id_read_back_with_or_without_brackets():
    thread = case_thread_id(42)
    assert read_message_id(thread) == ("complaint", 42)
    assert read_message_id(thread.strip("<>")) == ("complaint", 42)
    forged = thread.replace("complaint.42.", "complaint.43.")
    assert read_message_id(forged) is None
