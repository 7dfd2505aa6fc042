"""The notification inbox: a user reads only their own messages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.errors import NotFound
from complaints.models import Notification


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (served by the partial unread index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's inbox, newest first, with the case each message is about joined in."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.select_related("complaint").order_by("-created_at", "-id")


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's reads as missing."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification
