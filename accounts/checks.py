"""System checks: a role named in COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES that does not exist would
silently require two-factor sign-in of no one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from accounts.roles import Role


@register("security")
def check_two_factor_roles(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    known = {role.value for role in Role}
    unknown = [role for role in settings.COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES if role not in known]
    if not unknown:
        return []
    return [
        Error(
            f"COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use role names among: {', '.join(sorted(known))} (or '-' for none).",
            id="accounts.E001",
        )
    ]
