"""Reaching a complaints mailbox (issue 17 §1): its password from the environment, the IMAP
connection, and the hold that lets one poll (or one "read again") use it at a time."""

from __future__ import annotations

import imaplib
import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from imap_tools import BaseMailBox, MailBox, MailBoxStartTls, MailBoxUnencrypted
from imap_tools.errors import ImapToolsError

from complaints.models import Mailbox

# Errors that mean "the mailbox could not be read", not "this message is bad".
CONNECTION_ERRORS = (ImapToolsError, imaplib.IMAP4.error, OSError)


class MailboxProblem(Exception):
    """The mailbox cannot be used as configured (its password variable is not set)."""


def mailbox_password(mailbox: Mailbox) -> str:
    """The password: the environment variable the mailbox names, else MAILBOX_PASSWORDS' entry."""
    name = mailbox.password_name.strip()
    value = os.environ.get(name) if name else None
    if value is None:
        value = settings.MAILBOX_PASSWORDS.get(name)
    if not value:
        raise MailboxProblem(
            _("No environment variable or MAILBOX_PASSWORDS entry named %(name)s is set.")
            % {"name": name or "—"}
        )
    return value


@contextmanager
def mailbox_connected(mailbox: Mailbox) -> Iterator[BaseMailBox]:
    """Logged in, the mailbox's folder selected; logged out afterwards."""
    password = mailbox_password(mailbox)
    timeout = settings.MAILBOX_TIMEOUT_SECONDS
    client: BaseMailBox
    if mailbox.security == Mailbox.Security.SSL:
        client = MailBox(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    elif mailbox.security == Mailbox.Security.STARTTLS:
        client = MailBoxStartTls(
            mailbox.host, mailbox.port, timeout=timeout, ssl_context=ssl.create_default_context()
        )
    else:
        client = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=timeout)
    client.login(mailbox.username, password, initial_folder=mailbox.folder or "INBOX")
    try:
        yield client
    finally:
        with suppress(*CONNECTION_ERRORS):
            client.logout()


def mailbox_test_connection(*, mailbox: Mailbox) -> str:
    """Log in and open the folder (and the processed folder); "" if it works, else the error."""
    try:
        with mailbox_connected(mailbox) as client:
            if mailbox.processed_folder and not client.folder.exists(mailbox.processed_folder):
                return _("The folder %(folder)s does not exist.") % {
                    "folder": mailbox.processed_folder
                }
    except (MailboxProblem, *CONNECTION_ERRORS) as error:
        return error_text(error)
    return ""


def error_text(error: BaseException) -> str:
    """An error as stored on a row (the mailbox's last error, a message's)."""
    return (str(error) or error.__class__.__name__)[:300]


def mailbox_hold(*, mailbox_id: int, now: datetime, active_only: bool = True) -> Mailbox | None:
    """Hold the mailbox for one poll or one "read again" (compare-and-set on `polling_until`):
    a second one at the same moment, in this or another process, finds it held (None)."""
    held = Mailbox.objects.filter(pk=mailbox_id).filter(
        Q(polling_until__isnull=True) | Q(polling_until__lt=now)
    )
    if active_only:
        held = held.filter(is_active=True)
    until = now + timedelta(seconds=settings.MAILBOX_LEASE_SECONDS)
    if not held.update(polling_until=until):
        return None
    return Mailbox.objects.select_related("department", "category").get(pk=mailbox_id)


def mailbox_let_go(*, mailbox_id: int) -> None:
    Mailbox.objects.filter(pk=mailbox_id).update(polling_until=None)
