"""Celery entry points for complaints; each only calls a service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from complaints.api.idempotency import idempotency_keys_purge
from complaints.services.customer_emails import customer_emails_resend, customer_emails_send
from complaints.services.customer_portal import tracking_link_send
from complaints.services.customer_texts import (
    customer_text_event,
    customer_texts_send_due,
)
from complaints.services.improvement import improvement_actions_remind
from complaints.services.mailboxes import mailboxes_poll
from complaints.services.notifications import (
    notification_emails_resend,
    notification_emails_send,
)
from complaints.services.outside_bodies import outside_bodies_remind
from complaints.services.retention import (
    inbound_mail_log_forget,
    retention_anonymise_batch,
    retention_sweep,
)
from complaints.services.rights import rights_export_build, rights_exports_purge
from complaints.services.webhooks import (
    webhook_deliver,
    webhook_deliveries_due,
    webhooks_fan_out,
)
from complaints.sms import SmsError

# A batch waiting longer than this in the queue is dropped: the next night queues it again.
RETENTION_BATCH_EXPIRES_SECONDS = 6 * 3600


@shared_task(
    name="complaints.tasks.send_notification_emails_task",
    acks_late=True,
    # SMTP errors are OSErrors; a lost database connection is an OperationalError.
    autoretry_for=(OSError, OperationalError),
    max_retries=5,
    retry_backoff=True,
)
def send_notification_emails_task(notification_ids: list[int]) -> int:
    """E-mail these notifications. A retry resends only those still unmarked."""
    sent, failures = notification_emails_send(notification_ids=notification_ids)
    if failures:
        raise failures[0]
    return sent


@shared_task(
    name="complaints.tasks.send_customer_emails_task",
    acks_late=True,
    autoretry_for=(OSError, OperationalError),
    max_retries=5,
    retry_backoff=True,
)
def send_customer_emails_task(email_ids: list[int]) -> int:
    """E-mail these customer messages. A retry resends only those still unmarked."""
    sent, failures = customer_emails_send(email_ids=email_ids)
    if failures:
        raise failures[0]
    return sent


@shared_task(name="complaints.tasks.purge_idempotency_keys_task", acks_late=True)
def purge_idempotency_keys_task() -> int:
    """Forget API idempotency keys past their retention (daily, by beat)."""
    return idempotency_keys_purge()


@shared_task(name="complaints.tasks.resend_notification_emails_task", acks_late=True)
def resend_notification_emails_task() -> int:
    """Send the e-mails, to staff and to customers, that were due but never went (every 5 minutes,
    by beat)."""
    return notification_emails_resend() + customer_emails_resend()


@shared_task(
    name="complaints.tasks.send_tracking_link_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def send_tracking_link_task(complaint_id: int, request_key: str = "") -> bool:
    """Record and queue a fresh tracking link to the customer (asked for on the public pages)."""
    return tracking_link_send(complaint_id=complaint_id, request_key=request_key)


@shared_task(
    name="complaints.tasks.text_customer_task",
    acks_late=True,
    # SmsError: the provider refused for now (the text is pending again); OSError: no route.
    autoretry_for=(SmsError, OSError, OperationalError),
    max_retries=5,
    retry_backoff=True,
)
def text_customer_task(complaint_id: int, kind: str, key: str) -> bool:
    """Store the text of event `key` (once, whatever the retries) and send it if it is due."""
    return customer_text_event(complaint_id=complaint_id, kind=kind, key=key) is not None


@shared_task(name="complaints.tasks.send_due_customer_texts_task", acks_late=True)
def send_due_customer_texts_task() -> int:
    """Every minute, by beat: send the texts held for the customers' hours, or never sent."""
    return customer_texts_send_due()


@shared_task(name="complaints.tasks.anonymise_expired_cases_task", acks_late=True)
def anonymise_expired_cases_task() -> int:
    """Nightly, by beat: queue the cases past their retention period in batches, delete the
    personal-data exports kept long enough and clear the received e-mails without a case past
    theirs. Returns how many cases were queued."""
    queued = retention_sweep(enqueue=_queue_retention_batch)
    rights_exports_purge()
    inbound_mail_log_forget()
    return queued


def _queue_retention_batch(complaint_ids: list[int]) -> None:
    anonymise_cases_task.apply_async(args=[complaint_ids], expires=RETENTION_BATCH_EXPIRES_SECONDS)


@shared_task(
    name="complaints.tasks.anonymise_cases_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def anonymise_cases_task(complaint_ids: list[int]) -> int:
    """Anonymise one batch (re-checked under lock: a retry or a second delivery does nothing
    more); returns how many cases it anonymised."""
    return retention_anonymise_batch(complaint_ids=complaint_ids).complaints


@shared_task(
    name="complaints.tasks.build_rights_export_task",
    acks_late=True,
    # A build that runs this long has gone wrong; the request shows it failed (see the service).
    soft_time_limit=30 * 60,
)
def build_rights_export_task(request_id: int) -> int | None:
    """Build the zip of personal-data request `request_id`; returns its size (None: nothing to do)."""
    request = rights_export_build(request_id=request_id)
    return request.export_size if request is not None else None


@shared_task(name="complaints.tasks.remind_outside_bodies_task", acks_late=True)
def remind_outside_bodies_task() -> int:
    """Beat, every minute: remind the contact person of outside bodies' matters past their deadline.

    Not retried: the next run finds the same matters still due; two runs at once share them out.
    """
    return outside_bodies_remind()


@shared_task(
    name="complaints.tasks.webhooks_fan_out_task",
    acks_late=True,
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def webhooks_fan_out_task(event_ids: list[int]) -> int:
    """After a commit: these timeline entries' deliveries, each then sent (webhooks queue)."""
    made = webhooks_fan_out(event_ids=event_ids)
    for delivery_id in made:
        webhook_deliver(delivery_id=delivery_id)
    return len(made)


@shared_task(name="complaints.tasks.send_due_webhooks_task", acks_late=True)
def send_due_webhooks_task() -> int:
    """Beat, every minute: the deliveries due (never sent, or their back-off passed)."""
    due = webhook_deliveries_due()
    for delivery_id in due:
        webhook_deliver(delivery_id=delivery_id)
    return len(due)


@shared_task(name="complaints.tasks.poll_mailboxes_task", acks_late=True)
def poll_mailboxes_task() -> int:
    """Beat, every minute: read the complaints mailboxes; returns the messages read.

    Not retried: the next run reads what is still unread; a run that overlaps another finds each
    mailbox held and leaves it.
    """
    return sum(result.read for result in mailboxes_poll())


@shared_task(name="complaints.tasks.remind_improvement_actions_task", acks_late=True)
def remind_improvement_actions_task() -> int:
    """Beat, every minute: remind and escalate improvement actions by their due dates.

    Not retried: the next run finds the same actions still due; two runs at once share them out.
    """
    return improvement_actions_remind()
