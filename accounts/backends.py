"""Django's model backend, reading the signed-in user together with their department.

Every staff page names the user's department (the user menu, people's labels, the department
scope); fetched with the user, it costs no query of its own on each request. So do the two facts
the two-factor gate asks on every request (accounts.two_factor_gate): whether the person has an
authenticator, and whether a role of theirs requires one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.two_factor import user_two_factor_annotations


class UserWithDepartmentBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = (
                User._default_manager.select_related("department")
                .annotate(**user_two_factor_annotations())
                .get(pk=user_id)
            )
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
