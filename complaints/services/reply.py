"""回复客户: when the outcome is sent by e-mail, the customer receives it by e-mail.

The message is rendered inside the reply's transaction but handed to the mail server only after the
commit, so a reply that rolls back sends nothing and a mail server that is down never undoes a reply
already recorded (the failure is logged; the contact row still says what the customer was told).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

from complaints.models import Channel, Complaint
from complaints.services.notifications import render_message
from sla.models import EscalationSettings

logger = logging.getLogger(__name__)


def reply_email_on_commit(*, complaint: Complaint, channel: str, content: str) -> bool:
    """Queue the reply to the customer's e-mail address for after the commit; True if queued.

    Nothing is sent for other channels, for a customer without an address, or while the
    organisation has e-mail switched off (the demo history is loaded that way).
    """
    address = complaint.customer.email
    if channel != Channel.EMAIL or not address or not EscalationSettings.current().send_email:
        return False
    # Customers have no language of their own yet: they are written to in the site's language.
    subject, text, html = render_message(
        template="customer_reply",
        context={"complaint": complaint, "customer": complaint.customer, "content": content},
        language=settings.LANGUAGE_CODE,
    )
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
    )
    message.attach_alternative(html, "text/html")

    def send() -> None:
        try:
            message.send()
        except Exception:  # the reply is recorded; a failed hand-off must not become an error page
            logger.exception("Reply e-mail for complaint %s failed", complaint.reference)

    transaction.on_commit(send)
    return True
