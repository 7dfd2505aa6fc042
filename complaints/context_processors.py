"""What every staff page's layout needs: the user's queues, role and unread notifications.

Everything is computed on first use in the template, so pages without the navigation (sign-in,
errors for anonymous visitors) run no query for it.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from accounts.models import User
from accounts.roles import Role
from accounts.selectors import user_can_administer, user_roles
from complaints.queues import Queue, queues_for
from complaints.selectors import unread_count


class Workspace:
    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def roles(self) -> list[Role]:
        return user_roles(user=self.user)

    @cached_property
    def role_label(self) -> str:
        return " · ".join(role.label for role in self.roles)

    @cached_property
    def queues(self) -> list[Queue]:
        return queues_for(user=self.user)

    @cached_property
    def can_receive(self) -> bool:
        return self.user.has_perm("complaints.receive_complaint")

    @cached_property
    def can_see_dashboard(self) -> bool:
        """The dashboard link (reports): department heads, managers, executives and auditors."""
        return self.user.has_perm("reports.view_dashboard")

    @cached_property
    def can_handle_rights_requests(self) -> bool:
        """The link to people's requests about their data (complaint managers)."""
        return self.user.has_perm("complaints.handle_rights_request")

    @cached_property
    def can_read_legal_documents(self) -> bool:
        """The legal documents register's link (seed 004 §九): front desk, heads, managers,
        senior management, auditors."""
        return self.user.has_perm("complaints.view_legaldocument")

    @cached_property
    def can_use_lost_property(self) -> bool:
        """The lost property register's link: those who record in it or read its figures."""
        return self.user.has_perm("complaints.record_lost_property") or self.user.has_perm(
            "complaints.view_lost_property_statistics"
        )

    @cached_property
    def can_read_improvement(self) -> bool:
        """The improvement actions' link (整改措施): every role that reads them."""
        return self.user.has_perm("complaints.view_improvementaction")

    @cached_property
    def can_read_library(self) -> bool:
        """The case library's link: every staff role (issue 18 §2)."""
        return self.user.has_perm("complaints.view_casestudy")

    def can_read_reveals(self) -> bool:
        """The reveal report's link: auditors (complaints.views.privacy)."""
        return self.user.has_perm("complaints.view_contactreveal")

    @cached_property
    def can_administer(self) -> bool:
        """The admin link: only for those the admin site is made for (accounts.selectors)."""
        return user_can_administer(user=self.user)

    @cached_property
    def unread(self) -> int:
        return unread_count(user=self.user)


def workspace(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace": None}
    return {"workspace": Workspace(user)}
