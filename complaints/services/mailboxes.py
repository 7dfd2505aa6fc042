"""Complaints by e-mail (投诉邮箱, issue 17 §1): beat polls each active mailbox over IMAP.

Which messages are read: the unread ones, and every one that arrived after the product started
reading the folder, read by a person or not (complaints.services.mailbox_watermark).

Each message is handled once, in one transaction with its `InboundEmail` row (unique per
mailbox and Message-ID, or the message's hash when it has none), and only then marked read (and
moved to the processed folder, if the mailbox has one): a poll that dies in between reads the
message again next time, finds its row and only marks it. What a message becomes:

- an automatic reply, a bounce, list mail or our own mail coming back: nothing but its row
  (complaints.domain.inbound_mail.ignore_reason);
- a reply on an open case: the customer's message on that case's timeline, through the same
  service as the tracking page (customer_add_information: the assignee or department head is
  told, a pause waiting on the customer ends). The case is named by a Message-ID this
  installation signed (In-Reply-To / References), or by the reference in the subject when the
  sender is the case's customer (a reference alone is easy to guess);
- otherwise a new complaint through complaint_create (channel e-mail, customer matched by
  address, routed by the mailbox's department and category).

Attachments go through the evidence service's checks; refused ones are listed on the timeline.
A text longer than intake takes is cut, and the whole message kept as an evidence file.
A message that cannot be handled is recorded as such and the people who look after intake are
told once; it can be read again once its cause is fixed (complaints.services.mailbox_failures).
A mailbox that cannot be reached is recorded on its row; the administrators are told once after
MAILBOX_ALERT_AFTER_FAILURES failed polls in a row, and once when it works again. Connecting and
holding a mailbox: complaints.services.mailbox_connection.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from imap_tools import BaseMailBox, MailMessage

from complaints.domain import inbound_mail
from complaints.domain.limits import DESCRIPTION_MAX_LENGTH
from complaints.errors import ComplaintError, InvalidInput
from complaints.models import (
    CaseEvent,
    Channel,
    Complaint,
    CustomerEmail,
    EvidenceFile,
    InboundEmail,
    Mailbox,
    Notification,
)
from complaints.services.customer_portal import (
    MAX_FILES,
    MESSAGE_MAX_LENGTH,
    customer_add_information,
)
from complaints.services.evidence import evidence_check_upload, kind_for_content_type
from complaints.services.intake import complaint_create
from complaints.services.intake_desk import EvidenceUpload, evidence_add_each
from complaints.services.mailbox_connection import (
    CONNECTION_ERRORS,
    MailboxProblem,
    error_text,
    mailbox_connected,
    mailbox_hold,
    mailbox_let_go,
)
from complaints.services.mailbox_failures import inbound_failure_record
from complaints.services.mailbox_watermark import unread_and_new, watermark_advance
from complaints.services.notifications import notify, read_message_id
from complaints.services.public_intake import subject_from
from complaints.timeline import record_event
from sla.services.alerts import calendar_alert_recipients

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = 200


@dataclass
class PollResult:
    read: int = 0
    complaints: int = 0
    replies: int = 0
    ignored: int = 0
    failed: int = 0
    error: str = ""
    outcomes: list[str] = field(default_factory=list)


def mailboxes_poll(*, now: datetime | None = None) -> list[PollResult]:
    """Beat's job: poll every active mailbox in turn (none configured: one query, nothing else)."""
    ids = list(Mailbox.objects.filter(is_active=True).values_list("pk", flat=True))
    return [mailbox_poll(mailbox_id=pk, now=now) for pk in ids]


def mailbox_poll(*, mailbox_id: int, now: datetime | None = None) -> PollResult:
    """Read the mailbox's unread and new messages (at most MAILBOX_POLL_BATCH, oldest first) and
    handle each once."""
    now = now or timezone.now()
    result = PollResult()
    mailbox = mailbox_hold(mailbox_id=mailbox_id, now=now)
    if mailbox is None:
        return result
    try:
        own = own_addresses()
        with mailbox_connected(mailbox) as client:
            for message in unread_and_new(client, mailbox):
                outcome = _handle(mailbox, message, own)
                watermark_advance(mailbox, message)
                result.read += 1
                result.outcomes.append(outcome)
                _done_on_server(client, mailbox, message)
    except (MailboxProblem, *CONNECTION_ERRORS) as error:
        result.error = error_text(error)
        logger.warning("mailbox %s: %s", mailbox.address, result.error)
    except BaseException:
        # Not the mailbox's fault (a bug, the database gone): no health recorded, the hold let go.
        mailbox_let_go(mailbox_id=mailbox.pk)
        raise
    for outcome in result.outcomes:
        if outcome == InboundEmail.Outcome.COMPLAINT:
            result.complaints += 1
        elif outcome == InboundEmail.Outcome.REPLY:
            result.replies += 1
        elif outcome == InboundEmail.Outcome.IGNORED:
            result.ignored += 1
        elif outcome == InboundEmail.Outcome.FAILED:
            result.failed += 1
    _record_health(mailbox, error=result.error, now=timezone.now())
    return result


def _done_on_server(client: BaseMailBox, mailbox: Mailbox, message: MailMessage) -> None:
    if not message.uid:
        return
    client.flag(message.uid, "\\Seen", True)
    if mailbox.processed_folder:
        client.move(message.uid, mailbox.processed_folder)


def _raw(message: MailMessage) -> bytes:
    try:
        return message.obj.as_bytes()
    except (UnicodeError, LookupError, ValueError):
        return message.obj.as_string().encode("utf-8", "replace")


def _handle(mailbox: Mailbox, message: MailMessage, own: set[str]) -> str:
    """Handle one message once; returns its outcome ("" when it was handled before)."""
    raw = _raw(message)
    key = inbound_mail.message_key(message.obj, raw)
    if InboundEmail.objects.filter(mailbox=mailbox, message_key=key).exists():
        return ""
    try:
        with transaction.atomic():
            return _record(mailbox, message, key, raw, own)
    except IntegrityError:
        # Recorded by another poll between our look and our insert.
        if not InboundEmail.objects.filter(mailbox=mailbox, message_key=key).exists():
            raise
        return ""
    except (ComplaintError, ValueError, LookupError, UnicodeError) as error:
        # This message cannot be handled (nothing of it was kept): recorded on its row, so it is
        # not read again every minute, and the people who look after intake told once.
        logger.warning("mailbox %s: message %s not handled: %s", mailbox.address, key, error)
        inbound_failure_record(
            mailbox=mailbox,
            message_key=key,
            sender=inbound_mail.sender_address(message.obj),
            subject=message.subject or "",
            error=error,
        )
        return InboundEmail.Outcome.FAILED


def own_addresses() -> set[str]:
    """The addresses mail from which is ours: the product's sender and every mailbox."""
    own = {address.lower() for address in Mailbox.objects.values_list("address", flat=True)}
    for setting in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL):
        address = inbound_mail.sender_address(_from_only(setting))
        if address:
            own.add(address)
    return own


def _from_only(value: str) -> Message:
    message = Message()
    message["From"] = value
    return message


def _record(mailbox: Mailbox, message: MailMessage, key: str, raw: bytes, own: set[str]) -> str:
    row = InboundEmail(
        mailbox=mailbox,
        message_key=key,
        sender=inbound_mail.sender_address(message.obj)[:254],
        subject=(message.subject or "")[:255],
        received_at=timezone.now(),
    )
    reason = inbound_mail.ignore_reason(message.obj, own_addresses=own)
    if reason:
        row.outcome, row.reason = InboundEmail.Outcome.IGNORED, reason
        row.save()
        return row.outcome
    text = _body_text(message)
    case = _case_answered(message, row.sender)
    if case is not None:
        row.outcome, row.complaint = InboundEmail.Outcome.REPLY, case
        row.refused_files = _add_reply(case, message, text, raw)
    else:
        row.outcome = InboundEmail.Outcome.COMPLAINT
        row.complaint, row.refused_files = _add_complaint(mailbox, message, text, raw)
    row.save()
    return row.outcome


def _body_text(message: MailMessage) -> str:
    """The text part, else the HTML part converted to plain text."""
    text = (message.text or "").replace("\r\n", "\n").strip()
    if not text and message.html:
        text = inbound_mail.html_to_text(message.html)
    return text


def _case_answered(message: MailMessage, sender: str) -> Complaint | None:
    """The open case this message answers, if any (see the module's docstring)."""
    for value in inbound_mail.referenced_ids(message.obj):
        found = read_message_id(value)
        if found is None:
            continue
        kind, pk = found
        case: Complaint | None
        if kind == "complaint":
            case = Complaint.objects.filter(pk=pk).first()
        elif kind == "customeremail":
            email = CustomerEmail.objects.select_related("contact__complaint").filter(pk=pk)
            case = next((row.contact.complaint for row in email), None)
        else:
            continue
        if case is not None and case.is_open:
            return case
    reference = inbound_mail.subject_reference(message.subject or "")
    if reference:
        named: Complaint | None = (
            Complaint.objects.select_related("customer")
            .filter(reference=reference, customer__email__iexact=sender)
            .first()
        )
        if named is not None and named.is_open:
            return named
    return None


def _attachments(message: MailMessage) -> list[SimpleUploadedFile]:
    files = []
    for number, attachment in enumerate(message.attachments, start=1):
        name = (attachment.filename or f"attachment-{number}").replace("/", "_")[:200]
        files.append(SimpleUploadedFile(name, attachment.payload, attachment.content_type or ""))
    return files


def _original(raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("original-message.eml", raw, "message/rfc822")


def _kind(upload: SimpleUploadedFile) -> str:
    """The evidence kind of an attachment by what it really is (a refused one: "other", and the
    evidence service says why it is refused)."""
    try:
        return kind_for_content_type(evidence_check_upload(upload))
    except InvalidInput:
        return EvidenceFile.Kind.OTHER


def _add_complaint(
    mailbox: Mailbox, message: MailMessage, text: str, raw: bytes
) -> tuple[Complaint, list[dict]]:
    description, cut = inbound_mail.clip(text, DESCRIPTION_MAX_LENGTH)
    if not description:
        with override(settings.LANGUAGE_CODE):
            description = _("The e-mail had no text; see its attachments.")
    subject = " ".join((message.subject or "").split())[:SUBJECT_LENGTH] or subject_from(
        description
    )
    complaint = complaint_create(
        actor=None,
        channel=Channel.EMAIL,
        subject=subject,
        description=description,
        customer_name=inbound_mail.sender_name(message.obj),
        customer_email=inbound_mail.sender_address(message.obj),
        category=mailbox.category,
        department=mailbox.department,
    )
    files = _attachments(message)
    uploads = [
        EvidenceUpload(kind=_kind(upload), upload=upload)
        for upload in files[: settings.MAILBOX_MAX_ATTACHMENTS]
    ]
    if cut:
        uploads.append(EvidenceUpload(kind=EvidenceFile.Kind.CORRESPONDENCE, upload=_original(raw)))
    outcome = evidence_add_each(complaint=complaint, actor=None, uploads=uploads)
    refused = [{"name": file.name, "reasons": file.reasons} for file in outcome.refused]
    refused += [
        {"name": upload.name or "", "reasons": [_too_many(settings.MAILBOX_MAX_ATTACHMENTS)]}
        for upload in files[settings.MAILBOX_MAX_ATTACHMENTS :]
    ]
    _record_refused(complaint, refused)
    return complaint, refused


def _add_reply(case: Complaint, message: MailMessage, text: str, raw: bytes) -> list[dict]:
    """The reply on the case's timeline (its text without the quoted earlier mail), with the
    attachments that pass the evidence checks; the others are listed."""
    reply, cut = inbound_mail.clip(inbound_mail.reply_text(text), MESSAGE_MAX_LENGTH)
    files = _attachments(message)
    if cut:
        files.append(_original(raw))
    limit = min(settings.MAILBOX_MAX_ATTACHMENTS, MAX_FILES)
    accepted: list[SimpleUploadedFile] = []
    refused: list[dict] = []
    for upload in files[:limit]:
        try:
            evidence_check_upload(upload)
        except InvalidInput as error:
            reasons = [text for texts in error.fields.values() for text in texts]
            refused.append({"name": upload.name or "", "reasons": reasons})
        else:
            accepted.append(upload)
    for upload in files[limit:]:
        refused.append({"name": upload.name or "", "reasons": [_too_many(limit)]})
    if reply or accepted:
        customer_add_information(
            complaint=case, message=reply, uploads=accepted, channel=Channel.EMAIL
        )
    _record_refused(case, refused)
    return refused


def _too_many(limit: int) -> str:
    return _("More than %(count)d attachments: this one was not kept.") % {"count": limit}


def _record_refused(complaint: Complaint, refused: list[dict]) -> None:
    """Staff see which attachments were not kept, and why (the customer is not told here)."""
    if refused:
        record_event(
            complaint=complaint,
            kind=CaseEvent.Kind.MAIL_FILES_REFUSED,
            actor=None,
            at=timezone.now(),
            data={"refused_files": refused},
        )


def _record_health(mailbox: Mailbox, *, error: str, now: datetime) -> None:
    """The poll's outcome on the mailbox row; the administrators told when it starts failing
    (after MAILBOX_ALERT_AFTER_FAILURES polls in a row) and when it works again."""
    with transaction.atomic():
        locked = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        locked.last_polled_at = now
        locked.polling_until = None
        if error:
            locked.last_error = error
            locked.failing_since = locked.failing_since or now
            locked.consecutive_failures += 1
            if (
                locked.failure_told_at is None
                and locked.consecutive_failures >= settings.MAILBOX_ALERT_AFTER_FAILURES
            ):
                locked.failure_told_at = now
                _tell_administrators(locked, template="mailbox_failing", key="failing")
        else:
            if locked.failure_told_at is not None:
                _tell_administrators(locked, template="mailbox_recovered", key="recovered")
            locked.last_success_at = now
            locked.last_error = ""
            locked.failing_since = None
            locked.consecutive_failures = 0
            locked.failure_told_at = None
        locked.save()


def _tell_administrators(mailbox: Mailbox, *, template: str, key: str) -> None:
    since = mailbox.failing_since or timezone.now()
    notify(
        recipients=calendar_alert_recipients(),
        kind=Notification.Kind.MAILBOX,
        complaint=None,
        key=f"mailbox-{key}:{mailbox.pk}:{since:%Y%m%d%H%M%S}",
        template=template,
        context={
            "mailbox": mailbox,
            "error": mailbox.last_error,
            "failures": mailbox.consecutive_failures,
            "since": since,
        },
    )
