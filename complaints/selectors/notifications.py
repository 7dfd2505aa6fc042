"""The notification inbox: a user reads only their own messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.errors import NotFound
from complaints.models import Complaint, Notification
from complaints.models.notifications import UNREAD


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread: not opened and not settled (the inbox's
    Unread filter and marks use the same condition; served by the partial unread index)."""
    return Notification.objects.filter(UNREAD, recipient=user).count()


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's inbox, newest first, with the case each message is about joined in."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(UNREAD)
    return notifications.select_related("complaint", "settled_by__department").order_by(
        "-created_at", "-id"
    )


@dataclass
class InboxGroup:
    """The messages of one page about one case (or about no case), newest first."""

    complaint: Complaint | None
    notifications: list[Notification] = field(default_factory=list)

    @property
    def unread(self) -> int:
        return sum(notification.is_unread for notification in self.notifications)


def notifications_grouped(notifications: list[Notification]) -> list[InboxGroup]:
    """One page of the inbox grouped by case, groups in the order of their newest message."""
    groups: dict[int | None, InboxGroup] = {}
    for notification in notifications:
        group = groups.get(notification.complaint_id)
        if group is None:
            group = groups[notification.complaint_id] = InboxGroup(notification.complaint)
        group.notifications.append(notification)
    return list(groups.values())


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's reads as missing."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification
