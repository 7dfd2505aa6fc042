"""Complaints by e-mail (issue 17 §1) against a real IMAP server on this machine (tests/imap.py):
messages are delivered into it as a mail server would, and the mailbox is polled as beat does."""

from __future__ import annotations

import base64
import socket
import threading
from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.db import connection
from django.utils import timezone, translation

from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.models import (
    CaseEvent,
    Channel,
    Complaint,
    ContactDirection,
    CustomerContact,
    CustomerEmail,
    EvidenceFile,
    InboundEmail,
    Mailbox,
    Notification,
)
from complaints.services.mailbox_connection import mailbox_test_connection
from complaints.services.mailboxes import mailbox_poll, mailboxes_poll
from complaints.services.notifications import case_thread_id, outbox_message_id
from complaints.services.retention import CAUSE_ERASURE, complaints_anonymise
from complaints.services.triage import complaint_assign
from complaints.tasks import poll_mailboxes_task
from complaints.timeline import record_event
from tests.imap import PASSWORD, ImapAccount

pytestmark = pytest.mark.django_db

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
# A Windows program named like a PDF: the evidence service reads its first bytes, not its name.
DISGUISED = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


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
        category=org.category,
        department=org.legal,
    )


def mail(
    *,
    sender: str = "李女士 <li@example.org>",
    to: str = "",
    subject: str = "洗衣机漏水",
    body: str | None = "新买的洗衣机第一次用就漏水，地板泡坏了，要求退货。",
    html: str | None = None,
    message_id: str | None = "<first@example.org>",
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to or "complaints@example.test"
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if body is not None:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message


def test_a_new_message_becomes_a_complaint_of_the_customer_by_address(
    mailbox, imap, new_complaint, org
):
    known = new_complaint(customer_email="li@example.org").customer
    imap.deliver(mail())

    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert (result.read, result.complaints, result.error) == (1, 1, "")
    complaint = Complaint.objects.latest("pk")
    assert complaint.channel == Channel.EMAIL and complaint.customer == known
    assert complaint.subject == "洗衣机漏水"
    assert complaint.description == "新买的洗衣机第一次用就漏水，地板泡坏了，要求退货。"
    # Routed by the mailbox: its category, and its department over the category's own.
    assert complaint.category == org.category and complaint.department == org.legal
    created = complaint.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.actor is None and created.data["channel"] == Channel.EMAIL
    row = InboundEmail.objects.get()
    assert (row.outcome, row.complaint, row.message_key, row.sender) == (
        InboundEmail.Outcome.COMPLAINT,
        complaint,
        "<first@example.org>",
        "li@example.org",
    )
    # Marked read on the server; the mailbox's health recorded.
    assert imap.search("UNSEEN") == [] and len(imap.search("SEEN")) == 1
    mailbox.refresh_from_db()
    assert mailbox.last_success_at is not None and mailbox.last_error == ""
    assert mailbox.polling_until is None


def test_an_unknown_sender_becomes_a_new_customer_named_as_in_the_message(mailbox, imap):
    # The display name as mail clients send a Chinese one: an RFC 2047 encoded word.
    imap.deliver(mail(sender="陈先生 <ZHANG.wei@Example.net>"))

    mailbox_poll(mailbox_id=mailbox.pk)

    complaint = Complaint.objects.get()
    assert complaint.customer.name == "陈先生"
    assert complaint.customer.email == "zhang.wei@example.net"
    # The customer is acknowledged by e-mail like any other complaint.
    assert CustomerEmail.objects.filter(contact__complaint=complaint, to=complaint.customer.email)


def test_polling_twice_creates_one_complaint(mailbox, imap):
    imap.deliver(mail())

    first = mailbox_poll(mailbox_id=mailbox.pk)
    second = mailbox_poll(mailbox_id=mailbox.pk)
    # The product died after recording it and before marking it read: read again, not redone.
    imap.mark_unread()
    third = mailbox_poll(mailbox_id=mailbox.pk)

    assert (first.complaints, second.read, third.read, third.complaints) == (1, 0, 1, 0)
    assert Complaint.objects.count() == 1 and InboundEmail.objects.count() == 1
    assert imap.search("UNSEEN") == []


def test_the_same_message_delivered_twice_is_one_complaint(mailbox, imap):
    imap.deliver(mail())
    imap.deliver(mail())  # a copy with the same Message-ID (sent to two of our addresses)

    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert (result.read, result.complaints) == (2, 1)
    assert Complaint.objects.count() == 1


def test_a_message_without_message_id_is_still_handled_once(mailbox, imap):
    imap.deliver(mail(message_id=None))

    mailbox_poll(mailbox_id=mailbox.pk)
    imap.mark_unread()
    mailbox_poll(mailbox_id=mailbox.pk)

    assert Complaint.objects.count() == 1
    assert InboundEmail.objects.get().message_key.startswith("sha256:")


def test_a_poll_while_another_holds_the_mailbox_reads_nothing(mailbox, imap):
    imap.deliver(mail())
    Mailbox.objects.filter(pk=mailbox.pk).update(
        polling_until=timezone.now() + timedelta(minutes=5)
    )

    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0
    assert not Complaint.objects.exists() and len(imap.search("UNSEEN")) == 1


@pytest.fixture
def assigned_case(complaint_in, org):
    """An investigated case of li@example.org, assigned to the handler."""
    case = complaint_in("investigation", customer_email="li@example.org")
    return complaint_assign(complaint=case, actor=org.head, assignee=org.handler)


def test_a_reply_to_a_product_message_lands_on_the_case_and_tells_the_assignee(
    mailbox, imap, assigned_case, org
):
    acknowledgement = CustomerEmail.objects.get(contact__complaint=assigned_case)
    reply = mail(
        sender="someone-else@example.com",  # a forward: the signed Message-ID is what counts
        subject="Re: 您的投诉已受理",
        body="维修单号是 R-88。\n\n在 2026年12月5日 客服 写道：\n> 您的投诉已受理\n> 参考号",
        message_id="<reply-1@example.com>",
        In_Reply_To=outbox_message_id(acknowledgement),
        References=case_thread_id(assigned_case.pk),
    )
    imap.deliver(reply)

    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert (result.replies, result.complaints) == (1, 0)
    assert Complaint.objects.count() == 1
    contact = CustomerContact.objects.get(
        complaint=assigned_case, direction=ContactDirection.INBOUND
    )
    # The quoted earlier mail is left out.
    assert contact.channel == Channel.EMAIL and contact.summary == "维修单号是 R-88。"
    event = assigned_case.events.get(kind=CaseEvent.Kind.CONTACT, data__contact_id=contact.pk)
    assert event.actor is None and event.customer_visible
    told = Notification.objects.get(kind=Notification.Kind.CUSTOMER)
    assert told.recipient == org.handler and told.complaint == assigned_case
    assert assigned_case.reference in told.subject
    row = InboundEmail.objects.get()
    assert (row.outcome, row.complaint) == (InboundEmail.Outcome.REPLY, assigned_case)


def test_a_reply_naming_the_case_in_its_subject_lands_on_it(mailbox, imap, assigned_case):
    imap.deliver(mail(subject=f"Re: [{assigned_case.reference}] 进展如何？", body="请尽快处理。"))

    assert mailbox_poll(mailbox_id=mailbox.pk).replies == 1
    assert assigned_case.contacts.get(direction=ContactDirection.INBOUND).summary == "请尽快处理。"


def test_a_stranger_naming_a_case_in_the_subject_opens_a_complaint_of_their_own(
    mailbox, imap, assigned_case
):
    # A reference alone is easy to guess: without our Message-ID, only the customer's own
    # address reaches the case.
    imap.deliver(mail(sender="mallory@example.com", subject=f"Re: {assigned_case.reference}"))

    assert mailbox_poll(mailbox_id=mailbox.pk).complaints == 1
    assert not assigned_case.contacts.filter(direction=ContactDirection.INBOUND).exists()
    assert Complaint.objects.count() == 2


def test_a_made_up_message_id_reaches_no_case(mailbox, imap, assigned_case):
    imap.deliver(
        mail(
            sender="mallory@example.com",
            In_Reply_To=f"<complaint.{assigned_case.pk}.0000000000000000@example.com>",
        )
    )

    assert mailbox_poll(mailbox_id=mailbox.pk).complaints == 1
    assert not assigned_case.contacts.filter(direction=ContactDirection.INBOUND).exists()


def test_a_reply_to_a_closed_case_becomes_a_new_complaint(mailbox, imap, complaint_in):
    closed = complaint_in("closed", customer_email="li@example.org")
    imap.deliver(mail(subject=f"Re: {closed.reference}", In_Reply_To=case_thread_id(closed.pk)))

    assert mailbox_poll(mailbox_id=mailbox.pk).complaints == 1
    new = Complaint.objects.exclude(pk=closed.pk).get()
    assert new.customer == closed.customer


def _with_attachments(*files: tuple[str, bytes, str, str]) -> EmailMessage:
    message = mail()
    for name, content, maintype, subtype in files:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message


def test_attachments_go_through_the_evidence_checks_and_refused_ones_are_listed(mailbox, imap):
    imap.deliver(
        _with_attachments(
            ("漏水.png", PNG, "image", "png"),
            ("invoice.pdf", DISGUISED, "application", "pdf"),
        )
    )

    with translation.override("en"):
        mailbox_poll(mailbox_id=mailbox.pk)

    complaint = Complaint.objects.get()
    evidence = EvidenceFile.objects.get(complaint=complaint)
    assert (evidence.original_name, evidence.kind, evidence.content_type) == (
        "漏水.png",
        EvidenceFile.Kind.PHOTO,
        "image/png",
    )
    assert evidence.file.read() == PNG
    refused = complaint.events.get(kind=CaseEvent.Kind.MAIL_FILES_REFUSED)
    assert [item["name"] for item in refused.data["refused_files"]] == ["invoice.pdf"]
    assert "not accepted" in refused.data["refused_files"][0]["reasons"][0]
    assert not refused.customer_visible
    assert InboundEmail.objects.get().refused_files == refused.data["refused_files"]


def test_an_oversized_attachment_is_refused_and_the_complaint_kept(mailbox, imap, settings):
    settings.COMPLAINTS_EVIDENCE_MAX_BYTES = 1000
    imap.deliver(_with_attachments(("big.png", PNG + b"\x00" * 2000, "image", "png")))

    with translation.override("en"):
        mailbox_poll(mailbox_id=mailbox.pk)

    complaint = Complaint.objects.get()
    assert not EvidenceFile.objects.exists()
    [refused] = complaint.events.get(kind=CaseEvent.Kind.MAIL_FILES_REFUSED).data["refused_files"]
    assert refused["name"] == "big.png" and "limit" in refused["reasons"][0]


def test_a_reply_with_a_photo_adds_it_to_the_case(mailbox, imap, assigned_case):
    reply = _with_attachments(("照片.png", PNG, "image", "png"))
    reply.replace_header("Subject", f"Re: {assigned_case.reference}")
    imap.deliver(reply)

    mailbox_poll(mailbox_id=mailbox.pk)

    assert EvidenceFile.objects.get(complaint=assigned_case).kind == EvidenceFile.Kind.PHOTO


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto_Submitted": "auto-replied"}, InboundEmail.Reason.AUTO_SUBMITTED),
        ({"Precedence": "bulk"}, InboundEmail.Reason.PRECEDENCE),
        ({"X_Autoreply": "yes"}, InboundEmail.Reason.AUTO_REPLY),
        ({"Return_Path": "<>"}, InboundEmail.Reason.BOUNCE),
        ({"sender": "MAILER-DAEMON@mx.example.org"}, InboundEmail.Reason.BOUNCE),
        ({"sender": "投诉中心 <complaints@example.com>"}, InboundEmail.Reason.OWN_ADDRESS),
    ],
)
def test_automatic_mail_bounces_and_loops_are_not_complaints(mailbox, imap, headers, reason):
    imap.deliver(mail(**headers))

    result = mailbox_poll(mailbox_id=mailbox.pk)

    assert (result.read, result.ignored, result.complaints) == (1, 1, 0)
    assert not Complaint.objects.exists()
    row = InboundEmail.objects.get()
    assert (row.outcome, row.reason) == (InboundEmail.Outcome.IGNORED, reason)
    assert imap.search("UNSEEN") == []


def test_mail_from_the_mailbox_itself_is_a_loop(mailbox, imap):
    imap.deliver(mail(sender=mailbox.address))

    assert mailbox_poll(mailbox_id=mailbox.pk).ignored == 1
    assert InboundEmail.objects.get().reason == InboundEmail.Reason.OWN_ADDRESS


def test_a_delivery_report_is_a_bounce(mailbox, imap):
    report = mail(body="Delivery to the following recipient failed permanently")
    report.set_type("multipart/report")
    imap.deliver(report)

    mailbox_poll(mailbox_id=mailbox.pk)

    assert InboundEmail.objects.get().reason == InboundEmail.Reason.BOUNCE


def test_html_only_mail_becomes_safe_text(mailbox, imap):
    html = (
        "<html><head><style>p{color:red}</style><script>alert('head')</script></head><body>"
        "<p>冰箱&nbsp;不制冷</p><script>document.location='https://evil.example'</script>"
        "<div>请<b>上门</b>维修<img src=x onerror=alert(1)></div></body></html>"
    )
    imap.deliver(mail(body=None, html=html))

    mailbox_poll(mailbox_id=mailbox.pk)

    description = Complaint.objects.get().description
    assert description == "冰箱 不制冷\n\n请上门维修"
    assert "<" not in description and "alert" not in description and "evil" not in description


def test_a_long_message_is_cut_and_kept_whole_as_evidence(mailbox, imap):
    body = "很长的投诉。" * (DESCRIPTION_MAX_LENGTH // 3)
    imap.deliver(mail(body=body))

    mailbox_poll(mailbox_id=mailbox.pk)

    complaint = Complaint.objects.get()
    assert len(complaint.description) == DESCRIPTION_MAX_LENGTH
    assert complaint.description.endswith("…")
    original = EvidenceFile.objects.get(complaint=complaint)
    assert original.kind == EvidenceFile.Kind.CORRESPONDENCE
    assert original.original_name == "original-message.eml"
    assert original.size > len(body)


def test_a_processed_folder_receives_the_messages_read(mailbox, imap):
    imap.create_folder("Processed")
    mailbox.processed_folder = "Processed"
    mailbox.save()
    imap.deliver(mail())

    mailbox_poll(mailbox_id=mailbox.pk)

    assert imap.search("ALL") == [] and len(imap.search("ALL", folder="Processed")) == 1
    assert Complaint.objects.count() == 1


def test_a_wrong_password_is_reported_to_the_administrators_once(mailbox, imap, org, settings):
    settings.MAILBOX_ALERT_AFTER_FAILURES = 2
    settings.MAILBOX_PASSWORDS = {"TEST_MAILBOX_PASSWORD": "wrong"}
    imap.deliver(mail())

    for _poll in range(settings.MAILBOX_ALERT_AFTER_FAILURES + 1):
        result = mailbox_poll(mailbox_id=mailbox.pk)
        assert result.error and result.read == 0

    mailbox.refresh_from_db()
    assert mailbox.failing_since is not None and mailbox.last_error
    assert mailbox.consecutive_failures == settings.MAILBOX_ALERT_AFTER_FAILURES + 1
    told = Notification.objects.filter(kind=Notification.Kind.MAILBOX)
    # The complaint manager (and any superuser), once each.
    assert [n.recipient for n in told] == [org.manager]
    assert mailbox.address in told.get().subject
    assert not Complaint.objects.exists()

    # Repaired: read at the next poll, and the administrators told once that it works again.
    settings.MAILBOX_PASSWORDS = {"TEST_MAILBOX_PASSWORD": PASSWORD}
    assert mailbox_poll(mailbox_id=mailbox.pk).error == ""
    assert mailbox_poll(mailbox_id=mailbox.pk).error == ""

    assert Complaint.objects.count() == 1
    told = Notification.objects.filter(kind=Notification.Kind.MAILBOX).order_by("pk")
    assert told.count() == 2 and told.last().key.startswith(f"mailbox-recovered:{mailbox.pk}:")
    mailbox.refresh_from_db()
    assert (mailbox.failing_since, mailbox.consecutive_failures, mailbox.last_error) == (
        None,
        0,
        "",
    )


def test_a_server_that_is_down_is_recorded_and_a_blip_tells_nobody(mailbox, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        mailbox.port = closed.getsockname()[1]  # nothing listens there
    mailbox.save()

    for _poll in range(settings.MAILBOX_ALERT_AFTER_FAILURES - 1):
        assert mailbox_poll(mailbox_id=mailbox.pk).error

    mailbox.refresh_from_db()
    assert "refused" in mailbox.last_error.lower()
    assert not Notification.objects.filter(kind=Notification.Kind.MAILBOX).exists()


def test_a_missing_password_variable_is_an_error_not_a_crash(mailbox, settings):
    mailbox.password_name = "NO_SUCH_VARIABLE_FOR_TESTS"
    mailbox.save()

    assert "NO_SUCH_VARIABLE_FOR_TESTS" in mailbox_poll(mailbox_id=mailbox.pk).error
    assert "NO_SUCH_VARIABLE_FOR_TESTS" in mailbox_test_connection(mailbox=mailbox)


def test_the_connection_test_names_a_missing_folder(mailbox):
    assert mailbox_test_connection(mailbox=mailbox) == ""
    mailbox.processed_folder = "Nowhere"
    assert "Nowhere" in mailbox_test_connection(mailbox=mailbox)


def test_without_a_mailbox_the_job_does_nothing_in_one_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert mailboxes_poll() == []
    assert poll_mailboxes_task() == 0


def test_an_inactive_mailbox_is_not_read(mailbox, imap):
    mailbox.is_active = False
    mailbox.save()
    imap.deliver(mail())

    assert poll_mailboxes_task() == 0
    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0


def test_the_beat_job_reads_every_active_mailbox(mailbox, imap):
    imap.deliver(mail())

    assert poll_mailboxes_task() == 1
    assert Complaint.objects.count() == 1


def test_anonymising_a_case_forgets_who_wrote_and_the_attachments_names(complaint_in, org):
    closed = complaint_in("closed", customer_email="li@example.org")
    mailbox = Mailbox.objects.create(
        name="m", address="m@example.test", host="h", username="u", password_name="P"
    )
    row = InboundEmail.objects.create(
        mailbox=mailbox,
        message_key="<x@example.org>",
        sender="li@example.org",
        subject="李女士的投诉",
        outcome=InboundEmail.Outcome.COMPLAINT,
        complaint=closed,
        refused_files=[{"name": "李女士身份证.exe", "reasons": ["…"]}],
        received_at=timezone.now(),
    )
    record_event(
        complaint=closed,
        kind=CaseEvent.Kind.MAIL_FILES_REFUSED,
        actor=None,
        at=timezone.now(),
        data={"refused_files": row.refused_files},
    )

    summary = complaints_anonymise(complaint_ids=[closed.pk], actor=None, cause=CAUSE_ERASURE)
    assert summary.complaints == 1

    row.refresh_from_db()
    assert (row.sender, row.subject, row.refused_files, row.message_key) == (
        "",
        "",
        [],
        "<x@example.org>",  # still read once
    )
    event = closed.events.get(kind=CaseEvent.Kind.MAIL_FILES_REFUSED)
    assert "refused_files" not in event.data


@pytest.mark.django_db(transaction=True)
def test_two_polls_at_once_create_each_complaint_once(mailbox, imap):
    imap.deliver(mail())
    imap.deliver(mail(message_id="<second@example.org>", subject="第二封"))
    start = threading.Barrier(2)
    results: list = []

    def poll() -> None:
        start.wait()
        try:
            results.append(mailbox_poll(mailbox_id=mailbox.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(result.complaints for result in results) == [0, 2]
    assert Complaint.objects.count() == 2 and InboundEmail.objects.count() == 2
    assert imap.search("UNSEEN") == []
