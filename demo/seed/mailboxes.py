"""A complaints mailbox (README "Complaints by e-mail") for the administrator to look at: switched
off, since the demo has no mail server; fill in a real server and switch it on to try it."""

from __future__ import annotations

from complaints.models import Mailbox
from demo.seed.organisation import Org

DEMO_ADDRESS = "tousu@example.com"


def ensure_demo_mailbox(org: Org) -> Mailbox:
    mailbox, _created = Mailbox.objects.get_or_create(
        address=DEMO_ADDRESS,
        defaults={
            "name": "投诉邮箱（演示，未启用）",
            "host": "imap.example.com",
            "port": 993,
            "security": Mailbox.Security.SSL,
            "username": DEMO_ADDRESS,
            "password_name": "COMPLAINTS_MAILBOX_PASSWORD",
            "department": org.departments["customer-service"],
            "is_active": False,
        },
    )
    return mailbox
