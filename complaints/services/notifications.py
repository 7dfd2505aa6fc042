"""In-app notifications and their e-mails: stored once per person and cause, mailed after commit.

`notify` is called inside the transaction of whatever caused the message (an escalation, an
assignment); the row and that change commit together, and the e-mail task is only queued once they
have. `notify_many` does the same for many causes at once (the escalation sweep's chunks). E-mail delivery is at-least-once: each message is sent while its row is locked and marked sent
in the same short transaction, so in normal running it goes out exactly once, and only a worker that
dies between the SMTP hand-off and the commit makes the retry send it a second time, under the
same Message-ID (outbox_message_id), which mail clients show as one message. (The other
order, marking first, would lose the e-mail whenever the mail server refuses it.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Model, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.models import User
from complaints.errors import NotFound
from complaints.models import Complaint, Notification
from complaints.models.notifications import UNREAD
from config.dispatch import dispatch_after_commit
from sla.calendar import CalendarError
from sla.models import BusinessCalendar, Clock, EscalationSettings
from sla.selectors import calendar_for_department

logger = logging.getLogger(__name__)

# complaints.tasks.send_notification_emails_task, queued by name (config.dispatch).
SEND_EMAILS_TASK = "complaints.tasks.send_notification_emails_task"

SUBJECT_MAX_LENGTH = Notification._meta.get_field("subject").max_length


def site_url(path: str) -> str:
    """A staff page's absolute address for e-mails (COMPLAINTS_SITE_URL: where staff reach the app)."""
    return settings.COMPLAINTS_SITE_URL.rstrip("/") + path


def case_url(complaint: Complaint) -> str:
    """The case page's absolute address for e-mails."""
    return site_url(reverse("case_detail", kwargs={"reference": complaint.reference}))


def render_message(
    *, template: str, context: dict[str, Any], language: str
) -> tuple[str, str, str]:
    """Subject, text and HTML of templates/emails/<template>.* in `language`."""
    with translation.override(language):
        raw_subject = render_to_string(f"emails/{template}.subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    # A subject is one line: templates may wrap it for readability.
    subject = " ".join(raw_subject.split())[:SUBJECT_MAX_LENGTH]
    return subject, text.strip() + "\n", html


def notify(
    *,
    recipients: Iterable[User | None],
    kind: str,
    complaint: Complaint | None,
    key: str,
    template: str,
    context: dict[str, Any],
    urgent: bool = False,
) -> list[Notification]:
    """One notification per active recipient for cause `key`; returns only those created now.

    `urgent`: e-mailed at once even outside the service hours (see `quiet_hours_until`).

    A (recipient, key) pair that exists already is skipped, also when a concurrent transaction
    inserts it first (unique constraint, caught in a savepoint), so repeating a cause adds nothing.
    """
    people: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active:
            people.setdefault(user.pk, user)
    if not people:
        return []
    already = set(
        Notification.objects.filter(key=key, recipient_id__in=list(people)).values_list(
            "recipient_id", flat=True
        )
    )
    now = timezone.now()
    send_email = EscalationSettings.current().send_email
    held = _Quiet(kind=kind, urgent=urgent, now=now, shared={})
    created: list[Notification] = []
    for user in people.values():
        if user.pk in already:
            continue
        subject, body, body_html = render_message(
            template=template,
            context={
                **context,
                "complaint": complaint,
                "recipient": user,
                "case_url": case_url(complaint) if complaint is not None else "",
            },
            language=user.language or settings.LANGUAGE_CODE,
        )
        try:
            with transaction.atomic():
                email_due = send_email and bool(user.email) and user.wants_email
                created.append(
                    Notification.objects.create(
                        email_due=email_due,
                        read_at=_read_on_arrival(user, email_due=email_due, now=now),
                        **held.fields(email_due=email_due, recipient=user),
                        recipient=user,
                        kind=kind,
                        complaint=complaint,
                        subject=subject,
                        body=body,
                        body_html=body_html,
                        key=key,
                        created_at=now,
                    )
                )
        except IntegrityError:
            continue  # another worker stored this one first
    ids = [n.pk for n in created if n.email_due and n.held_until is None]
    if ids:
        dispatch_after_commit(SEND_EMAILS_TASK, ids)
    return created


@dataclass(frozen=True)
class Message:
    """One cause to tell people about, as `notify` takes it."""

    recipients: Sequence[User | None]
    kind: str
    complaint: Complaint | None
    key: str
    template: str
    context: dict[str, Any]
    # E-mailed at once even outside the service hours (injury, regulator, media, ...).
    urgent: bool = False


# Stands for the recipient's name while a message is rendered once for all its readers of one
# language; each reader's own name replaces it afterwards (letters only: no escaping changes it).
NAME_MARK = "ZZrecipientnameZZ"


class _AnyReader:
    """The recipient while rendering once per language: templates may greet them by name and use
    nothing else of theirs; anything else fails loudly instead of rendering blank."""

    username = NAME_MARK

    def get_full_name(self) -> str:
        return NAME_MARK

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        # Not AttributeError or TypeError: templates would swallow those and render blank.
        raise RuntimeError(f"notification templates may use only the recipient's name: {name!r}")


def notify_many(*, messages: Sequence[Message]) -> list[Notification]:
    """`notify` for many causes at once; returns the notifications created now.

    Each message is rendered once per language among its recipients (not once per person), all
    rows go in one bulk insert, and one e-mail task is queued after commit. For callers that hold
    the row locks of the messages' cases (the escalation sweep): pairs (recipient, key) that exist
    are read first and skipped, so under those locks nothing is written twice; a writer that
    skipped the locks would meet the unique constraint and roll back, never double.
    """
    wanted: list[tuple[Message, dict[int, User]]] = []
    for message in messages:
        people = {u.pk: u for u in message.recipients if u is not None and u.is_active}
        if people:
            wanted.append((message, people))
    if not wanted:
        return []
    existing = set(
        Notification.objects.filter(
            key__in={message.key for message, _people in wanted},
            recipient_id__in={pk for _message, people in wanted for pk in people},
        ).values_list("recipient_id", "key")
    )
    now = timezone.now()
    send_email = EscalationSettings.current().send_email
    rows: list[Notification] = []
    labels: dict[tuple, str] = {}
    looked_up: dict[int | None, datetime | None] = {}  # the holds, read once a batch
    for message, people in wanted:
        held = _Quiet(kind=message.kind, urgent=message.urgent, now=now, shared=looked_up)
        readers = [u for u in people.values() if (u.pk, message.key) not in existing]
        by_language: dict[str, list[User]] = {}
        for user in readers:
            by_language.setdefault(user.language or settings.LANGUAGE_CODE, []).append(user)
        for language, users in by_language.items():
            subject, body, body_html = _render_for_readers(
                message, language=language, labels=labels
            )
            for user in users:
                name = user.get_full_name() or user.username
                email_due = send_email and bool(user.email) and user.wants_email
                rows.append(
                    Notification(
                        email_due=email_due,
                        read_at=_read_on_arrival(user, email_due=email_due, now=now),
                        **held.fields(email_due=email_due, recipient=user),
                        recipient=user,
                        kind=message.kind,
                        complaint=message.complaint,
                        subject=" ".join(subject.replace(NAME_MARK, name).split())[
                            :SUBJECT_MAX_LENGTH
                        ],
                        body=body.replace(NAME_MARK, name),
                        body_html=body_html.replace(NAME_MARK, escape(name)),
                        key=message.key,
                        created_at=now,
                    )
                )
    created = Notification.objects.bulk_create(rows)
    ids = [n.pk for n in created if n.email_due and n.held_until is None]
    if ids:
        dispatch_after_commit(SEND_EMAILS_TASK, ids)
    return created


# The kinds whose e-mails wait for the service hours unless urgent (issue 19 §2): the others
# (an assignment, an approval request, ...) follow someone's action during the day anyway.
QUIET_KINDS = frozenset({Notification.Kind.REMINDER, Notification.Kind.ESCALATION})


def quiet_hours_until(*, now: datetime, department_id: int | None = None) -> datetime | None:
    """Until when a non-urgent staff e-mail falling due `now` waits for a person of
    `department_id`: the start of the next service period of the calendar they work by (their
    department's, the nearest up the tree that keeps one, else the default) when `now` lies
    outside its periods; None when it is inside one, or the calendar has no service hours (a
    company that did not set them up: nothing waits). No query while the cached policy book and
    calendar copies are current."""
    try:
        calendar = calendar_for_department(department_id=department_id)
    except BusinessCalendar.DoesNotExist:
        return None
    try:
        return calendar.next_service_start(now)
    except CalendarError:  # no service time within a year: waiting would mean never
        return None


def _read_on_arrival(user: User, *, email_due: bool, now: datetime) -> datetime | None:
    """Someone who takes notifications by e-mail only finds them in the inbox as read (no badge),
    but only when an e-mail is on its way: without one (no address, e-mail switched off) the
    inbox is where they learn of it, unread."""
    return now if email_due and not user.wants_inbox_badge else None


class _Quiet:
    """The hold of one kind of message created `now`, looked up once per department and only when
    some e-mail of a holdable kind is due (so the other notifications cost nothing)."""

    def __init__(
        self,
        *,
        kind: str,
        urgent: bool,
        now: datetime,
        shared: dict[int | None, datetime | None],
    ) -> None:
        self.applies = kind in QUIET_KINDS and not urgent
        self.now = now
        self.shared = shared

    def fields(self, *, email_due: bool, recipient: User) -> dict[str, Any]:
        if not (email_due and self.applies):
            return {}
        department_id = recipient.department_id
        if department_id not in self.shared:
            self.shared[department_id] = quiet_hours_until(
                now=self.now, department_id=department_id
            )
        until = self.shared[department_id]
        if until is None:
            return {}
        return {"held_until": until, "held_reason": Notification.Held.QUIET_HOURS}


def _render_for_readers(
    message: Message, *, language: str, labels: dict[tuple, str]
) -> tuple[str, str, str]:
    """Subject, text and HTML of the message in `language`, with NAME_MARK for the reader's name."""
    context = {
        name: _Labelled(value, labels) if isinstance(value, Model) else value
        for name, value in message.context.items()
    }
    context.update(
        complaint=_Labelled(message.complaint, labels) if message.complaint else None,
        recipient=_AnyReader(),
        case_url=case_url(message.complaint) if message.complaint is not None else "",
    )
    with translation.override(language):
        subject, text, html = (
            get_template(f"emails/{message.template}{suffix}").render(context)
            for suffix in (".subject.txt", ".txt", ".html")
        )
    return subject, text.strip() + "\n", html


class _Labelled:
    """A model instance as the templates see it, its get_<field>_display() answers kept in
    `labels` by field, value and language for the whole batch: Django translates every label of
    the field's choices afresh on each call, which was about half the time of a rendering."""

    def __init__(self, instance: Model, labels: dict[tuple, str]) -> None:
        self._instance, self._labels = instance, labels

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._instance, name)
        if not (name.startswith("get_") and name.endswith("_display")):
            return found
        value = getattr(self._instance, name.removeprefix("get_").removesuffix("_display"))
        key = (type(self._instance), name, value, translation.get_language())
        return lambda: (
            self._labels[key] if key in self._labels else self._labels.setdefault(key, found())
        )

    def __str__(self) -> str:
        return str(self._instance)


def notify_assignee(*, complaint: Complaint, actor: User, cause: str) -> None:
    """Tell the case's new assignee, unless they gave it to themselves."""
    if complaint.assignee is None or complaint.assignee_id == actor.pk:
        return
    notify(
        recipients=[complaint.assignee],
        kind=Notification.Kind.ASSIGNMENT,
        complaint=complaint,
        key=cause,
        template="assignment",
        context={"actor": actor},
    )


def notification_emails_send(*, notification_ids: Iterable[int]) -> tuple[int, list[Exception]]:
    """E-mail the given notifications not e-mailed yet; returns how many went and what failed.

    One failure does not stop the others; the caller retries the failed ones (the sent ones are
    marked, so a retry skips them).
    """
    # A held e-mail goes only once its time has come, whoever asks.
    return outbox_send_each(
        Notification.objects.filter(
            Q(held_until__isnull=True) | Q(held_until__lte=timezone.now())
        ).select_related("recipient"),
        notification_ids,
        recipient=lambda notification: notification.recipient.email,
        what="notification",
    )


Attachment = tuple[str, bytes, str]  # file name, content, MIME type


def outbox_send_once(
    rows: QuerySet,
    pk: int,
    *,
    recipient: Callable[[Any], str],
    attachments: Callable[[Any], list[Attachment]] | None = None,
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> int:
    """Send one stored e-mail (subject, body, body_html, emailed_at) of `rows` at most once.

    The staff notifications, the customer e-mails and the report snapshots' e-mails keep their
    messages this way; returns 1 when it went, 0 when it had gone already, another worker holds
    it, or it has no address. `attachments`: the files to attach to a row's message; `headers`:
    more headers for it (threading).
    """
    with transaction.atomic():
        # skip_locked: if another worker is sending this one right now, it is theirs.
        row = (
            rows.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=pk, emailed_at__isnull=True)
            .first()
        )
        if row is None or not (to := recipient(row)):
            return 0
        message = EmailMultiAlternatives(
            subject=row.subject,
            body=row.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"Message-ID": outbox_message_id(row), **(headers(row) if headers else {})},
        )
        if row.body_html:
            message.attach_alternative(row.body_html, "text/html")
        for name, content, mimetype in attachments(row) if attachments else []:
            message.attach(name, content, mimetype)
        message.send()
        rows.model.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    return 1


def outbox_message_id(row: Any) -> str:
    """The e-mail's Message-ID, the same on every attempt: if a worker dies after the mail server
    took a message and before it was marked sent, the retry sends it again under the same ID, and
    mail servers and clients show the two as one message."""
    return _message_id(row._meta.model_name, row.pk)


def case_thread_id(complaint_id: int) -> str:
    """The Message-ID every e-mail to a case's customer refers to (References, In-Reply-To):
    mail clients show them as one conversation, and a customer's reply to any of them names the
    case (read_message_id)."""
    return _message_id("complaint", complaint_id)


def _message_id(kind: str, pk: int) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("<> ") or "localhost"
    name = f"{kind}.{pk}"
    return f"<{name}.{_message_signature(name)}@{domain}>"


def _message_signature(name: str) -> str:
    # Keyed by the installation's secret: another installation's row of the same number differs,
    # and nobody can make up an ID that reads as one of ours.
    return salted_hmac("outbox-message-id", name).hexdigest()[:16]


def read_message_id(value: str) -> tuple[str, int] | None:
    """(kind, id) of a Message-ID this installation wrote ("complaint" for a case's thread, else
    the model of the stored e-mail, e.g. "customeremail"), or None for anyone else's."""
    local = value.strip().strip("<>").partition("@")[0]
    kind, _dot, rest = local.partition(".")
    pk, _dot, signature = rest.partition(".")
    if not (kind and pk.isdigit() and signature):
        return None
    if not constant_time_compare(signature, _message_signature(f"{kind}.{pk}")):
        return None
    return kind, int(pk)


def outbox_send_each(
    rows: QuerySet,
    ids: Iterable[int],
    *,
    recipient: Callable[[Any], str],
    what: str,
    attachments: Callable[[Any], list[Attachment]] | None = None,
    headers: Callable[[Any], dict[str, str]] | None = None,
) -> tuple[int, list[Exception]]:
    """outbox_send_once for each id; a failure is logged and collected, the others still go."""
    sent = 0
    failures: list[Exception] = []
    for pk in ids:
        try:
            sent += outbox_send_once(
                rows, pk, recipient=recipient, attachments=attachments, headers=headers
            )
        except Exception as error:  # reported to the task, which retries
            logger.warning("E-mail for %s %s failed: %s", what, pk, error)
            failures.append(error)
    return sent, failures


# Unsent e-mails younger than this are left to the task queued at their commit.
RESEND_AFTER = timedelta(minutes=2)
# Older ones are stale news by e-mail (a notice or an acknowledgment a day late confuses more
# than it helps); the inbox and the case's contact rows still have them.
RESEND_WITHIN = timedelta(days=1)


def outbox_resend_ids(rows: QuerySet, *, now: datetime) -> list[int]:
    """The oldest 500 of `rows` that were due but never went (the broker was down at the commit)."""
    return list(
        rows.filter(
            emailed_at__isnull=True,
            created_at__lte=now - RESEND_AFTER,
            created_at__gte=now - RESEND_WITHIN,
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def notification_emails_held_due(*, now: datetime) -> list[int]:
    """The held e-mails (quiet hours) whose time has come, oldest first: those held for up to a
    day (RESEND_WITHIN) past their time (a long holiday holds them longer, which is fine; a job
    down for over a day leaves them to the inbox), and not about something settled meanwhile (a
    reminder of a deadline met before the desk opened is no news)."""
    return list(
        Notification.objects.filter(
            email_due=True,
            emailed_at__isnull=True,
            held_until__lte=now,
            held_until__gte=now - RESEND_WITHIN,
            settled_at__isnull=True,
        )
        .order_by("held_until")
        .values_list("pk", flat=True)[:500]
    )


def notification_emails_resend(*, now: datetime | None = None) -> int:
    """Send the e-mails that were due but never went, e.g. the broker was down at the commit.

    Runs every few minutes from beat, and sends the e-mails held for the service hours once those
    begin. outbox_send_once locks each row and re-checks it, so a resend racing the original task
    still sends each e-mail once.
    """
    now = now or timezone.now()
    ids = outbox_resend_ids(
        Notification.objects.filter(email_due=True, held_until__isnull=True), now=now
    )
    ids += notification_emails_held_due(now=now)
    sent, failures = notification_emails_send(notification_ids=ids)
    if failures:
        logger.warning("%d of %d unsent e-mails failed again", len(failures), len(ids))
    return sent


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """The recipient has seen it; someone else's notification reads as missing. Idempotent."""
    if notification.recipient_id != user.pk:
        raise NotFound(_("No such notification."))
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many changed (as the top bar
    counted them: settled ones were not unread)."""
    return Notification.objects.filter(UNREAD, recipient=user).update(read_at=timezone.now())


# --- settling: the subject of a message was dealt with -------------------------------------------
#
# Which kinds can be settled, and by what (each by the service that settles the subject):
# - approval_request: its decision was approved or refused (decision_approve / decision_refuse),
#   or replaced by a new proposal (decision_propose); or the case ended.
# - reminder: its clock was met or stopped (complaint_transition, contact_record, ...: wherever
#   clocks are met, `notifications_settle_case` follows).
# - escalation, assignment: the case ended (closed, not accepted, withdrawn). An escalation is
#   about the case being late or grave, which only its end settles; a later reopening brings new
#   clocks and new messages.
# - calendar: its year was confirmed, by an administrator or by the package's notice
#   (sla.services.calendars).
# Settling is for every recipient at once, never undone, and leaves `read_at` alone.

_ENDED = {
    "closed": Notification.Settled.CASE_CLOSED,
    "rejected": Notification.Settled.CASE_REJECTED,
    "withdrawn": Notification.Settled.CASE_WITHDRAWN,
}


def approval_request_key(decision_id: int) -> str:
    """The cause key of the approval requests of one decision (one per approver)."""
    return f"approval:{decision_id}"


def reminder_key(clock_id: int) -> str:
    return f"reminder:{clock_id}"


def calendar_year_key(calendar_id: int, year: int) -> str:
    """The cause key of the alert that a calendar's year is not confirmed."""
    return f"calendar:{calendar_id}:{year}"


def notifications_settle(
    *, keys: Iterable[str], reason: str, by: User | None, at: datetime | None = None
) -> int:
    """Mark done, for every recipient, the notifications of these causes not settled before."""
    keys = list(keys)
    if not keys:
        return 0
    return Notification.objects.filter(key__in=keys, settled_at__isnull=True).update(
        settled_at=at or timezone.now(), settled_by=by, settled_reason=reason
    )


def notifications_settle_case(
    *, complaint: Complaint, by: User | None, at: datetime | None = None
) -> int:
    """After the case's clocks were brought in line: reminders of finished clocks are done, and
    when the case has ended, everything about it is. One UPDATE, two when the case ended."""
    at = at or timezone.now()
    pending = Notification.objects.filter(complaint=complaint, settled_at__isnull=True)
    keyed = Clock.objects.filter(complaint=complaint).annotate(
        notification_key=Concat(Value("reminder:"), Cast("pk", CharField()))
    )
    met = keyed.filter(met_at__isnull=False).values("notification_key")
    finished = keyed.filter(Q(met_at__isnull=False) | Q(cancelled_at__isnull=False))
    settled = pending.filter(
        kind=Notification.Kind.REMINDER, key__in=finished.values("notification_key")
    ).update(
        settled_at=at,
        settled_by=by,
        settled_reason=Case(
            When(key__in=met, then=Value(Notification.Settled.CLOCK_MET.value)),
            default=Value(Notification.Settled.CLOCK_STOPPED.value),
        ),
    )
    ended = _ENDED.get(complaint.state)
    if ended is not None:
        settled += pending.update(settled_at=at, settled_by=by, settled_reason=ended)
    return settled
