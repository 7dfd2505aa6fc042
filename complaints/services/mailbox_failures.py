"""Received e-mails that could not be handled (issue 17 §1): recorded once, and the people who look
after intake told once per message, so a customer's complaint never waits unseen in the log.

The row and the notifications are written in one transaction, only by the poll that created the
row: a message read again (a second poll, a copy, a poll that died before marking it read) finds
its row and tells nobody a second time. The notification's key names the row, so a message that
fails again after "Read again on the next poll" (its row deleted, a new one written) is told anew.

Read again (inbound_email_read_again, the admin's action once the cause is fixed): the message is
marked unread on the server and only then its row deleted, with the mailbox held meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from imap_tools import AND, BaseMailBox, H

from complaints.errors import ComplaintError, InvalidInput
from complaints.models import InboundEmail, Mailbox, Notification
from complaints.services.mailbox_connection import (
    CONNECTION_ERRORS,
    MailboxProblem,
    error_text,
    mailbox_connected,
    mailbox_hold,
    mailbox_let_go,
)
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


def inbound_email_read_again(*, row_id: int, now: datetime | None = None) -> str:
    """Have a message that could not be handled read again at the next poll (its cause fixed):
    marked unread on the server, found by its Message-ID in the processed folder (then moved back)
    or the mailbox's folder, and only then its FAILED row deleted. "" when done, else why not
    (the row is kept). The mailbox is held meanwhile, so a poll cannot see the message unread
    while its row still exists (it would only mark it read again)."""
    row = InboundEmail.objects.select_related("mailbox").filter(pk=row_id).first()
    if row is None or row.outcome != InboundEmail.Outcome.FAILED:
        return _("Only a message that could not be handled can be read again.")
    if row.message_key.startswith("sha256:"):
        return _(
            "The message has no Message-ID, so it cannot be found on the server: mark it unread "
            "there in a mail client, then delete this row."
        )
    mailbox = mailbox_hold(mailbox_id=row.mailbox_id, now=now or timezone.now(), active_only=False)
    if mailbox is None:
        return _("The mailbox is being read right now; try again in a minute.")
    try:
        with mailbox_connected(mailbox) as client:
            found = _mark_unread(client, mailbox, row.message_key)
    except (MailboxProblem, *CONNECTION_ERRORS) as error:
        return error_text(error)
    finally:
        mailbox_let_go(mailbox_id=mailbox.pk)
    if not found:
        folders = [mailbox.processed_folder, mailbox.folder or "INBOX"]
        return _(
            "Not found on the server: no message with the Message-ID %(message_id)s in %(folders)s. "
            "It was deleted or moved there; the row is kept."
        ) % {"message_id": row.message_key, "folders": ", ".join(f for f in folders if f)}
    row.delete()
    return ""


def _mark_unread(client: BaseMailBox, mailbox: Mailbox, message_key: str) -> bool:
    """Mark the message (every copy with this Message-ID) unread in the folder the poll reads."""
    folder = mailbox.folder or "INBOX"
    for searched in [mailbox.processed_folder, folder]:
        if not searched:
            continue
        client.folder.set(searched)
        uids = client.uids(AND(header=H("Message-ID", message_key)))
        if uids:
            client.flag(uids, "\\Seen", False)
            if searched != folder:
                client.move(uids, folder)
            return True
    return False


def inbound_failure_key(row: InboundEmail) -> str:
    return inbound_failure_key_of(row.pk)


def inbound_failure_key_of(row_id: int) -> str:
    """The key of the notifications about a message that could not be handled."""
    return f"mail-failed:{row_id}"


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
