"""System checks of the complaints app's settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from accounts.roles import Role


@register("complaints")
def check_sensitive_evidence_roles(app_configs=None, **kwargs) -> list[CheckMessage]:
    """complaints.E001: COMPLAINTS_SENSITIVE_EVIDENCE_ROLES names a role that does not exist
    (a typo would silently hide medical records from the people who need them)."""
    known = {role.value for role in Role}
    unknown = [name for name in settings.COMPLAINTS_SENSITIVE_EVIDENCE_ROLES if name not in known]
    if not unknown:
        return []
    return [
        Error(
            f"COMPLAINTS_SENSITIVE_EVIDENCE_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use role names from accounts.roles: {', '.join(sorted(known))}.",
            id="complaints.E001",
        )
    ]
