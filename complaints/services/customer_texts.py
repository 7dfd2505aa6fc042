"""Text messages (SMS) to customers who gave a mobile number and no e-mail address.

Four events reach them by text, as the e-mail reaches the others: the acknowledgment of their
complaint (with its tracking link), a fresh tracking link they asked for, and the reply notice
with the satisfaction survey's link. One text per event: each has an idempotency key (`key`,
unique in the database), so a retried or twice-delivered task never makes a second one.

The request that causes a text only queues a task after the commit (`customer_text_on_commit`:
no query in the request); the task on the notify queue stores the text (kind, data, language:
codes and data, rendered when sent) and sends it. Sending is at most once: the text is claimed
(status `sending`) and committed before the provider is called, and a provider that took the
request without answering leaves it `unknown`, never retried (a duplicate costs money and
annoys; a missing one shows on the case). A text that went is recorded as the system's outbound
SMS contact on the case, so the contact log shows what the customer received.

Texts go only between COMPLAINTS_SMS_WINDOW_START and _END local time unless the customer asked
for urgent contact; a text outside the window waits in the database (`not_before`) and the
due-texts job (beat, every minute) sends it at the start of the next window: it survives worker
restarts and broker outages, unlike a countdown held by the broker. The same job sends texts whose
task the broker never got. Replies STOP / 退订 (`sms_replies_record`) stop all further texts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from complaints import sms
from complaints.domain.contact_details import normalize_phone
from complaints.errors import InvalidInput
from complaints.models import (
    Channel,
    Complaint,
    ContactDirection,
    ContactPurpose,
    Customer,
    CustomerText,
)
from complaints.public_links import public_url
from complaints.services.common import lock_for_change
from complaints.services.contacts import log_contact
from config.dispatch import dispatch_after_commit
from sla.models import EscalationSettings

logger = logging.getLogger(__name__)

# complaints.tasks.text_customer_task, queued by name (config.dispatch).
TEXT_TASK = "complaints.tasks.text_customer_task"

# A text keeps within two segments (134 UCS-2 units for Chinese, 306 GSM-7 characters for
# English), far below the provider's limit for one message (Aliyun: 500 characters).
MAX_SEGMENTS = 2
# Texts waiting longer than this (the broker and the job were down for days) are stale news.
SEND_WITHIN = timedelta(days=2)
# What customers reply to stop texts (case and spaces ignored).
STOP_WORDS = frozenset({"STOP", "T", "TD", "N", "UNSUBSCRIBE", "退订", "退", "取消", "拒收"})

PURPOSES = {
    CustomerText.Kind.ACKNOWLEDGEMENT: ContactPurpose.ACKNOWLEDGEMENT,
    CustomerText.Kind.TRACKING_LINK: ContactPurpose.TRACKING_LINK,
    CustomerText.Kind.REPLY: ContactPurpose.REPLY,
}


# --- who is texted, when ------------------------------------------------------------------------


def is_mobile(phone: str) -> bool:
    """Whether the stored (E.164) number can receive texts."""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def texts_customer(customer: Customer) -> bool:
    """Whether events reach this customer by text: a mobile number, no e-mail address, texts
    not refused, details not removed. (No query: the customer is loaded.)"""
    return bool(
        customer.phone
        and not customer.email
        and customer.sms_opted_out_at is None
        and customer.anonymised_at is None
        and is_mobile(customer.phone)
    )


def _clock(value: str) -> time:
    hours, _colon, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0))


def window_opens(now: datetime) -> datetime:
    """`now` when customers may be texted now, else the start of the next window (local time)."""
    start = _clock(settings.COMPLAINTS_SMS_WINDOW_START)
    end = _clock(settings.COMPLAINTS_SMS_WINDOW_END)
    if start == end:
        return now
    local = timezone.localtime(now)
    today = local.time()
    inside = start <= today < end if start < end else (today >= start or today < end)
    if inside:
        return now
    day = local.date() if today < start else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, start), local.tzinfo)


# --- what the customer reads --------------------------------------------------------------------


def text_link(text: CustomerText) -> str:
    """The short link a text carries (/complaint/m/<code>/: to the tracking page or the survey)."""
    return public_url(reverse("public:text_link", kwargs={"code": text.link_code}))


def render_text(text: CustomerText) -> str:
    """The text as the customer reads it, in their language: signature, message, opt-out hint."""
    values = {"reference": text.params.get("reference", ""), "link": text_link(text)}
    with translation.override(text.language):
        if text.kind == CustomerText.Kind.ACKNOWLEDGEMENT:
            message = _("Complaint %(reference)s received. Track it: %(link)s")
        elif text.kind == CustomerText.Kind.MERGED:
            message = _("Complaints joined as %(reference)s. Track it: %(link)s")
        elif text.kind == CustomerText.Kind.TRACKING_LINK:
            message = _("Track complaint %(reference)s: %(link)s")
        else:
            message = _("Complaint %(reference)s answered. Read and rate: %(link)s")
        hint = _("Reply T to opt out")
    # The provider puts the signature first; the local backends and the contact log show it too.
    return f"【{settings.COMPLAINTS_SMS_SIGN_NAME}】{message % values} {hint}"


def provider_text(text: CustomerText) -> sms.Text:
    """What the backend sends: the rendered body, and the provider's template with its data."""
    language = "en" if text.language == "en" else "zh-hans"
    return sms.Text(
        to=text.to,
        body=render_text(text),
        template_code=settings.COMPLAINTS_SMS_TEMPLATES.get((text.kind, language), ""),
        params={"reference": text.params.get("reference", ""), "code": text.link_code},
        key=text.key,
    )


# --- storing a text for an event ----------------------------------------------------------------


def customer_text_on_commit(*, complaint: Complaint, kind: str, key: str) -> bool:
    """After the commit, text the customer about event `key` if they are reached by text; True
    if queued. No query when the customer is loaded (the settings are cached)."""
    if not (texts_customer(complaint.customer) and EscalationSettings.current().send_email):
        return False
    dispatch_after_commit(TEXT_TASK, complaint.pk, kind, key)
    return True


@transaction.atomic
def customer_text_create(
    *, complaint_id: int, kind: str, key: str, now: datetime | None = None
) -> CustomerText | None:
    """The text for event `key`, stored once: a second call with the same key returns the first
    text. None when the customer is not (or no longer) reached by text."""
    existing = CustomerText.objects.filter(key=key).first()
    if existing is not None:
        return existing
    complaint = Complaint.objects.select_related("customer").filter(pk=complaint_id).first()
    if complaint is None or complaint.anonymised_at is not None:
        return None
    customer = complaint.customer
    if not texts_customer(customer) or kind not in CustomerText.Kind.values:
        return None
    if not EscalationSettings.current().send_email:  # automatic messages switched off
        return None
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return CustomerText.objects.create(
                complaint=complaint,
                kind=kind,
                key=key,
                to=customer.phone,
                language=customer.language or settings.LANGUAGE_CODE,
                params={"reference": complaint.reference},
                created_at=now,
                not_before=now if customer.urgent_contact else window_opens(now),
            )
    except IntegrityError:  # a concurrent delivery of the same event stored it first
        return CustomerText.objects.get(key=key)


# --- sending ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    held: int = 0
    failures: tuple[Exception, ...] = ()


def _claim(pk: int, now: datetime) -> CustomerText | None:
    """Mark the text `sending` if it is due and may go; None otherwise (gone, held, stopped)."""
    with transaction.atomic():
        text = (
            CustomerText.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("complaint__customer")
            .filter(pk=pk, status=CustomerText.Status.PENDING)
            .first()
        )
        if text is None:
            return None
        customer = text.complaint.customer
        if text.complaint.anonymised_at is not None or not texts_customer(customer):
            text.status = CustomerText.Status.CANCELLED
            text.save(update_fields=["status"])
            return None
        opens = now if customer.urgent_contact else window_opens(now)
        if text.not_before > now or opens > now:
            if opens > text.not_before:
                text.not_before = opens
                text.save(update_fields=["not_before"])
            return None
        text.status = CustomerText.Status.SENDING
        text.attempts += 1
        text.save(update_fields=["status", "attempts"])
    return text


def _record(text: CustomerText, *, body: str, provider_id: str, now: datetime) -> None:
    """The provider took the text: mark it sent and log it as an outbound SMS contact."""
    with transaction.atomic():
        locked = lock_for_change(text.complaint, must_be_current=False)
        contact = log_contact(
            complaint=locked,
            actor=None,
            channel=Channel.SMS,
            direction=ContactDirection.OUTBOUND,
            purpose=PURPOSES[CustomerText.Kind(text.kind)],
            summary=body,
            at=now,
        )
        CustomerText.objects.filter(pk=text.pk).update(
            status=CustomerText.Status.SENT, sent_at=now, provider_id=provider_id, contact=contact
        )


def customer_text_send(pk: int, *, now: datetime | None = None) -> bool:
    """Send one stored text at most once; True if it went now. Raises sms.SmsError when the
    provider refused it and it may pass later (the text is pending again for the retry)."""
    now = now or timezone.now()
    text = _claim(pk, now)
    if text is None:
        return False
    message = provider_text(text)
    if sms.sms_segments(message.body) > MAX_SEGMENTS:
        logger.warning("Text %s is %d segments long", pk, sms.sms_segments(message.body))
    try:
        provider_id = sms.get_backend().send(message)
    except sms.SmsError as error:
        if isinstance(error, sms.SmsUncertain):
            status = CustomerText.Status.UNKNOWN
        elif error.retry:
            status = CustomerText.Status.PENDING
        else:
            status = CustomerText.Status.FAILED
        CustomerText.objects.filter(pk=pk).update(status=status, error=str(error)[:300])
        if status == CustomerText.Status.PENDING:
            raise
        logger.warning("Text %s was not sent: %s", pk, error)
        return False
    except Exception as error:
        # Not the provider's answer (the file backend's disk, a bug): nothing went; the task's
        # retry or the due-texts job tries again.
        CustomerText.objects.filter(pk=pk).update(
            status=CustomerText.Status.PENDING, error=str(error)[:300]
        )
        raise
    _record(text, body=message.body, provider_id=provider_id, now=timezone.now())
    return True


def customer_texts_send(
    *, text_ids: Iterable[int], now: datetime | None = None
) -> tuple[int, list[Exception]]:
    """Send the given texts that are due; returns how many went and what failed (to retry)."""
    sent = 0
    failures: list[Exception] = []
    for pk in text_ids:
        try:
            sent += customer_text_send(pk, now=now)
        except Exception as error:  # reported to the task, which retries; the others still go
            logger.warning("Text %s failed: %s", pk, error)
            failures.append(error)
    return sent, failures


def customer_text_event(
    *, complaint_id: int, kind: str, key: str, now: datetime | None = None
) -> CustomerText | None:
    """The task of an event: store its text once, and send it if it is due now."""
    text = customer_text_create(complaint_id=complaint_id, kind=kind, key=key, now=now)
    if text is not None and text.status == CustomerText.Status.PENDING:
        _sent, failures = customer_texts_send(text_ids=[text.pk], now=now)
        if failures:
            raise failures[0]
    return text


def customer_texts_send_due(*, now: datetime | None = None) -> int:
    """Send the texts now due: those held for the customer's hours, and those whose task the
    broker never got or whose provider refused them for a while (every minute, by beat)."""
    now = now or timezone.now()
    ids: Sequence[int] = list(
        CustomerText.objects.filter(
            status=CustomerText.Status.PENDING,
            not_before__lte=now,
            created_at__gte=now - SEND_WITHIN,
        )
        .order_by("not_before")
        .values_list("pk", flat=True)[:500]
    )
    sent, failures = customer_texts_send(text_ids=ids, now=now)
    if failures:
        logger.warning("%d of %d due texts failed", len(failures), len(ids))
    return sent


# --- the customers' replies ---------------------------------------------------------------------


def is_stop_word(content: str) -> bool:
    return "".join(content.split()).upper() in STOP_WORDS


@transaction.atomic
def sms_reply_record(*, phone: str, content: str, now: datetime | None = None) -> bool:
    """A customer's reply to our texts: STOP / 退订 (and the carriers' T, TD) refuses further
    texts, recorded on the customer with the time; True if it did. Other replies are not read
    here (texts say to use the tracking page)."""
    if not is_stop_word(content):
        return False
    try:
        number = normalize_phone(phone)
    except InvalidInput:
        return False
    now = now or timezone.now()
    refused = Customer.objects.filter(phone=number, sms_opted_out_at__isnull=True).update(
        sms_opted_out_at=now
    )
    if refused:
        # Texts still waiting for the window do not go either.
        CustomerText.objects.filter(
            complaint__customer__phone=number, status=CustomerText.Status.PENDING
        ).update(status=CustomerText.Status.CANCELLED)
    return bool(refused)
