"""回复客户: when the outcome is sent by e-mail, the customer receives it by e-mail.

The reply goes the way of every e-mail to a customer (complaints.services.customer_emails): rendered
in the customer's language inside the reply's transaction, handed to the mail server by the notify
queue after the commit, sent later by the resend job if the broker was down. A reply that rolls
back sends nothing; a mail server that is down never undoes a reply already recorded.
"""

from __future__ import annotations

from complaints.models import Channel, Complaint, ContactPurpose, CustomerContact
from complaints.public_links import survey_url
from complaints.services.customer_emails import customer_email_send


def reply_email_on_commit(*, complaint: Complaint, contact: CustomerContact) -> bool:
    """Queue the reply `contact` records to the customer's e-mail address; True if queued.

    Nothing is sent for other channels, for a customer without an address, or while the
    organisation has e-mail switched off (the demo history is loaded that way).
    """
    if contact.channel != Channel.EMAIL:
        return False
    email = customer_email_send(
        complaint=complaint,
        purpose=ContactPurpose.REPLY,
        template="customer_reply",
        # The send_reply transition has run: the case awaits the survey of this handling round.
        context={"content": contact.summary, "survey_url": survey_url(complaint)},
        contact=contact,
    )
    return email is not None
