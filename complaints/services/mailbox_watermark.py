"""Which messages of a complaints mailbox a poll reads (issue 17 §1): the unread ones, and every
one that arrived after the product started reading the folder, even if a person opened it in a
mail client first (a shared mailbox is read by people too).

The mailbox keeps a UID watermark (`last_uid`, valid for the folder's `uid_validity`): every
message above it is read, oldest first, and it advances past each message once handled (saved at
once), so a poll that stops half-way resumes where it stopped; the InboundEmail rows keep each
message handled once whatever is read twice. When the watermark is not set (a new mailbox, or
every mailbox after this was deployed) or the folder's UIDVALIDITY changed (the folder was
recreated: its UIDs now name other messages), it is set at the folder's newest message (STATUS
UIDNEXT - 1): of the older messages only the unread ones are read, as before the watermark, so a
history already read by people is not imported.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from imap_tools import AND, BaseMailBox, MailMessage

from complaints.models import Mailbox

# Where the UIDs come from: when one of these changes, the watermark names other messages.
WATERMARK_SOURCE = frozenset({"host", "port", "username", "folder"})


def _watermark(client: BaseMailBox, mailbox: Mailbox) -> int | None:
    """The UID above which every message is read, set at the folder's newest message when it is
    not set or no longer valid; None when the server does not say (only unread ones are read)."""
    status = client.folder.status(mailbox.folder or "INBOX", ["UIDVALIDITY", "UIDNEXT"])
    validity, next_uid = status.get("UIDVALIDITY"), status.get("UIDNEXT")
    if validity is None or next_uid is None:
        # A server that does not say (RFC 3501 requires both): read the unread ones, as before.
        mailbox.uid_validity = None
        return None
    if mailbox.uid_validity != validity:
        # Set at the newest message: the older ones are read only if unread (as before the
        # watermark), those that arrive from now on in any case, even during this poll.
        mailbox.uid_validity, mailbox.last_uid = validity, next_uid - 1
        Mailbox.objects.filter(pk=mailbox.pk).update(uid_validity=validity, last_uid=next_uid - 1)
    return mailbox.last_uid


def unread_and_new(client: BaseMailBox, mailbox: Mailbox) -> Iterator[MailMessage]:
    """The unread messages and those above the watermark, oldest (lowest UID) first."""
    last_uid = _watermark(client, mailbox)
    criteria = "UNSEEN" if last_uid is None else f"OR UNSEEN UID {last_uid + 1}:*"
    uids = sorted(int(uid) for uid in client.uids(criteria))
    # "UID n:*" always matches the folder's newest message, even below n (RFC 3501 §6.4.8): it
    # belongs here only if it is unread.
    if (
        last_uid is not None
        and uids
        and uids[-1] <= last_uid
        and not client.uids(AND(uid=str(uids[-1]), seen=False))
    ):
        uids.pop()
    uids = uids[: settings.MAILBOX_POLL_BATCH]
    if not uids:
        return iter(())  # fetch() without UIDs would search ALL
    return client.fetch(uid_list=[str(uid) for uid in uids], mark_seen=False, bulk=False)


def watermark_advance(mailbox: Mailbox, message: MailMessage) -> None:
    """Past this message (handled, or found handled before); never backwards, saved at once so
    that a poll that stops at the next message resumes there."""
    uid = int(message.uid or 0)
    if mailbox.uid_validity is None or uid <= mailbox.last_uid:
        return
    Mailbox.objects.filter(
        pk=mailbox.pk, uid_validity=mailbox.uid_validity, last_uid__lt=uid
    ).update(last_uid=uid)
    mailbox.last_uid = uid


def mailbox_watermark_forget(*, mailbox_id: int) -> None:
    """The server, user or folder changed: the next poll sets the watermark again (reading the
    unread messages only, as a new mailbox's first poll). A poll still running cannot advance
    the old one (it advances only while the UIDVALIDITY it read is stored)."""
    Mailbox.objects.filter(pk=mailbox_id).update(uid_validity=None, last_uid=0)
