"""Receivers of account events: the language after sign-in, the audit log, and what a
deactivation or a new password must end (sessions, API tokens).

Signing in brings back the language the user chose last time.

Django 5.2 keeps the language choice only in a cookie (the session key was removed in Django 4.0),
and a signal has no response to set a cookie on; so the receiver notes the language on the request
and the sign-in view (accounts.views.SignInView) writes the cookie with its redirect.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.translation import check_for_language

from accounts.lockout import is_locked_out
from accounts.middleware import note_session_activity
from accounts.models import AUDITED_FLAGS, AuditEntry, User
from accounts.services import audit_actor, audit_record, user_sessions_end, user_tokens_revoke

REQUEST_ATTRIBUTE = "language_after_sign_in"


@receiver(user_logged_in, dispatch_uid="accounts.language_after_sign_in")
def remember_language(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and user.language and check_for_language(user.language):
        setattr(request, REQUEST_ATTRIBUTE, user.language)


# --- the audit log, sessions and API tokens (accounts.services) ---
#
# axes' receivers are connected first ("axes" comes before "accounts" in INSTALLED_APPS), so by
# the time a failed sign-in reaches `audit_failed_sign_in`, axes has counted it and marked the
# request it locked.


# Set by the sign-in views on the request: the door a two-step sign-in began at (its code page is
# the same for all), and the second factor given ("totp", "backup_code"; absent: none).
DOOR_ATTRIBUTE = "sign_in_door"
SECOND_FACTOR_ATTRIBUTE = "sign_in_second_factor"


def _door(request: Any) -> str:
    """Which sign-in the request came through: the workspace, the admin or the API."""
    door = getattr(request, DOOR_ATTRIBUTE, None)
    if door:
        return str(door)
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "workspace"


@receiver(user_logged_in, dispatch_uid="accounts.audit_sign_in")
def audit_sign_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None:
        return
    if hasattr(request, "session"):
        note_session_activity(request.session)
    details = {
        "door": _door(request),
        "second_factor": getattr(request, SECOND_FACTOR_ATTRIBUTE, None) or "none",
    }
    audit_record(user, AuditEntry.Action.SIGN_IN, user, details, request=request)


@receiver(user_logged_out, dispatch_uid="accounts.audit_sign_out")
def audit_sign_out(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    if request is not None and user is not None:
        audit_record(user, AuditEntry.Action.SIGN_OUT, user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts.audit_failed_sign_in")
def audit_failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """One entry per failed attempt, under the login name typed (which may not exist).

    A wrong two-factor code (accounts.two_factor.code_check) arrives here too, with
    `two_factor_purpose`: after the password ("sign_in") or before a change of the person's own
    two-factor settings (then `actor` is the person, signed in)."""
    locked = is_locked_out(request)
    details = {"door": _door(request)}
    failed = AuditEntry.Action.SIGN_IN_FAILED
    purpose = kwargs.get("two_factor_purpose")
    if purpose:
        details["purpose"] = purpose
        failed = AuditEntry.Action.CODE_FAILED
    audit_record(
        kwargs.get("actor"),
        AuditEntry.Action.LOCKED_OUT if locked else failed,
        str(credentials.get("username") or ""),
        details,
        request=request,
    )


@receiver(pre_save, sender=User, dispatch_uid="accounts.flags_before_save")
def flags_before_save(sender: Any, instance: User, **kwargs: Any) -> None:
    # An object built in code (not read from the database) does not know its stored flags.
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or hasattr(instance, "_loaded_flags") or instance._state.adding:
        return
    if update_fields is not None and not set(update_fields) & set(AUDITED_FLAGS):
        return
    stored = User._default_manager.filter(pk=instance.pk).values(*AUDITED_FLAGS).first()
    instance._loaded_flags = stored or {}


@receiver(post_save, sender=User, dispatch_uid="accounts.account_changes")
def account_changes(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """Audit the flags that grant access, and end what a change must end: a new password revokes
    the API token (Django already signs other sessions out: the session keeps a hash of the
    password), a deactivation also ends every session."""
    actor = audit_actor()
    before = {} if created else getattr(instance, "_loaded_flags", None)
    now = {name: getattr(instance, name) for name in AUDITED_FLAGS}
    if before is not None:
        for name, action in (
            ("is_staff", AuditEntry.Action.STAFF_CHANGED),
            ("is_superuser", AuditEntry.Action.SUPERUSER_CHANGED),
        ):
            was = before.get(name, False)
            if now[name] != was:
                audit_record(actor, action, instance, {"from": was, "to": now[name]})
        if not created and "is_active" in before and now["is_active"] != before["is_active"]:
            if now["is_active"]:
                audit_record(actor, AuditEntry.Action.ACTIVATED, instance)
            else:
                sessions = user_sessions_end(user=instance)
                tokens = user_tokens_revoke(user=instance)
                audit_record(
                    actor,
                    AuditEntry.Action.DEACTIVATED,
                    instance,
                    {"sessions_ended": sessions, "tokens_revoked": tokens},
                )
    # AbstractBaseUser.save() keeps the new raw password here until after this signal.
    if not created and getattr(instance, "_password", None) is not None:
        tokens = user_tokens_revoke(user=instance)
        audit_record(
            actor, AuditEntry.Action.PASSWORD_CHANGED, instance, {"tokens_revoked": tokens}
        )
    instance._loaded_flags = now


def _names(model: Any, pks: set[Any] | None) -> list[str]:
    if not pks:
        return []
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).values_list(
            "content_type__app_label", "codename"
        )
        return sorted(f"{app}.{codename}" for app, codename in rows)
    return sorted(
        str(name)
        for name in model._default_manager.filter(pk__in=pks).values_list("name", flat=True)
    )


# The many-to-many relations that grant access: (forward accessor, reverse accessor).
_GRANTS: dict[Any, tuple[str, str, str]] = {
    User.groups.through: ("groups", "user_set", AuditEntry.Action.ROLES_CHANGED),
    User.user_permissions.through: (
        "user_permissions",
        "user_set",
        AuditEntry.Action.PERMISSIONS_CHANGED,
    ),
    Group.permissions.through: ("permissions", "group_set", AuditEntry.Action.PERMISSIONS_CHANGED),
}


def _names(model: Any, pks: set[Any]) -> list[str]:
    if model is Permission:
        rows = Permission.objects.filter(pk__in=pks).values_list(
            "content_type__app_label", "codename"
        )
        return sorted(f"{app}.{codename}" for app, codename in rows)
    return sorted(model._default_manager.filter(pk__in=pks).values_list("name", flat=True))


def audit_grants(
    sender: Any,
    instance: Any,
    action: str,
    reverse: bool,
    model: Any,
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """A role or permission given or taken away: one entry per holder (user or group) changed,
    naming what changed. `clear()` is read before it runs (afterwards the rows are gone)."""
    forward, backward, kind = _GRANTS[sender]
    if action == "pre_clear":
        pk_set = set(
            getattr(instance, backward if reverse else forward).values_list("pk", flat=True)
        )
        key = "removed"
    elif action in ("post_add", "post_remove"):
        key = "added" if action == "post_add" else "removed"
    else:
        return
    if not pk_set:
        return
    actor = audit_actor()
    if not reverse:
        # instance: the user or group; pk_set: the roles or permissions.
        audit_record(actor, kind, instance, {key: _names(model, pk_set)})
        return
    # instance: the role or permission; pk_set: the users or groups that got or lost it.
    granted = _names(type(instance), {instance.pk})
    for holder in model._default_manager.filter(pk__in=pk_set):
        audit_record(actor, kind, holder, {key: granted})


for _through in _GRANTS:
    m2m_changed.connect(audit_grants, sender=_through, dispatch_uid=f"accounts.grants.{_through}")
