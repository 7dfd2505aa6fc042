"""Account services: the audit log, ending a user's sessions, and their API tokens.

`audit_record` is the one way to write the audit log; other apps call it for what they audit
(e.g. exports: `audit_record(actor=user, action=AuditEntry.Action.EXPORT, target=report,
details={"rows": 1200, "format": "xlsx"})`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.client_address import client_ip
from accounts.models import AuditEntry, User

# The request being served, so that receivers of model signals (a role granted in the admin) can
# name who did it and from where. Set by accounts.middleware.AuditRequestMiddleware; empty in
# management commands, Celery tasks and the shell (the entry then has no actor: "the system").
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_current_request", default=None
)


@contextmanager
def audit_request(request: HttpRequest) -> Iterator[None]:
    token = current_request.set(request)
    try:
        yield
    finally:
        current_request.reset(token)


def _request_actor(request: HttpRequest | None) -> User | None:
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def audit_record(
    actor: User | None,
    action: str,
    target: Model | str | None = None,
    details: dict[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry to the audit log.

    `actor`: who did it (None: the system, or an anonymous visitor such as a failed sign-in).
    `action`: an AuditEntry.Action value. `target`: the record acted on (a model instance) or a
    plain label (a login name that may not exist). `details`: JSON-serialisable facts.
    `request`: the request it happened in (its client address is kept); by default the request
    being served, if any.
    """
    request = request if request is not None else current_request.get()
    if target is None:
        target_type, target_id, target_label = "", "", ""
    elif isinstance(target, Model):
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = str(target)[:200]
    else:
        target_type, target_id, target_label = "", "", str(target)[:200]
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        ip_address=client_ip(request) if request is not None else None,
        details=details or {},
    )


def audit_actor() -> User | None:
    """The signed-in user of the request being served, if any."""
    return _request_actor(current_request.get())


def user_sessions_end(*, user: User) -> int:
    """Delete every session signed in as `user` (on deactivation); returns how many.

    Sessions are not indexed by user, so the live ones are read and decoded: a few thousand rows
    at most (staff × devices), on a rare administrative act.
    """
    user_id = str(user.pk)
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) == user_id
    ]
    Session.objects.filter(session_key__in=ended).delete()
    return len(ended)


def user_tokens_revoke(*, user: User) -> int:
    """Delete the user's API token (password changed, account deactivated)."""
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


def api_token_max_age() -> timedelta:
    return timedelta(days=settings.ACCOUNTS_API_TOKEN_MAX_AGE_DAYS)


def api_token_expired(token: Token) -> bool:
    expired: bool = token.created < timezone.now() - api_token_max_age()
    return expired


def api_token_issue(
    *, user: User, request: HttpRequest | None = None, second_factor: str | None = None
) -> Token:
    """The user's API token after a successful password exchange (and code, `second_factor`:
    "totp" or "backup_code", for an account with two-factor sign-in): the current one while it is
    valid (several integrations of one account share it), else a fresh one."""
    token = Token.objects.filter(user=user).first()
    if token is not None and api_token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    audit_record(
        user,
        AuditEntry.Action.API_TOKEN_ISSUED,
        user,
        {"second_factor": second_factor or "none"},
        request=request,
    )
    return token


def user_notification_delivery_set(*, user: User, delivery: str) -> User:
    """How `user` takes notifications (User.Delivery): also by e-mail, or in the inbox only. From
    then on; e-mails already due still go."""
    if delivery not in User.Delivery.values:
        raise ValueError(f"Not a delivery choice: {delivery!r}")
    if user.notification_delivery != delivery:
        user.notification_delivery = delivery
        user.save(update_fields=["notification_delivery"])
    return user
