"""Received e-mails that could not be handled (issue 17 §1): recorded once, and the people who look
after intake told once per message, so a customer's complaint never waits unseen in the log.

The row and the notifications are written in one transaction, only by the poll that created the
row: a message read again (a second poll, a copy, a poll that died before marking it read) finds
its row and tells nobody a second time. The notification's key names the row, so a message that
fails again after "Read again on the next poll" (its row deleted, a new one written) is told anew.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from complaints.errors import ComplaintError, InvalidInput
from complaints.models import InboundEmail, Mailbox, Notification
from complaints.services.notifications import notify, site_url
from sla.services.alerts import calendar_alert_recipients

ERROR_LENGTH = InboundEmail._meta.get_field("error").max_length or 300


def failure_code(error: BaseException) -> str:
    """The stable code of why a message could not be handled (InboundEmail.Failure)."""
    if isinstance(error, InvalidInput):
        return InboundEmail.Failure.INVALID
    if isinstance(error, ComplaintError):
        return InboundEmail.Failure.REFUSED
    if isinstance(error, UnicodeError | LookupError):
        # LookupError: what the codecs raise for a character set they do not know.
        return InboundEmail.Failure.ENCODING
    return InboundEmail.Failure.UNUSABLE


def failure_text(error: BaseException) -> str:
    """The error for a person: an intake refusal names its fields and what is wrong with them."""
    text = str(error) or error.__class__.__name__
    if isinstance(error, InvalidInput) and error.fields:
        details = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.fields.items()
        )
        text = f"{text} ({details})"
    return text[:ERROR_LENGTH]


def inbound_failure_record(
    *, mailbox: Mailbox, message_key: str, sender: str, subject: str, error: BaseException
) -> InboundEmail | None:
    """The FAILED row of a message, and the people told; None when the message had a row already
    (handled or told before: nothing more is done)."""
    with transaction.atomic():
        row, created = InboundEmail.objects.get_or_create(
            mailbox=mailbox,
            message_key=message_key,
            defaults={
                "sender": sender[:254],
                "subject": subject[:255],
                "outcome": InboundEmail.Outcome.FAILED,
                "error_code": failure_code(error),
                "error": failure_text(error),
                "received_at": timezone.now(),
            },
        )
        if not created:
            return None
        _tell(row)
    return row


def inbound_failure_key(row: InboundEmail) -> str:
    return f"mail-failed:{row.pk}"


def inbound_email_admin_url(row: InboundEmail) -> str:
    return site_url(reverse("admin:complaints_inboundemail_change", args=[row.pk]))


def _tell(row: InboundEmail) -> None:
    # The same people as a mailbox that cannot be read: the superusers (they run the mailboxes
    # in the admin) and the complaint managers (they look after intake).
    notify(
        recipients=calendar_alert_recipients(),
        kind=Notification.Kind.MAIL_FAILED,
        complaint=None,
        key=inbound_failure_key(row),
        template="mail_failed",
        context={
            "mailbox": row.mailbox,
            "row": row,
            "sender": row.sender,
            "subject": row.subject,
            "error": row.error,
            "admin_url": inbound_email_admin_url(row),
        },
    )
