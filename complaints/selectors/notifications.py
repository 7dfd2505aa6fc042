"""The notification inbox: a user reads only their own messages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.errors import NotFound
from complaints.models import Complaint, Notification
from complaints.models.notifications import UNREAD
from complaints.selectors.access import complaints_visible_to


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread: not opened and not settled (the inbox's
    Unread filter and marks use the same condition; served by the partial unread index)."""
    return Notification.objects.filter(UNREAD, recipient=user).count()


def notifications_for(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's inbox, newest first, with the case each message is about joined in, and
    `case_visible`: whether the user may still read that case (a case handed to another
    department leaves the sight of those who were only told about it; the message stays theirs,
    the case does not). Asked in the page's own query, one EXISTS per row."""
    notifications = Notification.objects.filter(recipient=user)
    if unread_only:
        notifications = notifications.filter(UNREAD)
    return (
        notifications.select_related("complaint", "settled_by__department")
        .annotate(
            case_visible=Exists(
                complaints_visible_to(user=user).filter(pk=OuterRef("complaint_id")).order_by()
            )
        )
        .order_by("-created_at", "-id")
    )


@dataclass
class InboxGroup:
    """The messages of one page about one case (or about no case), newest first."""

    complaint: Complaint | None
    notifications: list[Notification] = field(default_factory=list)
    # False for a case the reader may no longer open: the inbox names it, never links or shows it.
    case_visible: bool = True

    @property
    def unread(self) -> int:
        return sum(notification.is_unread for notification in self.notifications)


def notifications_grouped(notifications: list[Notification]) -> list[InboxGroup]:
    """One page of the inbox grouped by case, groups in the order of their newest message."""
    groups: dict[int | None, InboxGroup] = {}
    for notification in notifications:
        group = groups.get(notification.complaint_id)
        if group is None:
            group = groups[notification.complaint_id] = InboxGroup(
                notification.complaint,
                case_visible=bool(getattr(notification, "case_visible", True)),
            )
        group.notifications.append(notification)
    return list(groups.values())


def notification_get_for_user(*, user: User, pk: int) -> Notification:
    """One of the user's own notifications; anyone else's reads as missing."""
    notification = Notification.objects.filter(pk=pk, recipient=user).first()
    if notification is None:
        raise NotFound(_("No such notification."))
    return notification
