"""The UID watermark of a complaints mailbox (issue 17 §1), against the real IMAP server of
tests/imap.py: a message a person opened before the poll is still read, a folder's history is not
imported, and a poll that stops half-way resumes without reading anything twice."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from complaints.models import Complaint, InboundEmail, Mailbox
from complaints.services import mailboxes
from complaints.services.mailboxes import mailbox_poll
from tests.complaints.test_mailboxes import mail
from tests.imap import PASSWORD, ImapAccount

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def watched(mailbox: Mailbox) -> Mailbox:
    """A mailbox read once already (empty then): its watermark is set."""
    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0
    mailbox.refresh_from_db()
    assert mailbox.uid_validity is not None and mailbox.last_uid == 0
    return mailbox


def _numbered(*numbers: int) -> list:
    return [
        mail(message_id=f"<m{number}@example.org>", subject=f"第{number}封") for number in numbers
    ]


def _uids(imap: ImapAccount) -> list[int]:
    return sorted(int(uid) for uid in imap.search("ALL"))


def _subjects() -> list[str]:
    return list(Complaint.objects.order_by("pk").values_list("subject", flat=True))


def test_a_message_a_person_read_before_the_poll_becomes_a_complaint(watched, imap):
    imap.deliver(mail())
    imap.mark_read()  # a person opened it in a mail client first
    assert imap.search("UNSEEN") == []

    result = mailbox_poll(mailbox_id=watched.pk)

    assert (result.read, result.complaints) == (1, 1)
    assert InboundEmail.objects.get().complaint == Complaint.objects.get()
    watched.refresh_from_db()
    assert watched.last_uid == _uids(imap)[-1]
    # Nothing new: the folder's newest message (matched by "UID n:*") is not read again.
    assert mailbox_poll(mailbox_id=watched.pk).read == 0


def test_the_first_poll_reads_the_unread_history_only_and_sets_the_watermark(mailbox, imap):
    for message in _numbered(1, 2):
        imap.deliver(message)
    imap.mark_read()  # old mail people dealt with before the product read this folder
    imap.deliver(_numbered(3)[0])

    first = mailbox_poll(mailbox_id=mailbox.pk)

    assert (first.read, first.complaints) == (1, 1) and _subjects() == ["第3封"]
    mailbox.refresh_from_db()
    assert mailbox.uid_validity == imap.uid_validity()
    assert mailbox.last_uid == _uids(imap)[-1]
    assert mailbox_poll(mailbox_id=mailbox.pk).read == 0

    # From now on a message is read even if a person opened it first.
    imap.deliver(_numbered(4)[0])
    imap.mark_read()
    assert mailbox_poll(mailbox_id=mailbox.pk).complaints == 1
    assert _subjects() == ["第3封", "第4封"]


def test_a_recreated_folder_is_not_imported_and_the_watermark_set_again(watched, imap):
    imap.deliver(_numbered(1)[0])
    imap.mark_read()
    # The folder's UIDs now mean other messages (as after the folder was deleted and created).
    Mailbox.objects.filter(pk=watched.pk).update(uid_validity=imap.uid_validity() + 1, last_uid=0)

    result = mailbox_poll(mailbox_id=watched.pk)

    assert result.read == 0 and not Complaint.objects.exists()
    watched.refresh_from_db()
    assert watched.uid_validity == imap.uid_validity()
    assert watched.last_uid == _uids(imap)[-1]


def test_a_small_batch_reads_every_new_message_once_oldest_first(watched, imap, settings):
    settings.MAILBOX_POLL_BATCH = 2
    for message in _numbered(1, 2, 3):
        imap.deliver(message)
    imap.mark_read()
    uids = _uids(imap)

    first = mailbox_poll(mailbox_id=watched.pk)
    watched.refresh_from_db()
    assert (first.read, first.complaints, watched.last_uid) == (2, 2, uids[1])
    assert _subjects() == ["第1封", "第2封"]

    second = mailbox_poll(mailbox_id=watched.pk)
    watched.refresh_from_db()
    assert (second.read, second.complaints, watched.last_uid) == (1, 1, uids[2])
    assert mailbox_poll(mailbox_id=watched.pk).read == 0
    assert _subjects() == ["第1封", "第2封", "第3封"]
    assert InboundEmail.objects.count() == 3


def test_a_poll_that_stops_half_way_resumes_without_duplicates(watched, imap, monkeypatch):
    for message in _numbered(1, 2, 3):
        imap.deliver(message)
    imap.mark_read()
    uids = _uids(imap)
    record = mailboxes._record

    def database_gone_at_the_second(mailbox, message, *args):
        if message.subject == "第2封":
            raise OperationalError("the database went away")
        return record(mailbox, message, *args)

    monkeypatch.setattr(mailboxes, "_record", database_gone_at_the_second)
    with pytest.raises(OperationalError):
        mailbox_poll(mailbox_id=watched.pk)

    watched.refresh_from_db()
    assert (watched.last_uid, watched.polling_until) == (uids[0], None)
    assert _subjects() == ["第1封"]

    monkeypatch.setattr(mailboxes, "_record", record)
    result = mailbox_poll(mailbox_id=watched.pk)

    assert (result.read, result.complaints) == (2, 2)
    assert _subjects() == ["第1封", "第2封", "第3封"]
    assert InboundEmail.objects.count() == 3
    watched.refresh_from_db()
    assert watched.last_uid == uids[2]
